"""Face templates: encrypted at rest, kept only while biometric consent holds, never listed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, update

from consent_store.location import KEY_FILE_NAME
from consent_store.purposes import Purpose
from consent_store.records import GivenBy
from consent_store.repository import Registry, init_registry, open_registry
from consent_store.schema import FaceTemplateRow
from consent_store.school_year import SchoolYear
from kernel.errors import ConsentRequiredError, RegistryMissingError, TemplateKeyError
from kernel.settings import Settings
from tests.consent_store.conftest import Backend
from tests.consent_store.helpers import add_pupil, cli, grant

BIO = Purpose.BIOMETRIC_MATCHING
TODAY = date.today()
PHOTO = hashlib.sha256(b"klassenfoto").hexdigest()
# Distinctive values, so their bytes cannot turn up by chance.
VECTOR = np.array([0.123456789, -2.718281828, 3.141592653, 42.4242] * 32, dtype=np.float32)


def template_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(FaceTemplateRow))
    engine.dispose()
    return int(n or 0)


def enrolled(registry: Registry, pid: str = "p") -> None:
    add_pupil(registry, pid, date(2014, 1, 1))
    grant(registry, pid, BIO, GivenBy.PARENT, TODAY)
    registry.add_face_template(pid, "arcface-r100@1", VECTOR, PHOTO)


def test_refused_without_biometric_consent(registry: Registry, backend: Backend) -> None:
    add_pupil(registry, "p", date(2014, 1, 1))
    grant(registry, "p", Purpose.SOCIAL_MEDIA, GivenBy.PARENT, TODAY)
    with pytest.raises(ConsentRequiredError, match="face matching"):
        registry.add_face_template("p", "m1", VECTOR, PHOTO)
    assert template_count(backend.url) == 0


def test_encrypted_at_rest(registry: Registry, backend: Backend) -> None:
    enrolled(registry)
    raw = VECTOR.astype("<f4").tobytes()
    engine = create_engine(backend.url)
    with engine.connect() as conn:
        [(nonce, ciphertext)] = conn.execute(
            select(FaceTemplateRow.nonce, FaceTemplateRow.ciphertext)
        ).all()
    engine.dispose()
    assert len(nonce) == 12 and raw not in ciphertext and raw[:16] not in ciphertext
    if backend.name == "sqlite":
        files = list(backend.data_dir.glob("registry.sqlite3*"))
        blob = b"".join(f.read_bytes() for f in files)
        assert ciphertext in blob  # we are looking at the right bytes...
        assert raw[:16] not in blob  # ...and the template is not among them in the clear
    [candidate] = registry.face_candidates("arcface-r100@1", TODAY)
    assert candidate.person_id == "p"
    np.testing.assert_array_equal(candidate.vector, VECTOR)


def test_deleted_on_withdrawal_in_the_same_transaction(
    registry: Registry, backend: Backend
) -> None:
    enrolled(registry)
    registry.add_face_template("p", "other-model", VECTOR, PHOTO)
    assert template_count(backend.url) == 2
    registry.withdraw("p", BIO, "mail ouder", on=TODAY, given_by=GivenBy.PARENT)
    assert template_count(backend.url) == 0
    assert registry.face_candidates("arcface-r100@1", TODAY) == []


def test_deleted_on_refusal(registry: Registry, backend: Backend) -> None:
    enrolled(registry)
    registry.refuse("p", BIO, SchoolYear.of(TODAY), GivenBy.PARENT, "formulier", on=TODAY)
    assert template_count(backend.url) == 0


def test_purged_when_consent_lapses(registry: Registry, backend: Backend) -> None:
    enrolled(registry)
    enrolled(registry, "q")
    next_year = SchoolYear.of(TODAY).last_day + timedelta(days=1)
    grant(registry, "q", BIO, GivenBy.PARENT, next_year)  # q renewed for next year
    assert registry.purge_expired_templates(TODAY) == 0
    assert [c.person_id for c in registry.face_candidates("arcface-r100@1", next_year)] == ["q"]
    assert registry.purge_expired_templates(next_year) == 1
    assert template_count(backend.url) == 1


def test_never_in_listings_exports_or_json(
    registry: Registry, backend: Backend, tmp_path: Path
) -> None:
    enrolled(registry)
    raw = VECTOR.astype("<f4").tobytes()
    forbidden = [
        raw.hex(),
        base64.b64encode(raw).decode(),
        repr(float(VECTOR[0]))[:8],
        "3.14159",
        "42.4242",
    ]
    texts = [repr(registry.history("p")), repr(registry.templates_of("p"))]
    texts.append(repr(registry.list_people()) + repr(registry.get_person("p")))
    out = tmp_path / "export.csv"
    registry.export_csv(out)
    texts.append(out.read_text(encoding="utf-8-sig"))
    env = backend.env()
    for args in (["show", "p", "--json"], ["show", "p"]):
        proc = cli(env, *args)
        assert proc.returncode == 0, proc.stderr
        texts.append(proc.stdout)
    shown = json.loads(texts[-2])
    assert shown["face_templates"][0]["model_id"] == "arcface-r100@1"
    assert set(shown["face_templates"][0]) == {"model_id", "source_sha256", "created_at"}
    for t in texts:
        for f in forbidden:
            assert f not in t
    assert repr(registry.face_candidates("arcface-r100@1", TODAY)[0]).count("0.12") == 0


def test_ciphertext_is_bound_to_its_person(registry: Registry, backend: Backend) -> None:
    enrolled(registry)
    enrolled(registry, "q")
    engine = create_engine(backend.url)
    with engine.begin() as conn:
        rows = conn.execute(select(FaceTemplateRow.id, FaceTemplateRow.person_id)).all()
        # Move p's template to q: decryption must notice, not hand q the wrong face.
        conn.execute(
            update(FaceTemplateRow)
            .where(FaceTemplateRow.id == rows[0][0])
            .values(person_id=rows[1][1])
        )
    engine.dispose()
    with pytest.raises(TemplateKeyError):
        registry.face_candidates("arcface-r100@1", TODAY)


def test_init_makes_the_embedded_database_and_key_file_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "nieuw" / "data"
    made = init_registry(Settings(data_dir=data))
    assert made.created and made.key_created and made.key_file == data / KEY_FILE_NAME
    reg = open_registry(Settings(data_dir=data))
    reg.close()
    assert (data / "registry.sqlite3").is_file()
    key_file = data / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "registry.sqlite3").stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    # The same key is used next time, and init again changes nothing.
    first = key_file.read_bytes()
    open_registry(Settings(data_dir=data)).close()
    again = init_registry(Settings(data_dir=data))
    assert not again.created and not again.key_created
    assert key_file.read_bytes() == first


def test_opening_never_creates_a_registry(tmp_path: Path) -> None:
    """The hole: a typo'd location became a new, empty registry that knows no pupils."""
    typo = tmp_path / "no-such-dir"
    with pytest.raises(RegistryMissingError, match="screening registry init"):
        open_registry(Settings(data_dir=typo))
    url = f"sqlite:///{typo / 'registry.sqlite3'}"
    with pytest.raises(RegistryMissingError):
        open_registry(Settings(data_dir=tmp_path / "data", database_url=url))
    assert not typo.exists()
    assert not (tmp_path / "data").exists()


def test_an_empty_database_file_is_not_a_registry(tmp_path: Path) -> None:
    (tmp_path / "registry.sqlite3").touch(mode=0o600)
    with pytest.raises(RegistryMissingError):
        open_registry(Settings(data_dir=tmp_path))
    with sqlite3.connect(tmp_path / "registry.sqlite3") as conn:  # no schema was made in it
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_a_deleted_key_is_refused_not_recreated(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    with open_registry(Settings(data_dir=tmp_path)) as reg:
        add_pupil(reg, "p", date(2014, 1, 1))
        grant(reg, "p", BIO, GivenBy.PARENT, TODAY)
        reg.add_face_template("p", "m", VECTOR, PHOTO)
    (tmp_path / KEY_FILE_NAME).unlink()
    with pytest.raises(TemplateKeyError, match=r"back-up|backup"):
        open_registry(Settings(data_dir=tmp_path))
    # init will not paper over it either: a new key could not read the stored templates.
    with pytest.raises(TemplateKeyError):
        init_registry(Settings(data_dir=tmp_path))
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_init_gives_a_registry_without_templates_a_new_key(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    (tmp_path / KEY_FILE_NAME).unlink()
    with pytest.raises(TemplateKeyError):
        open_registry(Settings(data_dir=tmp_path))
    assert init_registry(Settings(data_dir=tmp_path)).key_created
    open_registry(Settings(data_dir=tmp_path)).close()


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    os.chmod(tmp_path / KEY_FILE_NAME, 0o644)  # noqa: PTH101 - the point is the mode
    with pytest.raises(TemplateKeyError, match="chmod 600"):
        open_registry(Settings(data_dir=tmp_path))


def test_key_from_settings_must_be_32_bytes(tmp_path: Path) -> None:
    init_registry(Settings(data_dir=tmp_path))
    bad = Settings(data_dir=tmp_path, template_key=base64.b64encode(b"short").decode())  # type: ignore[arg-type]
    with pytest.raises(TemplateKeyError, match="32"):
        open_registry(bad)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_no_key_on_postgres_means_no_templates(backend: Backend) -> None:
    # SQLite always has its key file; PostgreSQL needs SCREENING_TEMPLATE_KEY.
    reg = open_registry(Settings(data_dir=backend.data_dir, database_url=backend.url))
    try:
        add_pupil(reg, "p", date(2014, 1, 1))
        grant(reg, "p", BIO, GivenBy.PARENT, TODAY)
        with pytest.raises(TemplateKeyError, match="SCREENING_TEMPLATE_KEY"):
            reg.add_face_template("p", "m", VECTOR, PHOTO)
    finally:
        reg.close()
