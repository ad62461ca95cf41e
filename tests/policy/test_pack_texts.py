"""The built-in policy packs quote their codes of conduct exactly and completely.

Each pack is read with tomllib directly (not through the loader), and every article text is
looked up in the source text of the code in ../shared/codes. The sources are never copied into
the repository: the tests that need them skip with a reason when they are absent.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[2]
PACKS = REPO / "screening" / "policy" / "packs"

SOURCES = {
    "svok": "gedragscode-social-media-svok.txt",
    "de-korre": "protocol-sociale-media-de-korre.txt",
}

SVOK_NUMBERED = [
    *(f"I.{n}" for n in range(1, 4)),
    *(f"II.{n}" for n in range(1, 7)),
    *(f"III.A.{n}" for n in range(1, 7)),
    *(f"III.B.{n}" for n in range(1, 13)),
    *(f"IV.{n}" for n in range(1, 4)),
    *(f"V.{n}" for n in range(1, 6)),
]
SVOK_OTHER = [f"inleiding-{n}" for n in range(1, 6)]

KORRE_NUMBERED = [
    *(f"1.{n}" for n in range(1, 5)),
    *(f"2.{n}" for n in range(1, 6)),
    "3.1",
    "3.2",
    "3.3a",
    "3.3b",
    "3.4",
    "3.5",
]
KORRE_OTHER = [
    "inleiding-1",
    "inleiding-2",
    "inleiding-3",
    "inleiding-gedrag",
    "inleiding-5",
    "inleiding-toestemming",
    "inleiding-7",
    "inleiding-8",
    "inleiding-9",
    "1-aanhef",
    "3.3b-voetnoot",
    *(f"onderwijs-{n}" for n in range(1, 6)),
    "slot-1",
    "slot-2",
    "slot-3",
]

EXPECTED_IDS = {
    "svok": SVOK_OTHER + SVOK_NUMBERED,
    "de-korre": KORRE_OTHER + KORRE_NUMBERED,
}

#: Finding kinds the product reports now or will report; every one must be named by a rule.
PRODUCT_KINDS = [
    "pii.bsn",
    "pii.phone",
    "pii.email",
    "pii.iban",
    "pii.address",
    "pii.date_of_birth",
    "pii.age",
    "pii.pupil_name",
    "pii.name",
    "pii.special_category",
    "pii.confidential",
    "language.insult",
    "language.threat",
    "language.hate",
    "language.profanity",
    "face.no_consent",
    "face.unknown",
    "face.ambiguous",
    "face.not_recognizable",
    "face.consented",
    "image.unreadable",
    "image.metadata",
    "image.not_screened",
    "screening.error",
    "registry.unavailable",
]
FAIL_CLOSED = ["screening.error", "image.unreadable", "image.not_screened", "registry.unavailable"]

pack_ids = pytest.mark.parametrize("pack_id", sorted(SOURCES))


def _norm(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return re.sub(r"\s+", " ", text).strip()


def _pack(pack_id: str) -> dict[str, Any]:
    return tomllib.loads((PACKS / f"{pack_id}.toml").read_text(encoding="utf-8"))


def _articles(pack_id: str) -> list[dict[str, Any]]:
    return list(_pack(pack_id)["articles"])


def _source(pack_id: str) -> str:
    return shared_path("codes", SOURCES[pack_id]).read_text(encoding="utf-8")


# --- the pack on its own -----------------------------------------------------------------------


@pack_ids
def test_article_ids_are_unique(pack_id: str) -> None:
    counts = Counter(a["id"] for a in _articles(pack_id))
    assert [i for i, n in counts.items() if n > 1] == []


@pack_ids
def test_every_expected_article_is_present(pack_id: str) -> None:
    ids = [a["id"] for a in _articles(pack_id)]
    missing = [i for i in EXPECTED_IDS[pack_id] if i not in ids]
    extra = [i for i in ids if i not in EXPECTED_IDS[pack_id]]
    assert missing == []
    assert extra == []


@pack_ids
def test_articles_have_text_label_and_section(pack_id: str) -> None:
    for a in _articles(pack_id):
        assert a["text"].strip(), a["id"]
        assert a["label"].strip(), a["id"]
        assert a["section"].strip(), a["id"]
        assert isinstance(a["title"], str), a["id"]
        # No leftovers of the source markup: emphasis, bullets or number prefixes.
        assert "*" not in a["text"], a["id"]
        assert not re.match(r"^(- |\d+(\.\d+)?[.:] |¹ )", a["text"]), a["id"]


@pack_ids
def test_rules_cite_existing_articles(pack_id: str) -> None:
    pack = _pack(pack_id)
    ids = {a["id"] for a in pack["articles"]}
    for rule in [*pack["rules"], pack["fallback"]]:
        assert rule["articles"], rule
        for cited in rule["articles"]:
            assert cited in ids, f"{pack_id}: rule {rule} cites unknown article {cited!r}"
    assert pack["fallback"]["severity"] == "hold"


def _rule_for(pack: dict[str, Any], kind: str) -> dict[str, Any] | None:
    best, best_len = None, -1
    for rule in pack["rules"]:
        for pattern in rule["kinds"]:
            if pattern == kind:
                return dict(rule)
            wildcard = pattern.endswith(".*") and kind.startswith(pattern[:-1])
            if wildcard and len(pattern) > best_len:
                best, best_len = dict(rule), len(pattern)
    return best


@pack_ids
def test_every_product_kind_has_a_rule(pack_id: str) -> None:
    pack = _pack(pack_id)
    unnamed = [k for k in PRODUCT_KINDS if _rule_for(pack, k) is None]
    assert unnamed == []
    for kind in FAIL_CLOSED:
        rule = _rule_for(pack, kind)
        assert rule is not None
        assert rule["severity"] == "hold", kind


def test_de_korre_has_two_distinct_paragraphs_numbered_3_3() -> None:
    by_id = {a["id"]: a for a in _articles("de-korre")}
    first, second = by_id["3.3a"], by_id["3.3b"]
    assert first["label"] == second["label"] == "3.3"
    assert first["text"] != second["text"]
    assert "persoonsgegevens" in first["text"]
    assert "professionele afstand" in second["text"]
    assert second["text"].endswith("sociale media¹.")


# --- the pack against the source text ------------------------------------------------------------


@pytest.mark.shared
@pack_ids
def test_article_texts_occur_verbatim_in_the_source(pack_id: str) -> None:
    source = _norm(_source(pack_id).replace("*", ""))
    for a in _articles(pack_id):
        assert _norm(a["text"]) in source, f"{pack_id} {a['id']}: text not found in the source"


def _body_lines(pack_id: str) -> list[str]:
    """The non-empty lines of the code's body, from the introduction to the signature form."""
    lines = [ln.strip() for ln in _source(pack_id).replace("*", "").splitlines()]
    start = lines.index("Inleiding:" if pack_id == "de-korre" else "Inleiding") + 1
    body = []
    for ln in lines[start:]:
        if ln.startswith("Naam:"):
            break
        if ln:
            body.append(ln)
    return body


def _is_heading(pack_id: str, line: str) -> bool:
    if pack_id == "svok":
        return bool(re.match(r"^(I|II|III|IV|V)\. |^[AB]\. ", line))
    return bool(re.match(r"^\d: ", line)) or line == "Onderwijs in en met gebruik van sociale media"


def _strip_marker(line: str) -> str:
    return re.sub(r"^(- )?(\d+(\.\d+)?[.:] |¹ )?", "", line)


@pytest.mark.shared
@pack_ids
def test_articles_cover_every_paragraph_of_the_source(pack_id: str) -> None:
    texts = [_norm(a["text"]) for a in _articles(pack_id)]
    uncovered = [
        ln
        for ln in _body_lines(pack_id)
        if not _is_heading(pack_id, ln) and not any(_norm(_strip_marker(ln)) in t for t in texts)
    ]
    assert uncovered == []


def _numbered_labels_in_source(pack_id: str) -> list[str]:
    labels = []
    roman = letter = ""
    for ln in _body_lines(pack_id):
        if pack_id == "svok":
            if m := re.match(r"^(I|II|III|IV|V)\. ", ln):
                roman, letter = m.group(1), ""
            elif m := re.match(r"^([AB])\. ", ln):
                letter = m.group(1) + "."
            elif m := re.match(r"^(\d+)\. ", ln):
                labels.append(f"{roman}.{letter}{m.group(1)}")
        elif m := re.match(r"^- (\d+\.\d+): ", ln):
            labels.append(m.group(1))
    return labels


@pytest.mark.shared
@pack_ids
def test_numbered_paragraphs_match_the_source(pack_id: str) -> None:
    numbered = set(SVOK_NUMBERED if pack_id == "svok" else KORRE_NUMBERED)
    in_pack = Counter(a["label"] for a in _articles(pack_id) if a["id"] in numbered)
    in_source = Counter(_numbered_labels_in_source(pack_id))
    assert in_pack == in_source
    assert sum(in_pack.values()) == len(numbered)
