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

from kernel.errors import InputError

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


def neutral_sentences(paths: list[Path], limit: int, seed: int) -> list[str]:
    """Up to `limit` sentences of edited Dutch prose (the ``# text =`` lines of UD files).

    The scorer learns abuse from the corpus, but everyday prose from elsewhere teaches it what
    ordinary Dutch looks like: without it, a harmless sentence the corpus never imagined
    ("Vanwege corona gaat de ouderavond online") scores as a threat. Reports of crime in
    news prose are harmless by the corpus's own rules (a report, not abuse). A fixed-seed
    sample, so training stays reproducible.
    """
    import random

    texts: list[str] = []
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.startswith("# text = "):
                    text = line[len("# text = ") :].strip()
                    if len(text.split()) >= 4:
                        texts.append(text)
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def neutral_doc(nlp: Language, text: str) -> Doc:
    """A Doc of a neutral sentence, labelled `none`."""
    doc = nlp.make_doc(text)
    doc.cats = {label: float(label == "none") for label in LABELS}
    return doc


def group_plurals(groups_file: Path, slurs_file: Path) -> list[str]:
    """Plural group nouns of `groups.txt` that are no slur: the words `swap_groups` uses."""
    from screening.detectors.language.lexicon import read_words

    slurs = {e.text.lower() for e in read_words(slurs_file)}
    out: list[str] = []
    for e in read_words(groups_file):
        word = e.text.lower()
        if " " in word or word in slurs or len(word) < 5:
            continue
        if word.endswith(("en", "ers", "s")):
            out.append(word)
    return sorted(set(out))


def swap_groups(rows: list[Row], plurals: list[str], copies: int, seed: int) -> list[Row]:
    """Copies of the rows that name a group, each with another group in its place.

    A corpus of a few thousand sentences names each group a few dozen times, and a scorer
    trained on it learns which groups are named in hate rather than how hate is said. Giving
    every sentence that names a group -- hateful and harmless alike -- `copies` twins with
    other groups makes the group word itself carry no label. Only whole words in the plural
    are swapped, with their capital kept; ids get a suffix so that they stay unique.
    """
    import random
    import re

    rng = random.Random(seed)
    known = set(plurals)
    word = re.compile(r"[\w'’-]+")
    out: list[Row] = []
    for row in rows:
        spans = [m for m in word.finditer(row.text) if m.group().lower() in known]
        if not spans:
            continue
        for k in range(copies):
            text = row.text
            for m in reversed(spans):
                new = rng.choice(plurals)
                if m.group()[:1].isupper():
                    new = new[:1].upper() + new[1:]
                text = text[: m.start()] + new + text[m.end() :]
            out.append(
                Row(f"{row.id}~{k}", text, row.label, row.target, row.form, row.note, row.source)
            )
    return out
