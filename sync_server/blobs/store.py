"""The blob files: resumable appends to ``partial/<sha>``, verified and moved atomically when complete.

The partial file's size *is* the upload offset, so a server restart loses nothing that was fsynced.
A per-hash lock keeps two concurrent uploads of the same photo from interleaving. A partial upload
untouched for ``expiry_seconds`` expires: it is deleted, HEAD reports offset 0 and a PATCH that continues
it gets ``upload_expired`` (410), so the tablet starts that photo again from its own copy.

Blobs are content-addressed and deduplicated per organisation: one server serves one organisation (the
municipality), so one stored file per sha256 serves every inspection that references it, and HEAD answers
only authenticated users of that organisation.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AppendResult:
    """``status``: "partial" (more to come), "complete" (verified and stored), or an error code."""

    status: str
    offset: int


class BlobStore:
    def __init__(self, root: Path, *, expiry_seconds: float = 72 * 3600) -> None:
        self.root = root
        self.expiry_seconds = expiry_seconds
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, sha: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha, threading.Lock())

    def final_path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def partial_path(self, sha: str) -> Path:
        return self.root / "partial" / sha

    def present(self, sha: str) -> bool:
        return self.final_path(sha).is_file()

    def offset(self, sha: str) -> int:
        """Bytes received so far for an incomplete upload (0 once it expired)."""
        path = self.partial_path(sha)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return 0
        if time.time() - stat.st_mtime > self.expiry_seconds:
            path.unlink(missing_ok=True)
            return 0
        return stat.st_size

    def expire_partials(self) -> int:
        """Delete every expired partial upload; returns how many."""
        folder = self.root / "partial"
        if not folder.is_dir():
            return 0
        now, gone = time.time(), 0
        for path in folder.iterdir():
            try:
                if now - path.stat().st_mtime > self.expiry_seconds:
                    path.unlink(missing_ok=True)
                    gone += 1
            except FileNotFoundError:
                continue
        return gone

    def append(self, sha: str, *, offset: int, length: int, chunk: bytes) -> AppendResult:
        """Append ``chunk`` at ``offset``; verifies and stores the blob when ``length`` bytes are in."""
        with self._lock(sha):
            if self.present(sha):
                return AppendResult("complete", length)
            expired = self.partial_path(sha).exists()
            current = self.offset(sha)
            expired = expired and not self.partial_path(sha).exists()
            if offset != current:
                return AppendResult("upload_expired" if expired and offset > 0 else "upload_offset_mismatch", current)
            if current + len(chunk) > length:
                return AppendResult("upload_too_long", current)
            path = self.partial_path(sha)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as f:
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            new_offset = current + len(chunk)
            if new_offset < length:
                return AppendResult("partial", new_offset)
            return self._finish(sha, path)

    def _finish(self, sha: str, partial: Path) -> AppendResult:
        with partial.open("rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        if digest != sha:
            partial.unlink(missing_ok=True)
            return AppendResult("hash_mismatch", 0)
        final = self.final_path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        size = partial.stat().st_size
        os.replace(partial, final)
        _fsync_dir(final.parent)
        _fsync_dir(partial.parent)
        return AppendResult("complete", size)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
