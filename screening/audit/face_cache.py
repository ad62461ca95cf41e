"""The audit's face cache: what the face stages found per photo, encrypted at rest.

A face template of someone who never consented is special-category (biometric) data, so the
cache holds only what matching and the report need (boxes, recognizability measurements and
the 128-number templates; no landmarks, no pixels, no names), encrypted with AES-256-GCM under
a key derived (HKDF) from the registry's template key, each entry bound to its cache key. The
lines of text OCR read in a photo are kept the same way (they may name a pupil), and so is the
NLP pass of each caption and photo text (a spaCy Doc: the text with its tokens, tags and
parse), so that a night in which only consents changed reads and parses nothing again. It is one
SQLite file with mode 0600 in the audit's state directory (mode 0700); entries of photos that
are no longer published are pruned after every complete audit, and
`screening audit --purge-cache` deletes the file. On the task queue the same entries live in
the registry database instead (`screening.audit.queue_store`), where every worker finds them.

Every failure here is soft: an entry that cannot be read or decrypted is a miss (the photo is
analysed again), a write that fails is logged and skipped. Screening never depends on it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from consent_store.crypto import TemplateCipher
from kernel.types import Box
from screening.audit.errors import AuditStateError
from screening.faces.cache import AnalysedFace, FaceAnalysis
from screening.faces.types import DetectedFace, Recognizability
from screening.images.ocr import TextLine

log = logging.getLogger(__name__)

CACHE_FILE_NAME = "face-cache.sqlite3"
_T = TypeVar("_T")
_FORMAT = 1
_HKDF_INFO = b"school-post-screening/audit-face-cache/v1"


def derive_cache_key(template_key: bytes) -> bytes:
    """The cache's own key, derived from the registry's template key (never the same key)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        template_key
    )


def create_private_file(path: Path) -> None:
    """Create `path` with mode 0600 if missing; refuse one that others can read."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if os.name != "nt" and path.stat().st_mode & 0o077:
        raise AuditStateError(
            f"{path} can be read by others (mode {path.stat().st_mode & 0o777:o}); run "
            f"'chmod 600 {path}' or 'screening audit --purge-cache'",
            f"{path} is leesbaar voor anderen (modus {path.stat().st_mode & 0o777:o}); voer "
            f"'chmod 600 {path}' of 'screening audit --purge-cache' uit",
        )


def _box(values: list[int]) -> Box:
    return Box(values[0], values[1], values[2], values[3])


def encode_analysis(analysis: FaceAnalysis) -> bytes:
    """A compact JSON form of an analysis (templates as base64 float32)."""
    faces: list[dict[str, Any]] = []
    for a in analysis.faces:
        f, q = a.face, a.quality
        faces.append(
            {
                "box": [f.box.left, f.box.top, f.box.right, f.box.bottom],
                "frame_box": [
                    f.frame_box.left,
                    f.frame_box.top,
                    f.frame_box.right,
                    f.frame_box.bottom,
                ],
                "frame": f.frame_index,
                "score": f.score,
                "detector": f.detector,
                "recognizable": q.recognizable,
                "face_px": q.face_px,
                "sharpness": q.sharpness,
                "yaw": q.yaw_degrees,
                "reasons": list(q.reasons),
                "template": None
                if a.template is None
                else base64.b64encode(np.asarray(a.template, dtype="<f4").tobytes()).decode(),
            }
        )
    return json.dumps({"format": _FORMAT, "faces": faces}, separators=(",", ":")).encode()


def decode_analysis(data: bytes) -> FaceAnalysis:
    """The analysis from `encode_analysis`'s bytes (ValueError/KeyError when malformed)."""
    loaded = json.loads(data)
    if loaded.get("format") != _FORMAT:
        raise ValueError("unknown cache entry format")
    faces = []
    for f in loaded["faces"]:
        template = f["template"]
        faces.append(
            AnalysedFace(
                DetectedFace(
                    _box(f["box"]),
                    _box(f["frame_box"]),
                    int(f["frame"]),
                    float(f["score"]),
                    str(f["detector"]),
                ),
                Recognizability(
                    bool(f["recognizable"]),
                    int(f["face_px"]),
                    float(f["sharpness"]),
                    None if f["yaw"] is None else float(f["yaw"]),
                    tuple(str(r) for r in f["reasons"]),
                ),
                None
                if template is None
                else np.frombuffer(base64.b64decode(template), dtype="<f4").astype(np.float32),
            )
        )
    return FaceAnalysis(tuple(faces))


def encode_lines(lines: Sequence[TextLine]) -> bytes:
    """A compact JSON form of the lines OCR read in a photo (floats round-trip exactly)."""
    return json.dumps(
        {
            "format": _FORMAT,
            "lines": [
                {
                    "text": line.text,
                    "confidence": line.confidence,
                    "quad": [list(point) for point in line.quad],
                    "positions": list(line.positions),
                }
                for line in lines
            ],
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def decode_lines(data: bytes) -> tuple[TextLine, ...]:
    """The lines from `encode_lines`'s bytes (ValueError/KeyError when malformed)."""
    loaded = json.loads(data)
    if loaded.get("format") != _FORMAT:
        raise ValueError("unknown cache entry format")
    lines = []
    for line in loaded["lines"]:
        q = [(float(x), float(y)) for x, y in line["quad"]]
        if len(q) != 4:
            raise ValueError("a line has four corners")
        lines.append(
            TextLine(
                str(line["text"]),
                float(line["confidence"]),
                (q[0], q[1], q[2], q[3]),
                tuple(float(p) for p in line["positions"]),
            )
        )
    return tuple(lines)


class AnalysisCache:
    """Encrypted face analyses and photo text by key, counting hits and misses.

    A `FaceAnalysisCache` and a `PhotoTextCache`; subclasses say where the encrypted entries
    are kept (`_load`, `_store`). Every failure is soft: a miss, or a write that is skipped.
    """

    def __init__(self, template_key: bytes) -> None:
        self._cipher = TemplateCipher(derive_cache_key(template_key))
        #: Face analyses taken from the cache, and photos whose faces were analysed anew.
        self.hits = 0
        self.misses = 0
        #: The same for the text read in photos.
        self.text_hits = 0
        self.text_misses = 0
        #: Photos whose faces were analysed, and whose text was read, here (a photo that
        #: turned out unreadable was neither: a miss is not always an analysis).
        self.analysed = 0
        self.text_read = 0
        #: The same for the NLP pass of captions and photo text.
        self.doc_hits = 0
        self.doc_misses = 0
        #: Keys asked for or stored since the last `take_used_keys()`.
        self._used: set[str] = set()

    def _load(self, key: str) -> tuple[bytes, bytes] | None:
        """(nonce, ciphertext) stored under `key`, or None."""
        raise NotImplementedError

    def _store(self, key: str, nonce: bytes, ciphertext: bytes) -> None:
        raise NotImplementedError

    def _active(self) -> bool:
        """Whether the cache holds and keeps anything now."""
        return True

    def _read(self, key: str) -> bytes | None:
        if not self._active():
            return None
        self._used.add(key)
        try:
            row = self._load(key)
            if row is not None:
                return self._cipher.decrypt(row[0], row[1], key.encode())
        except AuditStateError:
            raise
        except Exception as exc:  # a damaged entry or a changed key: analyse again
            log.warning("face cache: entry unusable (%s)", type(exc).__name__)
        return None

    def _write(self, key: str, plain: bytes) -> None:
        if not self._active():
            return
        self._used.add(key)
        try:
            nonce, ciphertext = self._cipher.encrypt(plain, key.encode())
            self._store(key, nonce, ciphertext)
        except AuditStateError:
            raise
        except Exception as exc:
            log.warning("face cache: entry not stored (%s)", type(exc).__name__)

    def _decoded(self, key: str, decode: Callable[[bytes], _T]) -> _T | None:
        """The entry under `key` decoded; None when absent, undecryptable or malformed."""
        plain = self._read(key)
        if plain is None:
            return None
        try:
            return decode(plain)
        except Exception as exc:
            log.warning("face cache: entry unusable (%s)", type(exc).__name__)
            return None

    def get(self, key: str) -> FaceAnalysis | None:
        """The analysis under `key`; None (a miss) when absent, undecryptable or malformed."""
        analysis = self._decoded(key, decode_analysis)
        if analysis is None:
            self.misses += 1
        else:
            self.hits += 1
        return analysis

    def put(self, key: str, analysis: FaceAnalysis) -> None:
        """Store `analysis` under `key` (encrypted); a failure is logged, not raised."""
        if self._active():
            self.analysed += 1
            self._write(key, encode_analysis(analysis))

    def get_lines(self, key: str) -> tuple[TextLine, ...] | None:
        """The photo text under `key`; None (a miss) when absent or unusable."""
        lines = self._decoded(key, decode_lines)
        if lines is None:
            self.text_misses += 1
        else:
            self.text_hits += 1
        return lines

    def put_lines(self, key: str, lines: Sequence[TextLine]) -> None:
        """Store the lines read in a photo under `key` (encrypted); never raises."""
        if self._active():
            self.text_read += 1
            self._write(key, encode_lines(lines))

    def get_doc(self, key: str) -> bytes | None:
        """A text's kept NLP analysis under `key` (`screening.nlp.DocCache`); None: a miss."""
        plain = self._read(key)
        if plain is None:
            self.doc_misses += 1
        else:
            self.doc_hits += 1
        return plain

    def put_doc(self, key: str, data: bytes) -> None:
        """Keep a text's NLP analysis under `key` (encrypted); never raises."""
        if self._active():
            self._write(key, data)

    def take_used_keys(self) -> list[str]:
        """The keys used since the last call (so the audit can prune everything else)."""
        used, self._used = sorted(self._used), set()
        return used

    def close(self) -> None:
        """Release what the cache holds open."""


class EncryptedFaceCache(AnalysisCache):
    """The cache in an encrypted SQLite file of the audit's state directory."""

    def __init__(self, path: Path, template_key: bytes) -> None:
        super().__init__(template_key)
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            create_private_file(self.path)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            # WAL: several audit workers read and write at once; its side files get the
            # database file's permissions.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS analyses (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
                " nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, stored_at TEXT NOT NULL)"
            )
            self._db = db
        return self._db

    def _load(self, key: str) -> tuple[bytes, bytes] | None:
        row = (
            self._connect()
            .execute("SELECT nonce, ciphertext FROM analyses WHERE key = ?", (key,))
            .fetchone()
        )
        return None if row is None else (bytes(row[0]), bytes(row[1]))

    def _store(self, key: str, nonce: bytes, ciphertext: bytes) -> None:
        self._connect().execute(
            "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?, ?)",
            (key, key.split(":", 1)[0], nonce, ciphertext, datetime.now(UTC).isoformat()),
        )

    def close(self) -> None:
        """Close the database connection."""
        if self._db is not None:
            self._db.close()
            self._db = None


def prune(path: Path, keep: Iterable[str]) -> int:
    """Delete every entry whose key is not in `keep`; the number deleted."""
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        # Overwrite what is deleted, so pruned entries do not linger in free pages.
        db.execute("PRAGMA secure_delete=ON")
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
        try:
            gone = db.execute("DELETE FROM analyses WHERE key NOT IN (SELECT key FROM keep)")
        except sqlite3.OperationalError:  # no table yet: nothing was ever stored
            db.execute("ROLLBACK")
            return 0
        db.execute("COMMIT")
        return int(gone.rowcount)
    finally:
        db.close()


def purge(path: Path) -> bool:
    """Delete the cache file and SQLite's side files; whether anything was there."""
    found = False
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.unlink()
            found = True
    return found
