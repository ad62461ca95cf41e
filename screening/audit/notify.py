"""Tell someone the audit is done, or failed: an e-mail (SMTP) or a webhook (POST of JSON).

Both carry the summary only: item numbers (never ids, which may be file names with a
pupil's name), counts and verdicts, never captions, names or faces; the report itself stays
on the server. What is new since the last audit comes first, and in the subject. A failed
notification is a `NotificationError`; the reports are written before any notification is
tried. When the audit itself fails, the same addresses get `failure_summary`.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Sequence
from datetime import date
from email.message import EmailMessage
from typing import Any

import httpx

from kernel.errors import ScreeningError
from kernel.settings import Settings
from screening.audit.dates import shown_day
from screening.audit.errors import NotificationError
from screening.audit.http import is_url, make_client

_VERDICTS_NL = {
    "violation": "overtreding",
    "take_down": "offline halen",
    "review": "laten controleren",
    "metadata": "fotogegevens opschonen",
    "ok": "in orde",
}
_VERDICTS_EN = {
    "violation": "violation",
    "take_down": "take down",
    "review": "review",
    "metadata": "clean metadata",
    "ok": "OK",
}


def _line(entry: dict[str, Any], words: dict[str, str], was: str) -> str:
    before = entry.get("before")
    then = f" ({was} {words[before]})" if before else ""
    return f"  - {entry['id']}: {words[entry['verdict']]}{then}"


FAILURE_SCHEMA = "school-post-screening/audit-failure/1"


def email_body(summary: dict[str, Any]) -> str:
    """The mail's plain text: Dutch, then English; item numbers and counts only."""
    counts = summary["counts"]
    new = summary.get("new_since_last_audit", [])
    new_ids = {i["id"] for i in new}
    older = [i for i in summary["needs_action"] if i["id"] not in new_ids]
    previous = summary.get("previous_audit")
    warnings = summary.get("warnings", [])
    # The summary (and the webhook's JSON) keeps ISO days; the Dutch text says dd-mm-jjjj.
    today_nl = shown_day(summary["today"], "nl")
    nl = [
        *(f"WAARSCHUWING [{w['code']}]: {w['nl']}" for w in warnings),
        *([""] if warnings else []),
        f"Nachtelijke controle {summary['run_id']} ({today_nl}): "
        f"{summary['items']} berichten gecontroleerd.",
        f"Register: {summary.get('registry', '')}; gedragscode: {summary.get('policy', '')}.",
        "",
        (
            f"Nieuw sinds de vorige controle ({shown_day(previous, 'nl')}):"
            if previous
            else "Nieuw (eerste controle):"
        )
        if new
        else "Niets nieuws sinds de vorige controle.",
        *(_line(i, _VERDICTS_NL, "was") for i in new),
        *(["", "Nog open (al eerder gemeld):"] if older else []),
        *(_line(i, _VERDICTS_NL, "was") for i in older),
        *(
            [f"Opgelost sinds de vorige controle: {len(summary['resolved'])}"]
            if summary.get("resolved")
            else []
        ),
        *([f"Als afgehandeld gemarkeerd: {summary['handled']}"] if summary.get("handled") else []),
        "",
        "Aantallen:",
        *(f"  {_VERDICTS_NL[k]}: {v}" for k, v in counts.items()),
        "",
        f"Het rapport: {summary['reports']['html']}",
        "Afgehandeld? screening audit-mark NUMMER --handled taken-down "
        "(of replaced, discussed, accepted)",
    ]
    en = [
        *(f"WARNING [{w['code']}]: {w['en']}" for w in warnings),
        f"Nightly audit {summary['run_id']} ({summary['today']}): {summary['items']} items.",
        f"Registry: {summary.get('registry', '')}; policy: {summary.get('policy', '')}.",
        "",
        "New since the last audit:" if new else "Nothing new since the last audit.",
        *(_line(i, _VERDICTS_EN, "was") for i in new),
        *(["Still open:"] if older else []),
        *(_line(i, _VERDICTS_EN, "was") for i in older),
        *(f"  {k}: {v}" for k, v in counts.items()),
        "",
        f"The report: {summary['reports']['html']}",
    ]
    return "\n".join([*nl, "", "-- English --", *en]) + "\n"


def _tally(entries: list[dict[str, Any]]) -> str:
    order = ("violation", "take_down", "review", "metadata")
    found = {v: sum(1 for e in entries if e["verdict"] == v) for v in order}
    return ", ".join(f"{n} {_VERDICTS_NL[v]}" for v, n in found.items() if n)


def email_subject(summary: dict[str, Any]) -> str:
    """A subject that says at a glance what is new, and whether to act."""
    day = shown_day(summary["today"], "nl")
    if summary.get("warnings"):
        first = summary["warnings"][0]
        what = "de bron is leeg" if first["name"] == "empty_source" else first["code"]
        return f"WAARSCHUWING controle {day}: {what} / audit WARNING"
    if not summary["action_needed"]:
        return f"Controle {day}: alles in orde / audit: all OK"
    new = summary.get("new_since_last_audit", [])
    if new:
        return (
            f"Controle {day}: NIEUW {_tally(new)}; open {len(summary['needs_action'])} "
            "/ audit: new findings"
        )
    return (
        f"Controle {day}: niets nieuws; nog open: {_tally(summary['needs_action'])} "
        "/ audit: nothing new, action still needed"
    )


def failure_summary(err: BaseException, source: str, today: date) -> dict[str, Any]:
    """What a notification says when the audit itself failed: the error's code and message
    (project errors say what to fix), or only the type of an unexpected error (its text may
    quote data)."""
    if isinstance(err, ScreeningError):
        error = {"code": err.code, "nl": err.message_nl, "en": err.message_en}
    else:
        name = type(err).__name__
        error = {
            "code": "internal",
            "nl": f"interne fout ({name}); zie het logboek van de controle",
            "en": f"internal error ({name}); see the audit's log",
        }
    return {
        "schema": FAILURE_SCHEMA,
        "status": "failed",
        "today": today.isoformat(),
        "source": source,
        "error": error,
    }


def failure_subject(data: dict[str, Any]) -> str:
    """The subject of the failure mail."""
    day = shown_day(data["today"], "nl")
    return f"MISLUKT: controle {day} [{data['error']['code']}] / audit FAILED"


def failure_body(data: dict[str, Any]) -> str:
    """The failure mail: what went wrong, Dutch then English; nothing was (fully) audited."""
    e = data["error"]
    return (
        f"De nachtelijke controle van {shown_day(data['today'], 'nl')} is mislukt; er is geen "
        "(volledig) "
        f"rapport.\nBron: {data['source']}\nFout [{e['code']}]: {e['nl']}\n\n-- English --\n"
        f"The nightly audit of {data['today']} failed; there is no (complete) report.\n"
        f"Source: {data['source']}\nError [{e['code']}]: {e['en']}\n"
    )


def send_email(settings: Settings, recipients: Sequence[str], summary: dict[str, Any]) -> None:
    """Mail the summary to `recipients` through the configured SMTP server."""
    failed = summary.get("status") == "failed"
    message = EmailMessage()
    message["Subject"] = failure_subject(summary) if failed else email_subject(summary)
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message.set_content(failure_body(summary) if failed else email_body(summary))
    message.add_attachment(
        json.dumps(summary, ensure_ascii=False, indent=2).encode(),
        maintype="application",
        subtype="json",
        filename="samenvatting.json",
    )
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.audit_http_timeout
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotificationError(
            f"the e-mail to {', '.join(recipients)} could not be sent via "
            f"{settings.smtp_host}:{settings.smtp_port} ({type(exc).__name__})",
            f"de e-mail aan {', '.join(recipients)} kon niet worden verstuurd via "
            f"{settings.smtp_host}:{settings.smtp_port} ({type(exc).__name__})",
        ) from None


def post_webhook(settings: Settings, url: str, summary: dict[str, Any]) -> None:
    """POST the summary as JSON to `url`; anything but a 2xx answer is an error."""
    if not is_url(url):
        raise NotificationError(
            f"webhook {url!r} is not an http(s) URL", f"webhook {url!r} is geen http(s)-adres"
        )
    try:
        with make_client(settings.audit_http_timeout) as client:
            response = client.post(url, json=summary)
    except httpx.HTTPError as exc:
        raise NotificationError(
            f"webhook {url} cannot be reached ({type(exc).__name__})",
            f"webhook {url} is niet bereikbaar ({type(exc).__name__})",
        ) from None
    if not 200 <= response.status_code < 300:
        raise NotificationError(
            f"webhook {url} answered HTTP {response.status_code}",
            f"webhook {url} antwoordde met HTTP {response.status_code}",
        )
