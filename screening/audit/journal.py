"""The resume journal: every finished item, appended and fsynced as it finishes.

A JSON-lines file in the state directory (mode 0600). Its first line names the run: a
fingerprint of the source's items, the options and the registry's revision. An audit that
finds a journal with the same fingerprint resumes it (finished items are not screened
again); any other journal is from a different night or a changed registry and is started
over. A line cut short by a crash is ignored. The journal is deleted once the reports are
written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from screening.audit.face_cache import create_private_file
from screening.audit.results import ItemResult

JOURNAL_FILE_NAME = "journal.jsonl"
_SCHEMA = "school-post-screening/audit-journal/1"


class Journal:
    """Append-only record of finished items for one run."""

    def __init__(self, path: Path, fh: IO[str], done: dict[str, ItemResult]) -> None:
        self.path = path
        self._fh = fh
        #: Items finished by an earlier, interrupted attempt of this same run.
        self.resumed = done

    @classmethod
    def open(cls, state_dir: Path, fingerprint: str, *, restart: bool = False) -> Journal:
        """Resume the journal of the same run, or start a new one."""
        path = state_dir / JOURNAL_FILE_NAME
        done = {} if restart else _read(path, fingerprint)
        if done is None or restart:
            path.unlink(missing_ok=True)
            create_private_file(path)
            fh = path.open("a", encoding="utf-8")
            journal = cls(path, fh, {})
            journal._write({"schema": _SCHEMA, "fingerprint": fingerprint})
            return journal
        create_private_file(path)
        fh = path.open("a", encoding="utf-8")
        with path.open("rb") as raw:
            raw.seek(max(0, path.stat().st_size - 1))
            if raw.read(1) not in (b"\n", b""):
                fh.write("\n")  # end the line a crash cut short; the next record starts clean
        return cls(path, fh, done)

    def _write(self, record: dict[str, Any], durable: bool = True) -> None:
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        if durable:
            self.sync()

    def append(self, result: ItemResult, durable: bool = True) -> None:
        """Record one finished item; durably at once, or at the next `sync()`."""
        self._write({"item": result.to_dict()}, durable)

    def sync(self) -> None:
        """Make every record appended so far durable (flushed and fsynced)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the file (the journal stays, for resuming)."""
        self._fh.close()

    def finish(self) -> None:
        """Close and delete the journal: the run is complete and reported."""
        self.close()
        self.path.unlink(missing_ok=True)


def _read(path: Path, fingerprint: str) -> dict[str, ItemResult] | None:
    """Finished items of the journal at `path` if it belongs to this run; else None."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        header = json.loads(lines[0]) if lines else None
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("fingerprint") != fingerprint:
        return None
    done: dict[str, ItemResult] = {}
    for line in lines[1:]:
        try:
            result = ItemResult.from_dict(json.loads(line)["item"])
        except (ValueError, KeyError, TypeError):
            continue  # the line being written when the audit was killed
        done[result.item_id] = result
    return done
