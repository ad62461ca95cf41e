"""The pack loader accepts the shipped packs and refuses every kind of broken pack."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from kernel.errors import PolicyPackError, UnknownPolicyError
from kernel.types import Severity
from screening.policy.pack import builtin_pack_files, load_packs, parse_pack

MINIMAL = """
id = "mini"
version = "1.0.0"
title = "Minimal pack"

[[articles]]
id = "1"
section = "Een"
text = "Geen persoonsgegevens."

[[articles]]
id = "2"
section = "Twee"
text = "Bij twijfel niet publiceren."

[[rules]]
kinds = ["pii.*"]
articles = ["1"]
severity = "hold"

[[rules]]
kinds = ["pii.name"]
articles = ["1"]
severity = "notice"

[fallback]
articles = ["2"]
severity = "hold"
"""


def _data(**changes: Any) -> dict[str, Any]:
    data = tomllib.loads(MINIMAL)
    data.update(changes)
    return data


def test_builtin_packs_load() -> None:
    packs = load_packs()
    assert set(packs.packs) == {"svok", "de-korre"}
    assert packs.get(None).id == "svok"
    assert {p.name for p in builtin_pack_files()} == {"svok.toml", "de-korre.toml"}


def test_minimal_pack_resolves_exact_before_wildcard_before_fallback() -> None:
    pack = parse_pack(_data(), "mini")
    assert pack.rule_for("pii.name").severity is Severity.NOTICE
    assert pack.rule_for("pii.phone").articles == ("1",)
    assert pack.rule_for("language.insult") is pack.fallback
    assert pack.articles["1"].label == "1"  # label defaults to the id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"rules": [{"kinds": ["pii.*"], "articles": ["9"], "severity": "hold"}]},
            "cites article '9'",
        ),
        ({"fallback": {"articles": ["nope"], "severity": "hold"}}, "cites article 'nope'"),
        ({"fallback": {"articles": ["2"], "severity": "notice"}}, "must hold"),
        (
            {"rules": [{"kinds": ["screening.error"], "articles": ["1"], "severity": "notice"}]},
            "'screening.error' must hold",
        ),
        ({"rules": [{"kinds": ["image.*"], "articles": ["1"], "severity": "notice"}]}, "must hold"),
        (
            {"rules": [{"kinds": ["language.*"], "articles": ["1"], "severity": "notice"}]},
            "'language.threat' must hold: a threat is never published",
        ),
        (
            {"rules": [{"kinds": ["pii.phone"], "articles": ["1"], "severity": "block"}]},
            "'severity' must be",
        ),
        (
            {"rules": [{"kinds": ["Phone!"], "articles": ["1"], "severity": "hold"}]},
            "is not a finding kind",
        ),
        ({"rules": [{"kinds": [], "articles": ["1"], "severity": "hold"}]}, "names no finding"),
        (
            {"rules": [{"kinds": ["pii.phone"], "articles": [], "severity": "hold"}]},
            "non-empty list",
        ),
        (
            {
                "rules": [
                    {"kinds": ["pii.a"], "articles": ["1"], "severity": "hold"},
                    {"kinds": ["pii.a"], "articles": ["2"], "severity": "hold"},
                ]
            },
            "appears in rule #1 and #2",
        ),
        (
            {"rules": [{"kinds": ["pii.a"], "articles": ["1"], "severity": "hold", "x": 1}]},
            "unknown keys",
        ),
        ({"articles": []}, "no [[articles]]"),
        (
            {
                "articles": [
                    {"id": "1", "section": "s", "text": "a"},
                    {"id": "1", "section": "s", "text": "b"},
                ]
            },
            "occurs twice",
        ),
        ({"articles": [{"id": "1", "section": "s", "text": "  "}]}, "'text' must be"),
        ({"id": "Mijn Pakket"}, "may hold only"),
        ({"version": ""}, "'version' must be"),
    ],
)
def test_broken_pack_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyPackError) as err:
        parse_pack(_data(**changes), "mini")
    assert message in str(err.value)


def test_missing_fallback_is_refused() -> None:
    data = _data()
    del data["fallback"]
    with pytest.raises(PolicyPackError, match=r"no \[fallback\]"):
        parse_pack(data, "mini")


def test_school_board_pack_from_folder_and_by_path(tmp_path: Path) -> None:
    (tmp_path / "mini.toml").write_text(MINIMAL, encoding="utf-8")
    packs = load_packs([tmp_path], default_id="mini")
    assert packs.get(None).id == "mini"
    assert set(packs.packs) == {"svok", "de-korre", "mini"}
    other = tmp_path / "elsewhere"
    other.mkdir()
    path = other / "board.toml"
    path.write_text(MINIMAL.replace('id = "mini"', 'id = "board"'), encoding="utf-8")
    assert load_packs().get(str(path)).id == "board"


def test_duplicate_pack_id_and_bad_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "copy.toml").write_text(MINIMAL.replace('"mini"', '"svok"'), encoding="utf-8")
    with pytest.raises(PolicyPackError, match="already used"):
        load_packs([tmp_path])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.toml").write_text("id = [", encoding="utf-8")
    with pytest.raises(PolicyPackError, match="not valid TOML"):
        load_packs([bad])
    (bad / "x.toml").write_bytes(b"id = '\xff'")
    with pytest.raises(PolicyPackError, match="not UTF-8"):
        load_packs([bad])
    with pytest.raises(PolicyPackError, match="does not exist"):
        load_packs([tmp_path / "missing"])
    with pytest.raises(PolicyPackError, match="default pack"):
        load_packs(default_id="nope")


def test_unknown_policy_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError, match="available: de-korre, svok"):
        load_packs().get("kennemerland")
