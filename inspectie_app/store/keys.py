"""Where the tablet's store key lives: the platform's secure storage where there is one, else a key file.

* ``keyring``: the system keyring through the ``keyring`` package — the macOS Keychain, the Windows Credential
  Locker, the Secret Service (GNOME Keyring, KWallet) on a Linux desktop. The key is then encrypted under the
  user's login and is not on the disk in clear.
* ``file``: ``inspectie.key`` beside the database, created with permissions 0600. This is the fallback where no
  keyring backend is available (a headless Linux, this project's CI, the web-mode "tablet" of ``dev.py run``):
  it keeps the data from being read by other users of the machine and out of copies of the database alone, but
  a thief with the whole disk reads the key too (docs/SECURITY.md, "The tablet").
* ``memory``: a key that is never stored (an in-memory store in tests).

``INSPECTIE_APP_KEY_STORE`` = ``auto`` (default: an existing key file stays where it is; else the keyring when it
has a usable backend; else the key file), ``keyring`` or ``file``. The Android and iOS builds (``flet build``) have
no keyring backend; there the key belongs in the Android Keystore / iOS Keychain through flet-secure-storage, which
is future work (the file fallback applies until then).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import stat
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

KEY_FILE_SUFFIX = ".key"
KEYRING_SERVICE = "inspectie"


class KeyStore(Protocol):
    """Holds one 32-byte key."""

    description: str

    def load(self) -> bytes | None: ...
    def save(self, key: bytes) -> None: ...
    def delete(self) -> None: ...


class MemoryKeyStore:
    description = "memory (never stored)"

    def __init__(self) -> None:
        self._key: bytes | None = None

    def load(self) -> bytes | None:
        return self._key

    def save(self, key: bytes) -> None:
        self._key = key

    def delete(self) -> None:
        self._key = None


class FileKeyStore:
    """The key in a file readable by its owner only (0600), written durably."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file {path} (0600)"

    def load(self) -> bytes | None:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            self.path.chmod(0o600)  # someone widened it: narrow it again
            log.warning("key file %s was readable by others; set to 0600", self.path)
        return base64.b64decode(self.path.read_bytes().strip())

    def save(self, key: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(base64.b64encode(key))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


class KeyringKeyStore:
    """The key in the system keyring, one entry per store (named after the database's path)."""

    def __init__(self, db_path: Path) -> None:
        self.account = "store:" + hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:24]
        self.description = f"system keyring ({KEYRING_SERVICE}/{self.account})"

    def load(self) -> bytes | None:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, self.account)
        return None if value is None else base64.b64decode(value)

    def save(self, key: bytes) -> None:
        import keyring

        keyring.set_password(KEYRING_SERVICE, self.account, base64.b64encode(key).decode("ascii"))

    def delete(self) -> None:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, self.account)


def keyring_usable() -> bool:
    """Whether ``keyring`` has a real backend here (not the "fail" or "null" one of a headless machine)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop the app: the file fallback applies
        return False
    chained = getattr(backend, "backends", None)
    if chained is not None:
        return any(not isinstance(b, fail.Keyring | null.Keyring) for b in chained)
    return not isinstance(backend, fail.Keyring | null.Keyring)


def key_store_for(db_path: Path | None, mode: str | None = None) -> KeyStore:
    """The key store for the database at ``db_path`` (None: an in-memory store)."""
    if db_path is None:
        return MemoryKeyStore()
    mode = (mode or os.environ.get("INSPECTIE_APP_KEY_STORE") or "auto").lower()
    key_file = FileKeyStore(db_path.with_name(db_path.name + KEY_FILE_SUFFIX))
    if mode == "file" or (mode == "auto" and key_file.path.exists()):
        return key_file
    if mode == "keyring" or (mode == "auto" and keyring_usable()):
        return KeyringKeyStore(db_path)
    if mode != "auto":
        raise ValueError(f"INSPECTIE_APP_KEY_STORE={mode!r}: use auto, keyring or file")
    return key_file
