"""What changed since the last audit, and what the officer has already handled.

Two small JSON files in the state directory (mode 0600, beside the face cache):

* `last-night.json`: every item of the last *complete* audit with its number, verdict and
  signature (a hash of what the verdict rests on: verdict, finding kinds, people, decisions
  and photo hashes). Tonight's audit compares against it: an item that needs action and was
  not there, or whose signature changed, is *new since last night*; an item that needed action
  then and is fine or gone now is *resolved*.
* `handled.json`: the officer's marks (`screening audit-mark NUMBER --handled taken-down`),
  each with the signature the item had when it was marked. A mark holds while the signature
  stays the same; when anything about the item changes (another withdrawal, a new photo, a
  new finding), the mark lapses and the item is new again.

A handled item is listed in the report under *Afgehandeld* and does not make the audit's
exit code or e-mail say "action needed".
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kernel.errors import InputError
from screening.audit.errors import UnknownItemError
from screening.audit.results import ACTION_NEEDED, ItemResult, Verdict

HISTORY_FILE_NAME = "last-night.json"
MARKS_FILE_NAME = "handled.json"
_HISTORY_SCHEMA = "school-post-screening/audit-last-night/1"
_MARKS_SCHEMA = "school-post-screening/audit-handled/1"

#: How an item was handled: the words an officer uses, Dutch and English.
HANDLED: dict[str, tuple[str, str]] = {
    "taken-down": ("offline gehaald", "taken down"),
    "replaced": (
        "vervangen (door de publiceerbare versie)",
        "replaced (with the publishable version)",
    ),
    "discussed": ("besproken (met de FG of de school)", "discussed (with the DPO or school)"),
    "accepted": ("beoordeeld: mag zo blijven", "reviewed: may stay as it is"),
}


def signature(result: ItemResult) -> str:
    """A hash of everything the item's verdict rests on (not of wording or timings)."""
    payload = [
        result.verdict.value,
        result.channel,
        result.published_on,
        [m.sha256 for m in result.media],
        sorted(
            [
                f.kind,
                f.verdict.value if f.verdict else "",
                f.person_id or "",
                f.image_index if f.image_index is not None else -1,
                f.span_text or "",
                f.decided_on or "",
            ]
            for f in result.blocking
        ),
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Mark:
    """The officer's note that an item is handled, valid while its signature holds."""

    ref: str
    handled: str
    signature: str
    by: str
    at: str
    note: str = ""
    #: The verdict the item had when it was marked.
    verdict: str = ""

    def label(self, lang: str) -> str:
        """How it was handled, in words."""
        nl, en = HANDLED.get(self.handled, (self.handled, self.handled))
        return nl if lang == "nl" else en


@dataclass(frozen=True, slots=True)
class Seen:
    """One item as the last complete audit saw it."""

    ref: str
    item_id: str
    verdict: str
    signature: str


@dataclass(frozen=True)
class Comparison:
    """Tonight against the last complete audit, and the marks that still hold."""

    #: The day of the last complete audit (None: this is the first).
    previous: str | None
    #: Numbers of items that need action and are new or changed since then.
    new: frozenset[str] = frozenset()
    #: Items that needed action then and are fine or gone now.
    resolved: tuple[Seen, ...] = ()
    #: Marks that hold tonight, by number.
    handled: dict[str, Mark] = field(default_factory=dict)
    #: Verdict of each item at the last audit, by number.
    before: dict[str, str] = field(default_factory=dict)

    def is_open(self, result: ItemResult) -> bool:
        """Whether the item needs action and nobody has marked it handled."""
        return result.verdict in ACTION_NEEDED and result.ref not in self.handled

    def is_new(self, result: ItemResult) -> bool:
        """Whether the item needs action that was not reported (like this) last night."""
        return result.ref in self.new


def _write_private(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _read(path: Path, schema: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == schema else None


def load_history(state_dir: Path) -> tuple[str | None, dict[str, Seen]]:
    """The day of the last complete audit and what it saw, by number."""
    data = _read(state_dir / HISTORY_FILE_NAME, _HISTORY_SCHEMA)
    if data is None:
        return None, {}
    seen = {s["ref"]: Seen(**s) for s in data.get("items", [])}
    return str(data.get("today")), seen


def save_history(state_dir: Path, today: str, results: Iterable[ItemResult]) -> None:
    """Remember tonight's items for tomorrow's comparison."""
    items = [asdict(Seen(r.ref, r.item_id, r.verdict.value, signature(r))) for r in results]
    _write_private(
        state_dir / HISTORY_FILE_NAME, {"schema": _HISTORY_SCHEMA, "today": today, "items": items}
    )


def load_marks(state_dir: Path) -> dict[str, Mark]:
    """The officer's marks, by number."""
    data = _read(state_dir / MARKS_FILE_NAME, _MARKS_SCHEMA)
    if data is None:
        return {}
    return {m["ref"]: Mark(**m) for m in data.get("marks", [])}


def save_marks(state_dir: Path, marks: dict[str, Mark]) -> None:
    """Write the marks (sorted by number, for a readable file)."""
    rows = [asdict(marks[k]) for k in sorted(marks)]
    _write_private(state_dir / MARKS_FILE_NAME, {"schema": _MARKS_SCHEMA, "marks": rows})


def compare(
    results: Sequence[ItemResult],
    previous: str | None,
    seen: dict[str, Seen],
    marks: dict[str, Mark],
) -> Comparison:
    """Tonight's results against the last audit and the officer's marks."""
    sigs = {r.ref: signature(r) for r in results}
    handled = {
        r.ref: marks[r.ref]
        for r in results
        if r.ref in marks and marks[r.ref].signature == sigs[r.ref] and r.verdict in ACTION_NEEDED
    }
    new = frozenset(
        r.ref
        for r in results
        if r.verdict in ACTION_NEEDED
        and r.ref not in handled
        and (r.ref not in seen or seen[r.ref].signature != sigs[r.ref])
    )
    now = {r.ref: r for r in results}
    resolved = tuple(
        s
        for ref, s in seen.items()
        if Verdict(s.verdict) in ACTION_NEEDED
        and (ref not in now or now[ref].verdict not in ACTION_NEEDED)
    )
    before = {ref: s.verdict for ref, s in seen.items()}
    return Comparison(previous, new, resolved, handled, before)


def current_marks(results: Sequence[ItemResult], marks: dict[str, Mark]) -> dict[str, Mark]:
    """The marks that still hold after tonight: lapsed ones are dropped (the item changed);
    marks of items not in tonight's source are kept (a share may be partly mounted)."""
    sigs = {r.ref: signature(r) for r in results}
    return {k: m for k, m in marks.items() if k not in sigs or sigs[k] == m.signature}


def mark(
    state_dir: Path,
    refs: Sequence[str],
    handled: str | None,
    *,
    note: str = "",
    by: str | None = None,
) -> list[Mark]:
    """Mark items of the last complete audit handled (`handled`), or unmark them (None)."""
    if handled is not None and handled not in HANDLED:
        choices = ", ".join(HANDLED)
        raise InputError(
            f"unknown way of handling {handled!r}; choose one of: {choices}",
            f"onbekende afhandeling {handled!r}; kies uit: {choices}",
        )
    _, seen = load_history(state_dir)
    marks = load_marks(state_dir)
    wanted = [r.strip().lower() for r in refs]
    unknown = [r for r in wanted if r not in seen and (handled is not None or r not in marks)]
    if unknown:
        raise UnknownItemError(
            f"the last complete audit has no item numbered {', '.join(unknown)}; take the "
            "number from the report (e.g. 3f2a-9c1b-7e04)",
            f"de laatste volledige controle heeft geen bericht met nummer {', '.join(unknown)}; "
            "neem het nummer over uit het rapport (bijv. 3f2a-9c1b-7e04)",
        )
    changed = []
    for ref in wanted:
        if handled is None:
            if ref in marks:
                changed.append(marks.pop(ref))
            continue
        s = seen[ref]
        m = Mark(
            ref,
            handled,
            s.signature,
            by or getpass.getuser(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            note.strip(),
            s.verdict,
        )
        marks[ref] = m
        changed.append(m)
    save_marks(state_dir, marks)
    return changed
