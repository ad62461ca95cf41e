"""The offensive-language development corpus (``models/language/corpus/*.tsv``) as spaCy Docs.

Each row has an id, a text, a label (threat, hate, insult, profanity, none), a target, a form
and a note; see the corpus README. A row is held out when ``sha1(id) % 5 == 0`` (`held_out`),
so the split depends on the id alone and never shifts when rows are added.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from screening.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LABELS = ("threat", "hate", "insult", "profanity", "none")
TARGETS = ("you", "person", "pupil", "protected_group", "other_group", "object", "none")
FORMS = ("statement", "question", "opinion", "subordinate", "two_sentences", "imperative", "quote")
COLUMNS = ("id", "text", "label", "target", "form", "note")


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled sentence of the corpus."""

    id: str
    text: str
    label: str
    target: str
    form: str
    note: str
    source: str  # the file it came from


def corpus_dir() -> Path:
    """The shipped corpus folder."""
    from screening.resources import models_dir

    return models_dir() / "language" / "corpus"


def held_out(row_id: str) -> bool:
    """Whether the row with this id belongs to the held-out split (about one in five)."""
    return int(hashlib.sha1(row_id.encode("utf-8")).hexdigest(), 16) % 5 == 0


def read_rows(folder: Path | None = None) -> list[Row]:
    """Every row of every ``*.tsv`` in `folder`, checked: columns, labels, unique ids."""
    folder = folder if folder is not None else corpus_dir()
    rows: list[Row] = []
    seen: set[str] = set()
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise InputError(
            f"no corpus files (*.tsv) in {folder}", f"geen corpusbestanden (*.tsv) in {folder}"
        )
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InputError(
                    f"{path.name}: the header must be {', '.join(COLUMNS)}",
                    f"{path.name}: de kopregel moet {', '.join(COLUMNS)} zijn",
                )
            for number, raw in enumerate(reader, start=2):
                row = Row(**{c: (raw.get(c) or "").strip() for c in COLUMNS}, source=path.name)
                problem = _problem(row, seen)
                if problem:
                    raise InputError(
                        f"{path.name}:{number}: {problem}", f"{path.name}:{number}: {problem}"
                    )
                seen.add(row.id)
                rows.append(row)
    return rows


def _problem(row: Row, seen: set[str]) -> str | None:
    if not row.id or not row.text:
        return "id or text is empty"
    if row.id in seen:
        return f"id {row.id} occurs twice"
    if row.label not in LABELS:
        return f"label {row.label!r} is not one of {', '.join(LABELS)}"
    if row.target not in TARGETS:
        return f"target {row.target!r} is not one of {', '.join(TARGETS)}"
    if row.form not in FORMS:
        return f"form {row.form!r} is not one of {', '.join(FORMS)}"
    return None


def split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(train, held out)."""
    return [r for r in rows if not held_out(r.id)], [r for r in rows if held_out(r.id)]


def cats_doc(nlp: Language, row: Row) -> Doc:
    """A Doc of the row's text (tokens only) with its label set in `cats` (exclusive)."""
    doc = nlp.make_doc(row.text)
    doc.cats = {label: float(label == row.label) for label in LABELS}
    return doc
