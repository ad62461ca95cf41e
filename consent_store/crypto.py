"""Encryption of face templates at rest (AES-256-GCM) and where its key comes from.

The key comes from `SCREENING_TEMPLATE_KEY` (base64 of 32 bytes) or, for a SQLite database,
from a key file `template.key` beside it, created with owner-only permissions when the
registry is created (`screening registry init`) and never recreated when it goes missing. A key
file that group or others can read is refused: a template is special-category data.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from consent_store.location import KEY_FILE_NAME
from kernel.errors import TemplateKeyError

_NONCE_BYTES = 12


def decode_key(text: str, source: str) -> bytes:
    """A 32-byte key from its base64 text (standard or URL-safe alphabet)."""
    raw = text.strip()
    try:
        key = base64.b64decode(raw, altchars=b"-_" if ("-" in raw or "_" in raw) else None)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise TemplateKeyError(
            f"{source} must be the base64 text of exactly 32 random bytes "
            "(make one with: python -c 'import os,base64;print(base64.b64encode(os.urandom(32))"
            ".decode())')",
            f"{source} moet de base64-tekst van precies 32 willekeurige bytes zijn "
            "(maak er een met: python -c 'import os,base64;print(base64.b64encode(os.urandom(32))"
            ".decode())')",
        )
    return key


def load_key_file(directory: Path) -> bytes:
    """The key in `directory/template.key`; a missing key file is an error, never recreated.

    A new key would leave every stored template unreadable (and look like a working
    registry): the key is restored from its backup, or made with `screening registry init`
    for a registry that holds no templates.
    """
    path = directory / KEY_FILE_NAME
    if not path.exists():
        raise TemplateKeyError(
            f"the face-template key {path} is missing. Restore it from the backup you made "
            "together with the registry (or set SCREENING_TEMPLATE_KEY to the same key); "
            "without it the stored face templates cannot be read. A registry without face "
            "templates gets a new key with 'screening registry init'",
            f"de sleutel voor gezichtstemplates {path} ontbreekt. Zet hem terug uit de back-up "
            "die u samen met het register maakte (of zet SCREENING_TEMPLATE_KEY op dezelfde "
            "sleutel); zonder sleutel zijn de opgeslagen gezichtstemplates onleesbaar. Een "
            "register zonder gezichtstemplates krijgt een nieuwe sleutel met 'screening "
            "registry init'",
        )
    if os.name != "nt":
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise TemplateKeyError(
                f"{path} can be read by others (mode {mode:o}); run 'chmod 600 {path}'",
                f"{path} is leesbaar voor anderen (modus {mode:o}); voer 'chmod 600 {path}' uit",
            )
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateKeyError(
            f"cannot read the template key file {path}: {exc}",
            f"kan het sleutelbestand {path} niet lezen: {exc}",
        ) from None
    return decode_key(text, str(path))


def create_key_file(directory: Path) -> bool:
    """Create `directory/template.key` (mode 0600) unless it exists; True if it was made."""
    path = directory / KEY_FILE_NAME
    if path.exists():
        return False
    _create_key_file(path)
    return True


def _create_key_file(path: Path) -> None:
    # Write a private temporary file, then link it into place: a second process that opens
    # the same new database either wins the link or reads the complete file, never half of it.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class TemplateCipher:
    """AES-GCM with a random nonce per template; the associated data binds person and model."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
        """(nonce, ciphertext) for `plaintext`."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plaintext, associated)

    def decrypt(self, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
        """The plaintext, or a key error if the key or the associated data do not match."""
        try:
            return self._aead.decrypt(nonce, ciphertext, associated)
        except InvalidTag:
            raise TemplateKeyError(
                "a face template cannot be decrypted: wrong template key, or the row was "
                "tampered with",
                "een gezichtstemplate kan niet worden ontsleuteld: verkeerde sleutel, of er is "
                "met de rij geknoeid",
            ) from None


def associated_data(person_row_id: int, model_id: str) -> bytes:
    """What a template's ciphertext is bound to, so a row cannot be moved to another person."""
    return f"{person_row_id}\x1f{model_id}".encode()
