"""The human-readable decision for a terminal: verdict first, then each finding and article."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from kernel.inputs import shown_date
from kernel.types import Action, Decision, Post, Severity
from screening.messages import Lang, action_text, kind_advice, kind_label, severity_text

_CONTEXT = 40

_WORDS = {
    "nl": {
        "policy": "Beleid",
        "channel": "kanaal",
        "date": "publicatiedatum",
        "findings": "Bevindingen",
        "articles": "Geschonden artikelen",
        "notices": "Ter informatie",
        "photo": "foto",
        "article": "artikel",
        "none": "Geen bevindingen.",
        "below_threshold": "score onder de drempel, daarom alleen ter info",
        "public_contact": "openbaar contactgegeven van de school",
    },
    "en": {
        "policy": "Policy",
        "channel": "channel",
        "date": "publication date",
        "findings": "Findings",
        "articles": "Articles breached",
        "notices": "For information",
        "photo": "photo",
        "article": "article",
        "none": "No findings.",
        "below_threshold": "score below the threshold, so only a notice",
        "public_contact": "the school's own public contact details",
    },
}


def _snippet(text: str, start: int, end: int) -> Text:
    """The offending text highlighted within a little of its context, on one line."""
    lo = max(0, start - _CONTEXT)
    hi = min(len(text), end + _CONTEXT)
    out = Text("…" if lo > 0 else "")
    out.append(text[lo:start].replace("\n", " "))
    out.append(text[start:end].replace("\n", " "), style="bold reverse red")
    out.append(text[end:hi].replace("\n", " "))
    if hi < len(text):
        out.append("…")
    return out


def _indent(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, 4))


def render_decision(console: Console, decision: Decision, post: Post, lang: Lang) -> None:
    """Print `decision` for a person at a terminal."""
    w = _WORDS[lang]
    hold = decision.action is Action.HOLD
    colour = "red" if hold else "green"
    header = Text(action_text(decision.action.value, lang), style=f"bold {colour}")
    meta = Text(
        f"{w['policy']}: {decision.policy.title} ({decision.policy.id} "
        f"{decision.policy.version}) · {w['channel']}: {decision.channel.value} · "
        f"{w['date']}: {shown_date(decision.publish_on, lang)}",
        style="dim",
    )
    console.print(Panel(Group(header, meta), border_style=colour, expand=False))

    if not decision.findings:
        console.print(w["none"])
    else:
        console.print(Text(w["findings"], style="bold"))
    labels = {c.citation.article_id: c.citation.label for c in decision.reasons}
    for r in decision.findings:
        f = r.finding
        blocking = r.severity is Severity.HOLD
        line = Text(f"[{r.id}] ", style="dim")
        line.append(kind_label(f.kind, lang), style="bold red" if blocking else "bold yellow")
        if f.person_name:
            line.append(f": {f.person_name}", style="bold")
        line.append(f"  ({severity_text(r.severity.value, lang)}; ")
        line.append(f"{w['article']} {', '.join(labels.get(a, a) for a in r.articles)})")
        if r.note:
            line.append(f"  — {w[r.note]}", style="yellow")
        console.print(line)
        if f.span is not None:
            console.print(_indent(_snippet(post.text, f.span.start, f.span.end)))
        elif f.region is not None:
            name = (
                post.images[f.region.image_index].name
                if f.region.image_index < len(post.images)
                else str(f.region.image_index)
            )
            console.print(_indent(Text(f"{w['photo']} {f.region.image_index + 1}: {name}")))
        console.print(
            _indent(
                Text(
                    f"{kind_advice(f.kind, lang, in_photo=f.region is not None)} ",
                    style="italic",
                ).append(
                    f"[{f.detector} {f.detector_version}: {f.evidence.explanation}]", style="dim"
                )
            )
        )

    for severity, title in ((Severity.HOLD, w["articles"]), (Severity.NOTICE, w["notices"])):
        reasons = [r for r in decision.reasons if r.severity is severity]
        if not reasons:
            continue
        console.print()
        console.print(Text(title, style="bold"))
        for reason in reasons:
            c = reason.citation
            head = Text(f"{decision.policy.id} {c.label}", style="bold")
            head.append(f" — {c.section}", style="dim")
            head.append(f"  ({', '.join(reason.finding_ids)})", style="dim")
            console.print(head)
            console.print(_indent(Text(f"“{c.text}”")))
