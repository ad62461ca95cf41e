"""The audit report as one HTML page a school leader can read and act on.

Self-contained (styles inline, thumbnails as data: URIs, a Content-Security-Policy that
allows nothing else), so it can be mailed or opened from a share. Items that need action
come first, most serious first, each with its photos (faces boxed), what to do, the finding,
the article quoted and a link to the post; items that are fine are listed briefly at the end.
Every text from a source (ids, URLs, names) is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from screening.audit.report import RunInfo, counts
from screening.audit.results import SEVERITY_ORDER, ArticleRecord, ItemResult, Verdict
from screening.audit.texts import kind_name, kind_todo, verdict_label, what_to_do
from screening.messages import Lang

_COLOURS = {
    Verdict.VIOLATION: "#b00020",
    Verdict.TAKE_DOWN: "#d9480f",
    Verdict.REVIEW: "#b08800",
    Verdict.OK: "#2b8a3e",
}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;
color:#1d1d1f;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#555;font-size:.9rem}
.counts{display:flex;gap:1rem;margin:1rem 0 2rem;flex-wrap:wrap}
.count{border-radius:.5rem;padding:.6rem 1rem;color:#fff;min-width:9rem}
.count b{font-size:1.5rem;display:block}
.item{border:1px solid #ddd;border-left:.5rem solid;border-radius:.4rem;padding:1rem;
margin:1rem 0;page-break-inside:avoid}
.item h2{font-size:1.1rem;margin:.1rem 0 .5rem;word-break:break-all}
.badge{display:inline-block;color:#fff;border-radius:.3rem;padding:.1rem .5rem;font-size:.85rem}
.todo{font-weight:600;margin:.5rem 0}
.photos{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
.photos img{max-width:360px;border-radius:.3rem;border:1px solid #ccc}
.nophoto{width:12rem;height:8rem;display:flex;align-items:center;justify-content:center;
background:#f1f1f1;color:#666;border-radius:.3rem;font-size:.85rem;text-align:center}
ul.findings{margin:.3rem 0 .6rem 1.2rem;padding:0}
blockquote{margin:.4rem 0;padding:.4rem .8rem;border-left:.25rem solid #ccc;background:#fafafa;
font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #eee;text-align:left;padding:.3rem .5rem;word-break:break-all}
.small{font-size:.85rem;color:#555}
"""

_T = {
    "title": (
        "Nachtelijke controle van gepubliceerde berichten",
        "Nightly audit of published posts",
    ),
    "run": ("Controle", "Audit"),
    "today": ("gecontroleerd op", "checked on"),
    "policy": ("gedragscode", "code of conduct"),
    "items": ("berichten", "items"),
    "action": ("Actie nodig", "Action needed"),
    "none": (
        "Er is niets dat actie vraagt: alles wat gepubliceerd is, mag online blijven.",
        "Nothing needs action: everything published may stay online.",
    ),
    "ok_list": ("In orde", "OK"),
    "published": ("gepubliceerd op", "published on"),
    "unknown_date": ("datum onbekend", "date unknown"),
    "channel": ("kanaal", "channel"),
    "post": ("bekijk het bericht", "view the post"),
    "no_photo": ("geen afbeelding", "no picture"),
    "person": ("persoon", "person"),
    "article": ("artikel", "article"),
    "id": ("bericht", "item"),
    "resumed": ("hervat na onderbreking", "resumed after an interruption"),
    "redetected": ("foto's opnieuw geanalyseerd", "photos analysed anew"),
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


def _photos(item: ItemResult, lang: Lang) -> str:
    cells = []
    for media in item.media:
        if media.thumbnail and media.thumbnail.startswith("data:image/jpeg;base64,"):
            cells.append(f'<img src="{escape(media.thumbnail, quote=True)}" alt="">')
        else:
            cells.append(f'<div class="nophoto">{_t("no_photo", lang)}</div>')
    return f'<div class="photos">{"".join(cells)}</div>' if cells else ""


def _articles(item: ItemResult, ids: set[str], lang: Lang) -> str:
    quoted: list[ArticleRecord] = [a for a in item.articles if a.article_id in ids]
    return "".join(
        f"<blockquote><b>{_t('article', lang)} {escape(a.label)}"
        f"{' — ' + escape(a.title) if a.title else ''}</b><br>{escape(a.text)}</blockquote>"
        for a in quoted
    )


def _item(item: ItemResult, lang: Lang) -> str:
    colour = _COLOURS[item.verdict]
    lines = []
    for f in item.blocking:
        who = f" — {escape(f.person_name)}" if f.person_name else ""
        quoted = f" “{escape(f.span_text)}”" if f.span_text else ""
        why = f.explanation_nl if (lang == "nl" and f.explanation_nl) else f.explanation
        verdict = f" [{verdict_label(f.verdict, lang)}]" if f.verdict else ""
        lines.append(
            f"<li><b>{escape(kind_name(f.kind, lang))}</b>{who}{quoted}{escape(verdict)}<br>"
            f'<span class="small">{escape(why)}</span><br>{escape(kind_todo(f.kind, lang))}</li>'
        )
    cited = {a for f in item.blocking for a in f.articles}
    date_text = (
        f"{_t('published', lang)} {escape(item.published_on)}"
        if item.published_on
        else _t("unknown_date", lang)
    )
    return (
        f'<section class="item" style="border-left-color:{colour}">'
        f'<span class="badge" style="background:{colour}">'
        f"{escape(verdict_label(item.verdict, lang))}</span>"
        f"<h2>{escape(item.item_id)}</h2>"
        f'<div class="small">{_t("channel", lang)}: {escape(item.channel)} · {date_text} · '
        f"{_link(item.post_url, lang)}</div>"
        f'<p class="todo">{escape(what_to_do(item.verdict, lang))}</p>'
        f"{_photos(item, lang)}"
        f'<ul class="findings">{"".join(lines)}</ul>'
        f"{_articles(item, cited, lang)}"
        "</section>"
    )


def render_html(run: RunInfo, results: Sequence[ItemResult], lang: Lang = "nl") -> str:
    """The whole report as one HTML document."""
    tally = counts(results)
    order = {v: n for n, v in enumerate(SEVERITY_ORDER)}
    needing = sorted(
        (r for r in results if r.verdict is not Verdict.OK), key=lambda r: order[r.verdict]
    )
    fine = [r for r in results if r.verdict is Verdict.OK]
    boxes = "".join(
        f'<div class="count" style="background:{_COLOURS[v]}"><b>{tally[v.value]}</b>'
        f"{escape(verdict_label(v, lang))}</div>"
        for v in SEVERITY_ORDER
    )
    meta = (
        f"{_t('run', lang)} {escape(run.run_id)} · {_t('today', lang)} {escape(run.today)} · "
        f"{_t('policy', lang)} {escape(run.policy)} · {len(results)} {_t('items', lang)} · "
        f"{run.redetected} {_t('redetected', lang)}"
        + (f" · {run.resumed} {_t('resumed', lang)}" if run.resumed else "")
    )
    action = "".join(_item(r, lang) for r in needing) if needing else f"<p>{_t('none', lang)}</p>"
    rows = "".join(
        f"<tr><td>{escape(r.item_id)}</td><td>{escape(r.channel)}</td>"
        f"<td>{escape(r.published_on or '')}</td><td>{_link(r.post_url, lang)}</td></tr>"
        for r in fine
    )
    table = (
        f"<h2>{_t('ok_list', lang)} ({len(fine)})</h2><table><tr><th>{_t('id', lang)}</th>"
        f"<th>{_t('channel', lang)}</th><th>{_t('published', lang)}</th><th></th></tr>"
        f"{rows}</table>"
        if fine
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_t('title', lang)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{_t("title", lang)}</h1><div class="meta">{meta}</div>'
        f'<div class="counts">{boxes}</div>'
        f"<h2>{_t('action', lang)} ({len(needing)})</h2>{action}{table}"
        "</body></html>\n"
    )
