"""Notifications: an e-mail to an SMTP server on localhost, a webhook to a localhost server.

Both carry ids, counts and verdicts only; a notification that fails is reported, and the
reports are written regardless.
"""

from __future__ import annotations

import email
import io
import json
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from screening.audit.errors import AuditSourceError
from screening.audit.progress import JsonLinesProgress
from screening.audit.runner import AuditOptions, run_audit
from tests.audit.http_server import Route, serve
from tests.audit.library import PublishedState, withdraw_social_media
from tests.ports import free_port

SECRETS = ("Sportdag", "06-12345678", "Anna Jansen", "gastspreker", "base64")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_email_and_webhook_carry_the_summary_only(
    published: PublishedState, tmp_path: Path, inbox: tuple[_Inbox, int]
) -> None:
    handler, port = inbox
    withdraw_social_media(published.settings)
    settings = published.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "audit@school.nl"}
    )
    with serve({"/hook": Route(b"")}) as site:
        outcome = run_audit(
            AuditOptions(
                source=str(published.folder),
                out_dir=tmp_path / "out",
                state_dir=tmp_path / "state",
                workers=1,
                notify_emails=("directie@school.nl",),
                webhook=site.url("/hook"),
            ),
            settings,
            JsonLinesProgress(io.StringIO()),
        )
        [posted] = site.posted["/hook"]
    assert outcome.notification_errors == ()

    [message] = handler.messages
    assert message["To"] == "directie@school.nl" and message["From"] == "audit@school.nl"
    # New findings first, in the subject too (the first audit: everything is new).
    assert message["Subject"].startswith("Controle ") and "NIEUW" in message["Subject"]
    assert "1 offline halen" in message["Subject"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode()  # type: ignore[union-attr]
    anna = next(r for r in outcome.results if r.item_id == "instagram/anna.jpg")
    assert f"{anna.ref}: offline halen" in text and "take_down: 1" in text
    assert text.index("Nieuw") < text.index("Aantallen")
    # Item numbers only: a file name such as anna.jpg may carry a pupil's name.
    assert "anna.jpg" not in text and "anna.jpg" not in posted.decode()

    summary = json.loads(posted)
    assert summary == outcome.summary
    assert summary["counts"] == {
        "ok": 2,
        "take_down": 1,
        "violation": 2,
        "review": 2,
        "metadata": 0,
    }
    assert {i["id"]: i["verdict"] for i in summary["needs_action"]}[anna.ref] == "take_down"
    for secret in SECRETS:
        assert secret not in text and secret not in posted.decode()


def test_failed_notifications_are_reported_and_the_reports_still_written(
    published: PublishedState, tmp_path: Path
) -> None:
    settings = published.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": free_port(), "audit_http_timeout": 5.0}
    )
    with serve({"/hook": Route(b"", status=500)}) as site:
        outcome = run_audit(
            AuditOptions(
                source=str(published.folder),
                out_dir=tmp_path / "out",
                state_dir=tmp_path / "state",
                workers=1,
                notify_emails=("directie@school.nl",),
                webhook=site.url("/hook"),
            ),
            settings,
            JsonLinesProgress(io.StringIO()),
        )
    codes = [e.code for e in outcome.notification_errors]
    assert codes == ["E320", "E320"]
    assert "HTTP 500" in outcome.notification_errors[1].message_en
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_failed_audit_notifies_too(
    published: PublishedState, tmp_path: Path, inbox: tuple[_Inbox, int]
) -> None:
    """The audit itself fails (here: the source is gone): the same addresses hear it, with
    the error's code and Dutch message, before the error reaches the caller."""
    handler, port = inbox
    settings = published.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "audit@school.nl"}
    )
    with serve({"/hook": Route(b"")}) as site:
        with pytest.raises(AuditSourceError):
            run_audit(
                AuditOptions(
                    source=str(tmp_path / "niet-gekoppeld"),
                    out_dir=tmp_path / "out",
                    state_dir=tmp_path / "state",
                    workers=1,
                    notify_emails=("fg@school.nl",),
                    webhook=site.url("/hook"),
                ),
                settings,
                JsonLinesProgress(io.StringIO()),
            )
        [posted] = site.posted["/hook"]
    [message] = handler.messages
    assert message["Subject"].startswith("MISLUKT: controle") and "[E300]" in message["Subject"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "is mislukt" in text and "bestaat niet" in text
    data = json.loads(posted)
    assert data["status"] == "failed" and data["error"]["code"] == "E300"


def test_an_empty_source_is_a_warning_in_the_mail(
    published: PublishedState, tmp_path: Path, inbox: tuple[_Inbox, int]
) -> None:
    handler, port = inbox
    empty = tmp_path / "share"
    empty.mkdir()
    settings = published.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    outcome = run_audit(
        AuditOptions(
            source=str(empty),
            out_dir=tmp_path / "out",
            state_dir=tmp_path / "state",
            workers=1,
            notify_emails=("fg@school.nl",),
        ),
        settings,
        JsonLinesProgress(io.StringIO()),
    )
    assert [w.code for w in outcome.warnings] == ["E304"]
    [message] = handler.messages
    assert (
        message["Subject"].startswith("WAARSCHUWING controle")
        and "bron is leeg" in (message["Subject"])
    )
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert text.startswith("WAARSCHUWING [E304]") and "Er is niets" not in text
    assert outcome.summary["status"] == "warning"


def test_the_dutch_mail_writes_dates_as_dd_mm_jjjj() -> None:
    """Issue 16 point 5: the officer reads 02-03-2026; the JSON (and the webhook) keep ISO."""
    from datetime import date

    from screening.audit.notify import (
        email_body,
        email_subject,
        failure_body,
        failure_subject,
        failure_summary,
    )

    new = [{"id": "3f2a-9c1b-7e04", "verdict": "take_down"}]
    summary = {
        "run_id": "r1",
        "today": "2026-03-02",
        "previous_audit": "2026-03-01",
        "items": 3,
        "counts": {"take_down": 1, "ok": 2},
        "new_since_last_audit": new,
        "needs_action": new,
        "action_needed": True,
        "reports": {"html": "/srv/audit/report.html"},
    }
    body = email_body(summary)
    dutch, english = body.split("-- English --")
    assert "Nachtelijke controle r1 (02-03-2026)" in dutch
    assert "Nieuw sinds de vorige controle (01-03-2026):" in dutch
    assert "2026-03-0" not in dutch
    assert "Nightly audit r1 (2026-03-02)" in english
    assert email_subject(summary).startswith("Controle 02-03-2026: NIEUW")
    failed = failure_summary(RuntimeError("x"), "/srv/gepubliceerd", date(2026, 3, 2))
    assert failed["today"] == "2026-03-02"
    assert failure_subject(failed).startswith("MISLUKT: controle 02-03-2026 ")
    assert "De nachtelijke controle van 02-03-2026 is mislukt" in failure_body(failed)
