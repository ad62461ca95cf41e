"""The audit report as one HTML page a privacy officer can read and act on.

Self-contained (styles inline, thumbnails as data: URIs, a Content-Security-Policy that
allows nothing else), so it can be mailed or opened from a share. Warnings about the run
come first, then what is new since the last audit, then what is still open, most serious
first: each item with its number, its photos (faces boxed and numbered, with a legend),
the replacement photo the audit made, per finding what is wrong and what to do, the
articles quoted and a link to the post. Then what was resolved, what the officer marked
handled, and the items that are fine. Every text from a source (ids, URLs, names) is
escaped. The page works from 320 px wide (a phone) up.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote, urlsplit

from screening.audit.dates import shown_day
from screening.audit.followup import Comparison
from screening.audit.report import RunInfo
from screening.audit.results import (
    ACTION_NEEDED,
    SEVERITY_ORDER,
    ArticleRecord,
    FindingRecord,
    ItemResult,
    MediaRecord,
    Verdict,
)
from screening.audit.texts import kind_name, verdict_label, what_to_do
from screening.messages import Lang

#: Each colour has at least 4.5:1 contrast with white (WCAG AA): it is the background of white
#: text in the counts and the colour of text on the white page.
_COLOURS = {
    Verdict.VIOLATION: "#b00020",
    Verdict.TAKE_DOWN: "#c2410c",
    Verdict.REVIEW: "#8a6d00",
    Verdict.METADATA: "#1c5d99",
    Verdict.OK: "#1b6b2f",  # the web pages' "publish" green; #2b8a3e had only 4.4:1
}
_HANDLED_COLOUR = "#555"

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem auto;max-width:72rem;
color:#1d1d1f;line-height:1.45;padding:0 1rem;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.25rem;margin:2rem 0 .5rem}
.meta{color:#444;font-size:.9rem}.meta span{white-space:nowrap}
.warning{border:2px solid #b00020;background:#fdecee;border-radius:.4rem;padding:.8rem 1rem;
margin:1rem 0;font-weight:600}
.counts{display:flex;gap:.6rem;margin:1rem 0 .5rem;flex-wrap:wrap}
.count{border-radius:.5rem;padding:.5rem .8rem;color:#fff;min-width:8.5rem;flex:1 1 8.5rem}
.count b{font-size:1.4rem;display:block}
.item{border:1px solid #ddd;border-left:.5rem solid;border-radius:.4rem;padding:.8rem 1rem;
margin:1rem 0;page-break-inside:avoid}
.item h3{font-size:1.1rem;margin:.3rem 0}
.badge{display:inline-block;color:#fff;border-radius:.3rem;padding:.1rem .5rem;font-size:.85rem;
margin-right:.3rem}
.new{background:#111}.future{background:#6b21a8}
.photos{display:flex;gap:.8rem;flex-wrap:wrap;margin:.6rem 0}
figure{margin:0;max-width:100%}
figure img{display:block;max-width:min(100%,480px);height:auto;border-radius:.3rem;
border:1px solid #ccc}
figcaption{font-size:.85rem;max-width:480px}figcaption ol{margin:.2rem 0 .2rem 1.2rem;padding:0}
.nophoto{width:12rem;max-width:100%;height:8rem;display:flex;align-items:center;
justify-content:center;background:#f1f1f1;color:#555;border-radius:.3rem;font-size:.85rem;
text-align:center}
ol.findings{margin:.3rem 0 .6rem 1.2rem;padding:0}ol.findings li{margin:.4rem 0}
.why{margin:.15rem 0}.todo{margin:.15rem 0;font-weight:600}
.verdict{font-size:.8rem;border:1px solid;border-radius:.3rem;padding:0 .3rem;white-space:nowrap}
blockquote{margin:.4rem 0;padding:.4rem .8rem;border-left:.25rem solid #ccc;background:#fafafa;
font-size:.9rem}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #eee;text-align:left;padding:.3rem .5rem;vertical-align:top}
.small{font-size:.85rem;color:#444}
code{background:#f3f3f3;padding:.05rem .3rem;border-radius:.2rem;font-size:.85rem}
@media (max-width:480px){body{padding:0 .6rem;margin:.8rem auto}.count{min-width:7rem}
h1{font-size:1.25rem}.item{padding:.6rem .7rem}}
"""

_T = {
    "title": (
        "Nachtelijke controle van gepubliceerde berichten",
        "Nightly audit of published posts",
    ),
    "run": ("controle", "audit"),
    "today": ("gecontroleerd op", "checked on"),
    "source": ("bron", "source"),
    "registry": ("register", "registry"),
    "policy": ("gedragscode", "code of conduct"),
    "items": ("berichten", "items"),
    "previous": ("vorige controle", "previous audit"),
    "first": ("eerste controle", "first audit"),
    "warning": ("Waarschuwing", "Warning"),
    "new": ("Nieuw sinds de vorige controle", "New since the last audit"),
    "new_first": ("Actie nodig (eerste controle: alles is nieuw)", "Action needed (first audit)"),
    "new_badge": ("Nieuw", "New"),
    "open": ("Nog open, al eerder gemeld", "Still open, reported before"),
    "nothing_new": ("Niets nieuws sinds de vorige controle.", "Nothing new since the last audit."),
    "none": (
        "Er is niets dat actie vraagt: alles wat gepubliceerd is, mag online blijven.",
        "Nothing needs action: everything published may stay online.",
    ),
    "resolved": ("Opgelost sinds de vorige controle", "Resolved since the last audit"),
    "handled": ("Afgehandeld", "Handled"),
    "handled_count": ("afgehandeld", "handled"),
    "ok_list": ("In orde", "OK"),
    "published": ("gepubliceerd op", "published on"),
    "unknown_date": ("datum onbekend", "date unknown"),
    "future": ("Datum in de toekomst", "Date in the future"),
    "channel": ("kanaal", "channel"),
    "post": ("bekijk het bericht", "view the post"),
    "no_photo": ("geen afbeelding", "no picture"),
    "photo": ("foto", "photo"),
    "face": ("gezicht", "face"),
    "replacement": (
        "publiceerbare versie (gezichten vervaagd, fotogegevens verwijderd)",
        "publishable version (faces blurred, metadata removed)",
    ),
    "article": ("artikel", "article"),
    "nr": ("Nr.", "No."),
    "id": ("nummer", "number"),
    "item": ("bericht", "item"),
    "verdict": ("oordeel", "verdict"),
    "was": ("was", "was"),
    "how": ("hoe", "how"),
    "by": ("door", "by"),
    "when": ("wanneer", "when"),
    "note": ("notitie", "note"),
    "todo": ("Wat te doen:", "What to do:"),
    "mark": ("Afgehandeld? Markeer het:", "Handled? Mark it:"),
    "mark_help": (
        "Markeer een bericht als afgehandeld met <code>screening audit-mark NUMMER --handled "
        "taken-down</code> (of <code>replaced</code>, <code>discussed</code>, "
        "<code>accepted</code>). Het blijft afgehandeld tot er iets aan verandert.",
        "Mark an item handled with <code>screening audit-mark NUMBER --handled taken-down"
        "</code> (or <code>replaced</code>, <code>discussed</code>, <code>accepted</code>). "
        "It stays handled until something about it changes.",
    ),
    "resumed": ("hervat na onderbreking", "resumed after an interruption"),
    "redetected": ("foto's opnieuw geanalyseerd", "photos analysed anew"),
}

_FACE_STATES = {
    "face.consented": ("toestemming", "consent"),
    "face.not_recognizable": ("niet herkenbaar", "not recognizable"),
    # Now: the item's verdict says whether there was consent at publication.
    "face.no_consent": ("nu geen toestemming", "no consent now"),
    "face.unknown": ("onbekend", "unknown"),
    "face.ambiguous": ("onzeker wie", "not sure who"),
}


def _t(key: str, lang: Lang) -> str:
    nl, en = _T[key]
    return nl if lang == "nl" else en


def _link(url: str | None, lang: Lang) -> str:
    if not url:
        return ""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return f'<span class="small">{escape(url)}</span>'
    return (
        f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{_t("post", lang)}</a>'
        f' <span class="small">{escape(url)}</span>'
    )


def _legend(media: MediaRecord, lang: Lang) -> str:
    if not media.legend:
        return ""
    rows = "".join(
        f'<li value="{n}">{escape(person) + ": " if person else ""}'
        f"{escape(_FACE_STATES.get(kind, (kind, kind))[0 if lang == 'nl' else 1])}</li>"
        for n, kind, person in media.legend
    )
    return f"<ol>{rows}</ol>"


def _photos(item: ItemResult, lang: Lang) -> str:
    cells = []
    for n, media in enumerate(item.media, start=1):
        label = f"{_t('photo', lang)} {n}"
        if media.thumbnail and media.thumbnail.startswith("data:image/jpeg;base64,"):
            picture = f'<img src="{escape(media.thumbnail, quote=True)}" alt="{label}">'
        else:
            picture = f'<div class="nophoto">{_t("no_photo", lang)}</div>'
        replacement = (
            f'<br><a href="{escape(quote(media.replacement), quote=True)}">'
            f"{_t('replacement', lang)}</a>"
            if media.replacement
            else ""
        )
        cells.append(
            f"<figure>{picture}<figcaption><b>{label}</b>{_legend(media, lang)}"
            f"{replacement}</figcaption></figure>"
        )
    return f'<div class="photos">{"".join(cells)}</div>' if cells else ""


def _articles(item: ItemResult, ids: set[str], lang: Lang) -> str:
    quoted: list[ArticleRecord] = [a for a in item.articles if a.article_id in ids]
    return "".join(
        f"<blockquote><b>{_t('article', lang)} {escape(a.label)}"
        f"{' — ' + escape(a.title) if a.title else ''}</b><br>{escape(a.text)}</blockquote>"
        for a in quoted
    )


def _face_numbers(item: ItemResult) -> dict[int, tuple[int, int]]:
    """Finding position -> (photo number, face number), as the thumbnails number faces."""
    numbers: dict[int, tuple[int, int]] = {}
    per_photo: dict[int, int] = {}
    for pos, f in enumerate(item.findings):
        if f.kind.startswith("face.") and f.image_index is not None and f.box is not None:
            per_photo[f.image_index] = per_photo.get(f.image_index, 0) + 1
            numbers[pos] = (f.image_index + 1, per_photo[f.image_index])
    return numbers


def _finding(f: FindingRecord, where: tuple[int, int] | None, lang: Lang) -> str:
    who = f" — {escape(f.person_name)}" if f.person_name else ""
    quoted = f" “{escape(f.span_text)}”" if f.span_text else ""
    place = (
        f" ({_t('photo', lang)} {where[0]}, {_t('face', lang)} {where[1]})"
        if where
        else (f" ({_t('photo', lang)} {f.image_index + 1})" if f.image_index is not None else "")
    )
    why = f.explanation_nl if (lang == "nl" and f.explanation_nl) else f.explanation
    todo = f.advice_nl if lang == "nl" else f.advice_en
    verdict = (
        f' <span class="verdict" style="color:{_COLOURS[f.verdict]}">'
        f"{escape(verdict_label(f.verdict, lang))}</span>"
        if f.verdict
        else ""
    )
    return (
        f"<li><b>{escape(kind_name(f.kind, lang))}</b>{who}{quoted}{place}{verdict}"
        f'<p class="why">{escape(why)}</p>'
        + (f'<p class="todo">{_t("todo", lang)} {escape(todo)}</p>' if todo else "")
        + "</li>"
    )


def _item(item: ItemResult, lang: Lang, new: bool) -> str:
    colour = _COLOURS[item.verdict]
    numbers = _face_numbers(item)
    order = {v: n for n, v in enumerate(SEVERITY_ORDER)}
    blocking = sorted(
        ((pos, f) for pos, f in enumerate(item.findings) if f.severity == "hold"),
        key=lambda p: order.get(p[1].verdict, len(order)) if p[1].verdict else len(order),
    )  # the most serious first: a withdrawal is never below a photographer's credit
    lines = [_finding(f, numbers.get(pos), lang) for pos, f in blocking]
    cited = {a for f in item.blocking for a in f.articles}
    date_text = (
        f"{_t('published', lang)} {escape(shown_day(item.published_on, lang))}"
        if item.published_on
        else _t("unknown_date", lang)
    )
    badges = (
        f'<span class="badge" style="background:{colour}">'
        f"{escape(verdict_label(item.verdict, lang))}</span>"
        + (f'<span class="badge new">{_t("new_badge", lang)}</span>' if new else "")
        + (f'<span class="badge future">{_t("future", lang)}</span>' if item.future_date else "")
    )
    return (
        f'<section class="item" id="nr-{escape(item.ref, quote=True)}" '
        f'style="border-left-color:{colour}">{badges}'
        f"<h3>{_t('nr', lang)} {escape(item.ref)}</h3>"
        f'<div class="small">{escape(item.item_id)} · {_t("channel", lang)}: '
        f"{escape(item.channel)} · {date_text} · {_link(item.post_url, lang)}</div>"
        f'<p class="small">{escape(what_to_do(item.verdict, lang))}</p>'
        f"{_photos(item, lang)}"
        f'<ol class="findings">{"".join(lines)}</ol>'
        f"{_articles(item, cited, lang)}"
        f'<p class="small">{_t("mark", lang)} <code>screening audit-mark {escape(item.ref)} '
        "--handled taken-down</code></p>"
        "</section>"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose cells are already escaped HTML."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="table"><table><tr>{th}</tr>{body}</table></div>'


def _ordered(results: Sequence[ItemResult]) -> list[ItemResult]:
    order = {v: n for n, v in enumerate(SEVERITY_ORDER)}
    return sorted(results, key=lambda r: order[r.verdict])


def render_html(
    run: RunInfo,
    results: Sequence[ItemResult],
    lang: Lang = "nl",
    comparison: Comparison | None = None,
) -> str:
    """The whole report as one HTML document."""
    comparison = comparison or Comparison(None)
    open_items = _ordered([r for r in results if comparison.is_open(r)])
    new = [r for r in open_items if comparison.is_new(r)]
    older = [r for r in open_items if not comparison.is_new(r)]
    handled = [r for r in results if r.ref in comparison.handled]
    fine = [r for r in results if r.verdict not in ACTION_NEEDED]

    warnings = "".join(
        f'<div class="warning" role="alert">{_t("warning", lang)} [{escape(w.code)}]: '
        f"{escape(w.message(lang))}</div>"
        for w in run.warnings
    )
    tally = {v: sum(1 for r in open_items if r.verdict is v) for v in SEVERITY_ORDER}
    tally[Verdict.OK] = len(fine)
    boxes = "".join(
        f'<div class="count" style="background:{_COLOURS[v]}"><b>{tally[v]}</b>'
        f"{escape(verdict_label(v, lang))}</div>"
        for v in SEVERITY_ORDER
    ) + (
        f'<div class="count" style="background:{_HANDLED_COLOUR}"><b>{len(handled)}</b>'
        f"{_t('handled_count', lang)}</div>"
    )
    previous = (
        f"{_t('previous', lang)} {escape(shown_day(comparison.previous, lang))}"
        if comparison.previous
        else _t("first", lang)
    )
    meta = " · ".join(
        [
            f"<span>{_t('today', lang)} {escape(shown_day(run.today, lang))}</span>",
            f"<span>{previous}</span>",
            f"<span>{len(results)} {_t('items', lang)}</span>",
            f"{_t('source', lang)}: {escape(run.source)}",
            f"{_t('registry', lang)}: {escape(run.registry)}",
            f"{_t('policy', lang)}: {escape(run.policy)}",
            f"{_t('run', lang)} {escape(run.run_id)}",
            f"{run.redetected} {_t('redetected', lang)}",
        ]
        + ([f"{run.resumed} {_t('resumed', lang)}"] if run.resumed else [])
    )
    if new:
        title = _t("new", lang) if comparison.previous else _t("new_first", lang)
        new_part = f"<h2>{title} ({len(new)})</h2>" + "".join(_item(r, lang, True) for r in new)
    elif open_items:
        new_part = f"<h2>{_t('new', lang)}</h2><p>{_t('nothing_new', lang)}</p>"
    else:
        new_part = f"<h2>{_t('new', lang)}</h2><p>{_t('none', lang)}</p>"
    older_part = (
        f"<h2>{_t('open', lang)} ({len(older)})</h2>"
        + "".join(_item(r, lang, False) for r in older)
        if older
        else ""
    )
    resolved_part = (
        f"<h2>{_t('resolved', lang)} ({len(comparison.resolved)})</h2>"
        + _table(
            [_t("id", lang), _t("item", lang), _t("was", lang)],
            [
                [escape(s.ref), escape(s.item_id), escape(verdict_label(Verdict(s.verdict), lang))]
                for s in comparison.resolved
            ],
        )
        if comparison.resolved
        else ""
    )
    handled_part = (
        f"<h2>{_t('handled', lang)} ({len(handled)})</h2>"
        + _table(
            [
                _t("id", lang),
                _t("item", lang),
                _t("verdict", lang),
                _t("how", lang),
                _t("by", lang),
                _t("when", lang),
                _t("note", lang),
            ],
            [
                [
                    escape(r.ref),
                    escape(r.item_id),
                    escape(verdict_label(r.verdict, lang)),
                    escape(comparison.handled[r.ref].label(lang)),
                    escape(comparison.handled[r.ref].by),
                    escape(shown_day(comparison.handled[r.ref].at[:10], lang)),
                    escape(comparison.handled[r.ref].note),
                ]
                for r in handled
            ],
        )
        if handled
        else ""
    )
    fine_part = (
        f"<h2>{_t('ok_list', lang)} ({len(fine)})</h2>"
        + _table(
            [_t("id", lang), _t("item", lang), _t("channel", lang), _t("published", lang), ""],
            [
                [
                    escape(r.ref),
                    escape(r.item_id),
                    escape(r.channel),
                    escape(shown_day(r.published_on or "", lang)),
                    _link(r.post_url, lang),
                ]
                for r in fine
            ],
        )
        if fine
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_t('title', lang)} {escape(shown_day(run.today, lang))}</title>"
        f"<style>{_STYLE}</style></head>"
        f'<body><h1>{_t("title", lang)}</h1><div class="meta">{meta}</div>{warnings}'
        f'<div class="counts">{boxes}</div>'
        f"{new_part}{older_part}{resolved_part}{handled_part}{fine_part}"
        f'<p class="small">{_t("mark_help", lang)}</p>'
        "</body></html>\n"
    )
