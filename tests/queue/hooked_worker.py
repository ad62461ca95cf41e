"""`screening worker` with hooks for the tests, run as `python -m tests.queue.hooked_worker`.

The product has no test switches: this wrapper replaces the one call that screens a post
(`api.batches.runner.screen_post`) before the worker forks its processes. Markers in a
post's text make that call slow or fail, and every real screening is written to the file
SCREENING_TEST_EXECUTIONS as "<pid> <post id>", so a test can count screenings per post and
see which process is busy with which post.

* ``[traag:0.4]``: take 0.4 seconds longer;
* ``[kapot]``: raise a RuntimeError (a bug: a hold at once);
* ``[wankel]``: raise sqlalchemy's OperationalError (a database that does not answer:
  retried with backoff, then a hold).

The nightly audit's items (`api.batches.audit.audit_item`) are recorded the same way, as
"<pid> <item id>", and a ``[traag:N]`` in an item's caption slows them down too.
"""

from __future__ import annotations

import os
import re
import sys
import time

from sqlalchemy.exc import OperationalError

from api.batches import audit, runner
from api.services import Services
from cli.main import main
from kernel.types import Decision, Post
from screening.audit.items import AuditItem
from screening.audit.results import ItemResult
from screening.audit.worker import AuditWorker

_SLOW = re.compile(r"\[traag:([0-9.]+)\]")
_screen_post = runner.screen_post  # type: ignore[attr-defined]  # patched below
_audit_item = audit.audit_item  # type: ignore[attr-defined]  # patched below


def _record(post: Post | AuditItem) -> None:
    line = f"{os.getpid()} {post.id}\n".encode()
    fd = os.open(os.environ["SCREENING_TEST_EXECUTIONS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line)  # one write with O_APPEND: lines of two processes never mix
    finally:
        os.close(fd)


def screen_post(services: Services, post: Post, policy: str | None) -> Decision:
    """The real `screen_post`, after the markers in the post's text had their effect."""
    _record(post)
    slow = _SLOW.search(post.text)
    if slow:
        time.sleep(float(slow.group(1)))
    if "[kapot]" in post.text:
        raise RuntimeError("a bug in screening")
    if "[wankel]" in post.text:
        raise OperationalError("SELECT 1", {}, ConnectionError("the database went away"))
    return _screen_post(services, post, policy)


def audit_item(item: AuditItem, worker: AuditWorker | None = None) -> ItemResult:
    """The real `audit_item`, after a ``[traag:N]`` in the caption had its effect."""
    _record(item)
    slow = _SLOW.search(item.caption)
    if slow:
        time.sleep(float(slow.group(1)))
    return _audit_item(item, worker)


if __name__ == "__main__":
    runner.screen_post = screen_post  # type: ignore[attr-defined]
    audit.audit_item = audit_item  # type: ignore[attr-defined]
    sys.argv = ["screening", *sys.argv[1:]]
    main()
