"""Sources as tables: a folder with sidecars, CSV and JSONL manifests -> items (or errors)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kernel.types import Channel
from screening.audit.addresses import AddressGuard
from screening.audit.errors import AuditSourceError
from screening.audit.http import Fetcher
from screening.audit.items import AuditItem
from screening.audit.loading import load_items
from screening.audit.sources import SourceDefaults, read_folder, read_manifest

NO_DEFAULTS = SourceDefaults()
DAY = date(2025, 10, 15)


class NoNetwork(Fetcher):
    """A fetcher for sources that must not use the network."""

    def __init__(self) -> None:
        super().__init__(1.0, AddressGuard())

    def fetch(self, url: str, max_bytes: int) -> bytes:
        raise AssertionError("a local source must not use the network")

    fetch_named = fetch


def photo(folder: Path, rel: str, sidecar: dict[str, object] | str | None = None) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8 not decoded by the source reader")
    if isinstance(sidecar, dict):
        path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    elif isinstance(sidecar, str):
        path.with_suffix(".txt").write_text(sidecar, encoding="utf-8")
    return path


def kinds(item: AuditItem) -> list[str]:
    return [p.kind for p in item.problems]


# --- folder ------------------------------------------------------------------------------

FOLDER_CASES = [
    # (id, sidecar, defaults, caption, channel, date, problem kinds)
    (
        "json sidecar",
        {"caption": "Sportdag", "channel": "website", "published_on": "2025-10-15", "url": "u"},
        NO_DEFAULTS,
        "Sportdag",
        Channel.WEBSITE,
        DAY,
        [],
    ),
    (
        "Dutch date order",
        {"caption": "x", "published_on": "15-10-2025"},
        NO_DEFAULTS,
        "x",
        Channel.INSTAGRAM,
        DAY,
        [],
    ),
    (
        "ISO timestamp late at night is the Dutch day",
        {"caption": "x", "published_on": "2025-10-14T22:30:00Z"},
        NO_DEFAULTS,
        "x",
        Channel.INSTAGRAM,
        DAY,
        [],
    ),
    (
        "txt sidecar, date from the option",
        "Kerstviering groep 5",
        SourceDefaults(published_on=DAY),
        "Kerstviering groep 5",
        Channel.INSTAGRAM,
        DAY,
        [],
    ),
    (
        "channel from the option",
        {"caption": "x", "published_on": "2025-10-15"},
        SourceDefaults(channel=Channel.NEWSLETTER),
        "x",
        Channel.NEWSLETTER,
        DAY,
        [],
    ),
    ("no sidecar and no date", None, NO_DEFAULTS, "", Channel.INSTAGRAM, None, ["audit.no_date"]),
    (
        "unknown channel",
        {"caption": "x", "channel": "myspace", "published_on": "2025-10-15"},
        NO_DEFAULTS,
        "x",
        Channel.INSTAGRAM,
        DAY,
        ["audit.bad_metadata"],
    ),
    (
        "date that is not a date",
        {"caption": "x", "published_on": "gisteren"},
        NO_DEFAULTS,
        "x",
        Channel.INSTAGRAM,
        None,
        ["audit.bad_metadata"],
    ),
]


@pytest.mark.parametrize(
    ("sidecar", "defaults", "caption", "channel", "day", "problems"),
    [c[1:] for c in FOLDER_CASES],
    ids=[c[0] for c in FOLDER_CASES],
)
def test_folder_item_table(
    tmp_path: Path,
    sidecar: dict[str, object] | str | None,
    defaults: SourceDefaults,
    caption: str,
    channel: Channel,
    day: date | None,
    problems: list[str],
) -> None:
    path = photo(tmp_path, "a/foto.jpg", sidecar)
    [item] = read_folder(tmp_path, defaults)
    assert item.id == "a/foto.jpg"
    assert item.media == (str(path.resolve()),)
    assert (item.caption, item.channel, item.published_on) == (caption, channel, day)
    assert kinds(item) == problems


def test_folder_takes_photos_only_and_skips_hidden(tmp_path: Path) -> None:
    photo(tmp_path, "b.PNG", {"published_on": "2025-10-15"})
    photo(tmp_path, "a/c.heic", {"published_on": "2025-10-15"})
    photo(tmp_path, ".trash/d.jpg")
    photo(tmp_path, ".e.jpg")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    items = read_folder(tmp_path, NO_DEFAULTS)
    assert [i.id for i in items] == ["a/c.heic", "b.PNG"]


def test_broken_json_sidecar_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = photo(tmp_path, "x.jpg")
    path.with_suffix(".json").write_text("{not json", encoding="utf-8")
    [item] = read_folder(tmp_path, SourceDefaults(published_on=DAY))
    assert kinds(item) == ["audit.bad_metadata"]


# --- manifests ---------------------------------------------------------------------------


def test_csv_manifest_with_semicolons_urls_and_missing_files(tmp_path: Path) -> None:
    photo(tmp_path, "fotos/a.jpg")
    manifest = tmp_path / "gepubliceerd.csv"
    manifest.write_text(
        "\ufeffid;media;caption;channel;published_on;url\n"
        "post-1;fotos/a.jpg;Sportdag;website;2025-10-15;https://school.nl/sportdag\n"
        ";https://cdn.school.nl/b.jpg;Kerst;;15-10-2025;\n"
        "post-3;fotos/weg.jpg;Weg;instagram;2025-10-15;\n",
        encoding="utf-8",
    )
    first, second, third = read_manifest(manifest, NO_DEFAULTS)
    assert first.id == "post-1" and first.media == (str((tmp_path / "fotos/a.jpg").resolve()),)
    assert (first.channel, first.published_on, first.post_url) == (
        Channel.WEBSITE,
        DAY,
        "https://school.nl/sportdag",
    )
    assert second.id == "https://cdn.school.nl/b.jpg" and second.channel is Channel.INSTAGRAM
    assert second.media == ("https://cdn.school.nl/b.jpg",) and not second.problems
    assert not second.from_network  # the operator's own manifest names it: fetched as given
    assert kinds(third) == ["audit.media_missing"]


def test_jsonl_manifest_with_several_photos_and_a_broken_line(tmp_path: Path) -> None:
    photo(tmp_path, "a.jpg")
    photo(tmp_path, "b.jpg")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        json.dumps({"media": ["a.jpg", "b.jpg"], "caption": "x", "published_on": "2025-10-15"})
        + "\n\n{broken\n"
        + json.dumps({"caption": "alleen tekst", "published_on": "2025-10-15", "id": "t"})
        + "\n",
        encoding="utf-8",
    )
    first, broken, text_only = read_manifest(manifest, NO_DEFAULTS)
    assert len(first.media) == 2 and not first.problems
    assert "audit.bad_metadata" in kinds(broken) and broken.id == "line-3"
    assert text_only.media == () and not text_only.problems


def test_repeated_ids_are_made_unique(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "id,caption,published_on\nx,a,2025-10-15\nx,b,2025-10-15\n", encoding="utf-8"
    )
    items = load_items(str(manifest), NO_DEFAULTS, NoNetwork(), 1 << 20)
    assert [i.id for i in items] == ["x", "x#2"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.csv", b"foto,tekst\na.jpg,x\n", "media"),
        ("m.csv", "media,caption\nfoto.jpg,café\n".encode("cp1252"), "UTF-8"),
        ("m.docx", b"PK\x03\x04", "not a folder"),
        ("weg.csv", None, "does not exist"),
    ],
)
def test_unusable_sources_are_input_errors(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AuditSourceError, match=message) as caught:
        load_items(str(path), NO_DEFAULTS, NoNetwork(), 1 << 20)
    assert caught.value.category == "input" and caught.value.message_nl != caught.value.message_en
