"""Tell someone the audit is done: an e-mail (SMTP) or a webhook (POST of the summary).

Both carry the summary only: item ids, counts and verdicts, never captions, names or faces;
the report itself stays on the server. A failed notification is a `NotificationError`; the
reports are written before any notification is tried.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

import httpx

from kernel.settings import Settings
from screening.audit.errors import NotificationError
from screening.audit.http import is_url, make_client

_VERDICTS_NL = {
    "violation": "overtreding",
    "take_down": "offline halen",
    "review": "laten controleren",
    "ok": "in orde",
}


def email_body(summary: dict[str, Any]) -> str:
    """The mail's plain text: Dutch, then English; ids and counts only."""
    counts = summary["counts"]
    needing = summary["needs_action"]
    nl = [
        f"Nachtelijke controle {summary['run_id']} ({summary['today']}): "
        f"{summary['items']} berichten gecontroleerd.",
        *(f"  {_VERDICTS_NL[k]}: {v}" for k, v in counts.items()),
        "",
        "Actie nodig:" if needing else "Er is niets dat actie vraagt.",
        *(f"  - {i['id']}: {_VERDICTS_NL[i['verdict']]}" for i in needing),
        "",
        f"Het rapport: {summary['reports']['html']}",
    ]
    en = [
        f"Nightly audit {summary['run_id']} ({summary['today']}): {summary['items']} items.",
        *(f"  {k}: {v}" for k, v in counts.items()),
        "",
        "Action needed:" if needing else "Nothing needs action.",
        *(f"  - {i['id']}: {i['verdict']}" for i in needing),
        "",
        f"The report: {summary['reports']['html']}",
    ]
    return "\n".join([*nl, "", "-- English --", *en]) + "\n"


def email_subject(summary: dict[str, Any]) -> str:
    """A subject that says at a glance whether to act."""
    c = summary["counts"]
    if not summary["action_needed"]:
        return f"Controle {summary['today']}: alles in orde / audit: all OK"
    return (
        f"Controle {summary['today']}: actie nodig ({c['violation']} overtreding, "
        f"{c['take_down']} offline halen, {c['review']} controleren) / audit: action needed"
    )


def send_email(settings: Settings, recipients: Sequence[str], summary: dict[str, Any]) -> None:
    """Mail the summary to `recipients` through the configured SMTP server."""
    message = EmailMessage()
    message["Subject"] = email_subject(summary)
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message.set_content(email_body(summary))
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
