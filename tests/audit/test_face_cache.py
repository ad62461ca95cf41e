"""The encrypted face cache: what it stores, that it is unreadable at rest, and the hook."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import screening.detectors.faces as faces_module
from consent_store.repository import init_registry
from kernel.settings import Settings
from kernel.types import Channel, PostContext
from screening.audit.errors import AuditStateError
from screening.audit.face_cache import (
    EncryptedFaceCache,
    decode_analysis,
    encode_analysis,
    prune,
    purge,
)
from screening.detectors.faces import FaceConsentDetector
from screening.faces.cache import FaceAnalysis
from screening.faces.detect import DetectionConfig
from screening.faces.match import MatchThresholds
from screening.faces.models import FaceModels
from screening.faces.quality import RecognizabilityConfig
from screening.images.intake import DecodedImage, decode_image
from screening.pipeline import build_face_detector
from tests.audit.library import astronaut, jpeg

KEY = secrets.token_bytes(32)


def decoded(data: bytes) -> DecodedImage:
    return decode_image(data, max_bytes=10**8, max_pixels=10**9, max_side=2000)


@pytest.fixture
def detector(tmp_path: Path) -> FaceConsentDetector:
    cache = EncryptedFaceCache(tmp_path / "state" / "cache.sqlite3", KEY)
    (tmp_path / "state").mkdir()
    settings = Settings(data_dir=tmp_path / "data")
    init_registry(settings)  # a registry is never made on the fly
    built = build_face_detector(settings, cache)
    assert isinstance(built, FaceConsentDetector)
    return built


@pytest.fixture
def analysis(face_models: FaceModels) -> FaceAnalysis:
    detector = FaceConsentDetector(
        face_models,
        DetectionConfig(),
        RecognizabilityConfig(),
        MatchThresholds(0.45, 0.15, 0.7),
        registry=lambda: pytest.fail("analysis needs no registry"),
    )
    return detector.analyse(decoded(jpeg(astronaut())))


def test_round_trip_keeps_boxes_measurements_and_templates(analysis: FaceAnalysis) -> None:
    back = decode_analysis(encode_analysis(analysis))
    assert len(back.faces) == len(analysis.faces) == 1
    a, b = analysis.faces[0], back.faces[0]
    assert (b.face, b.quality) == (a.face, a.quality)
    assert a.template is not None and b.template is not None
    assert np.array_equal(a.template, b.template) and b.template.dtype == np.float32
    assert a.face.landmarks5 == ()  # landmarks are not kept


def test_entries_are_encrypted_and_private(tmp_path: Path, analysis: FaceAnalysis) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = EncryptedFaceCache(path, KEY)
    cache.put("k1", analysis)
    cache.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))
    template = analysis.faces[0].template
    assert template is not None
    assert template.astype("<f4").tobytes()[:64] not in raw
    assert b"sharpness" not in raw and b"hog" not in raw
    assert path.stat().st_mode & 0o777 == 0o600
    again = EncryptedFaceCache(path, KEY)
    assert again.get("k1") is not None and (again.hits, again.misses) == (1, 0)


def test_a_wrong_key_or_a_damaged_entry_is_a_miss_not_a_crash(
    tmp_path: Path, analysis: FaceAnalysis
) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = EncryptedFaceCache(path, KEY)
    cache.put("k1", analysis)
    cache.put("k2", analysis)
    other = EncryptedFaceCache(path, secrets.token_bytes(32))
    assert other.get("k1") is None and other.misses == 1
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE analyses SET ciphertext = x'00' WHERE key = 'k2'")
        # An entry moved to another key does not decrypt either (the key is bound to it).
        db.execute("UPDATE analyses SET key = 'k3' WHERE key = 'k1'")
    fresh = EncryptedFaceCache(path, KEY)
    assert fresh.get("k2") is None and fresh.get("k3") is None and fresh.misses == 2


def test_prune_keeps_only_what_is_still_published(tmp_path: Path, analysis: FaceAnalysis) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = EncryptedFaceCache(path, KEY)
    for key in ("a", "b", "c"):
        cache.put(key, analysis)
    cache.close()
    assert prune(path, {"b"}) == 2
    fresh = EncryptedFaceCache(path, KEY)
    assert [fresh.get(k) is not None for k in ("a", "b", "c")] == [False, True, False]
    fresh.close()
    assert purge(path) is True
    assert not any(tmp_path.iterdir())
    assert purge(path) is False


def test_a_cache_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.touch()
    path.chmod(0o644)
    with pytest.raises(AuditStateError, match="chmod 600"):
        EncryptedFaceCache(path, KEY).get("k")


def test_the_detector_reuses_the_cache_and_reports_the_same(
    detector: FaceConsentDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = decoded(jpeg(astronaut()))
    context = PostContext(Channel.INSTAGRAM, date.today())
    first = detector.detect(image, 0, context)
    assert detector.cache is not None
    cache = detector.cache
    assert isinstance(cache, EncryptedFaceCache) and (cache.hits, cache.misses) == (0, 1)

    def no_detection(*_args: object) -> None:
        raise AssertionError("faces were detected again")

    monkeypatch.setattr(faces_module, "detect_faces", no_detection)
    monkeypatch.setattr(faces_module, "encode_faces", no_detection)
    second = detector.detect(image, 0, context)
    assert second == first and [f.kind for f in first] == ["face.unknown"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_other_bytes_or_another_configuration_are_not_reused(
    detector: FaceConsentDetector,
) -> None:
    cache = detector.cache
    assert isinstance(cache, EncryptedFaceCache)
    detector.analyse(decoded(jpeg(astronaut())))
    detector.analyse(decoded(jpeg(astronaut(), quality=80)))  # same picture, other bytes
    assert cache.misses == 2
    changed = FaceConsentDetector(
        detector.models,
        replace(detector.detection, hog_min_score=0.1),
        detector.recognizability,
        detector.thresholds,
        registry=lambda: pytest.fail("no registry needed"),
        cache=cache,
        max_side=2000,
    )
    changed.analyse(decoded(jpeg(astronaut())))
    assert (cache.hits, cache.misses) == (0, 3)


def test_the_text_read_in_a_photo_is_cached_encrypted_and_read_once(tmp_path: Path) -> None:
    from screening.detectors.photo_text import PhotoTextDetector
    from screening.images.ocr import TextLine

    lines = [
        TextLine("Sanne de Vries", 0.9312, ((1.5, 2.0), (90.25, 2.0), (90.25, 14.0), (1.5, 14.0)))
    ]
    reads: list[int] = []

    def reader(picture: object, **_: object) -> list[TextLine]:
        reads.append(1)
        return lines

    cache = EncryptedFaceCache(tmp_path / "cache.sqlite3", KEY)
    detector = PhotoTextDetector(max_side=800, min_confidence=0.5, reader=reader, cache=cache)
    image = decoded(jpeg(astronaut()))
    assert list(detector.read(image)) == lines
    assert list(detector.read(image)) == lines  # exactly as read: floats round-trip
    assert reads == [1] and (cache.text_misses, cache.text_hits) == (1, 1)
    assert (cache.misses, cache.hits) == (0, 0)  # faces are counted apart
    cache.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("cache.sqlite3*"))
    assert b"Sanne" not in stored  # encrypted at rest

    other = PhotoTextDetector(max_side=1280, min_confidence=0.5, reader=reader, cache=cache)
    other.read(image)  # another setting is another key: read again
    assert reads == [1, 1]
    cache.close()
