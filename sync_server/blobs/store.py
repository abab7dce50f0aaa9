"""The blob files: resumable appends to ``partial/<sha>``, verified and moved atomically when complete.

The partial file's size *is* the upload offset, so a server restart loses nothing that was fsynced.
A per-hash lock keeps two concurrent uploads of the same photo from interleaving.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AppendResult:
    """``status``: "partial" (more to come), "complete" (verified and stored), or an error code."""

    status: str
    offset: int


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
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
        """Bytes received so far for an incomplete upload."""
        try:
            return self.partial_path(sha).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, sha: str, *, offset: int, length: int, chunk: bytes) -> AppendResult:
        """Append ``chunk`` at ``offset``; verifies and stores the blob when ``length`` bytes are in."""
        with self._lock(sha):
            if self.present(sha):
                return AppendResult("complete", length)
            current = self.offset(sha)
            if offset != current:
                return AppendResult("upload_offset_mismatch", current)
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
