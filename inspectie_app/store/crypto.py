"""Encryption at rest on the tablet: AES-256-GCM (PyCA ``cryptography``) on every sensitive field and photo file.

Why field by field and not the whole file (SQLCipher): SQLCipher replaces SQLite with a native build of its own on
every platform the app is built for; this keeps the stock SQLite and needs only ``cryptography`` (PyPI wheels, no
system packages). What is encrypted: the device token, answers, the note, the address,
photo captions, identifier values, the team lead's comments, the outbox's arguments, planned controls (address,
briefing), the server's flags and conflicts, rejection messages, and the photo files and thumbnails. What is not:
ids, timestamps, question ids, template and catalogue data (published, not personal), the logged-in user's name.

Each value is sealed with a fresh 96-bit nonce and its column as associated data (``answer.value``), so a value
cannot be moved to another column unnoticed; a wrong key or a changed value fails with ``StoreKeyError``. Text
fields hold ``enc1:`` + base64(nonce + ciphertext + tag); JSON columns hold that text as a JSON string (their
declared types stay, so the schema does not change). Photo files start with ``INSPENC1``; a file without it is a
photo written before encryption existed (the store migration encrypts those) and is read as it is.

The key (32 random bytes) comes from ``inspectie_app.store.keys``; the types find the cipher on the engine's dialect
(``attach``), so every statement through that engine — the store's and its migrations' — uses it.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Engine, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
FILE_MAGIC = b"INSPENC1"
NONCE_BYTES = 12
KEY_BYTES = 32
FILE_CONTEXT = b"photo-file"
_ATTRIBUTE = "inspectie_cipher"


class StoreKeyError(Exception):
    """The store's data cannot be decrypted: the key is missing or wrong, or the data was changed."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


class StoreCipher:
    """Seals and opens values and files with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise StoreKeyError(f"a store key has {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, context.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str, context: str) -> bytes:
        if not token.startswith(PREFIX):
            raise StoreKeyError(f"{context}: a value in clear where an encrypted one belongs")
        raw = base64.b64decode(token[len(PREFIX):])
        try:
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise StoreKeyError(f"{context}: cannot be decrypted with this store's key") from None

    def seal_json(self, value: Any, context: str) -> str:
        return self.seal(json.dumps(value).encode(), context)

    def seal_file(self, data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FILE_MAGIC + nonce + self._aead.encrypt(nonce, data, FILE_CONTEXT)

    def open_file(self, blob: bytes) -> bytes:
        """A photo file's bytes; a file from before encryption (no magic) is returned as it is."""
        if not blob.startswith(FILE_MAGIC):
            return blob
        body = blob[len(FILE_MAGIC):]
        try:
            return self._aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], FILE_CONTEXT)
        except InvalidTag:
            raise StoreKeyError("a photo file cannot be decrypted with this store's key") from None


def attach(engine: Engine, cipher: StoreCipher) -> None:
    """Make ``cipher`` the one every encrypted column of ``engine`` uses."""
    setattr(engine.dialect, _ATTRIBUTE, cipher)


def cipher_of(dialect: Dialect) -> StoreCipher:
    cipher = getattr(dialect, _ATTRIBUTE, None)
    if cipher is None:
        raise StoreKeyError("the store was opened without its key")
    assert isinstance(cipher, StoreCipher)
    return cipher


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON column whose value is sealed (stored as a JSON string ``"enc1:…"``)."""

    impl = JSON
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else cipher_of(dialect).seal_json(value, self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise StoreKeyError(f"{self.context}: a value in clear where an encrypted one belongs")
        return json.loads(cipher_of(dialect).open(value, self.context))


class EncryptedText(TypeDecorator[str]):
    """A text column whose value is sealed."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str, *args: Any) -> None:
        super().__init__(*args)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher_of(dialect).seal(value.encode(), self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher_of(dialect).open(value, self.context).decode()


class EncryptedString(EncryptedText):
    """A ``String(length)`` column whose value is sealed (the declared type stays, so the schema does not change;
    SQLite does not enforce the length, which the sealed text exceeds)."""

    impl = String  # type: ignore[assignment]
    cache_ok = True
