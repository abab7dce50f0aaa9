"""The blob files: resumable appends to ``partial/<org>_<user>_<sha>``, verified and moved atomically to
``<org>/<sha[:2]>/<sha>`` when complete (``<org>`` is the organisation's id, ``<user>`` the uploader's).

The partial file's size *is* the upload offset, so a server restart loses nothing that was fsynced.
A per-hash lock keeps two concurrent uploads of the same photo from interleaving. A partial upload
untouched for ``expiry_seconds`` expires: it is deleted, HEAD reports offset 0 and a PATCH that continues
it gets ``upload_expired`` (410), so the tablet starts that photo again from its own copy.

Blobs are content-addressed and stored once per organisation: one file per (organisation, sha256) serves every
inspection of that organisation that references it. Another organisation uploading the same bytes stores them
again: nothing about one organisation's photos is ever answered to another. Within an organisation each uploader
sends every byte themselves (their own partial file; the hash is checked even when the file is already stored),
so an upload is a proof of having the photo (``BlobHolder``), never a claim on someone else's.

Files stored before organisations existed lie at ``<sha[:2]>/<sha>``; they belong to the default
organisation (the migration put every existing row there), and are found there as a fallback (they are not
moved: a restore from an old backup of the photo folder keeps working).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AppendResult:
    """``status``: "partial" (more to come), "complete" (verified and stored), or an error code."""

    status: str
    offset: int


class BlobStore:
    def __init__(self, root: Path, *, expiry_seconds: float = 72 * 3600,
                 legacy_organisation: uuid.UUID | None = DEFAULT_ORGANISATION_ID) -> None:
        self.root = root
        self.expiry_seconds = expiry_seconds
        self.legacy_organisation = legacy_organisation
        self._locks: dict[tuple[uuid.UUID, str, uuid.UUID | None], threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, org: uuid.UUID, sha: str, owner: uuid.UUID | None = None) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((org, sha, owner), threading.Lock())

    def stored_path(self, org: uuid.UUID, sha: str) -> Path:
        """Where a completed upload of ``org`` is written."""
        return self.root / str(org) / sha[:2] / sha

    def final_path(self, org: uuid.UUID, sha: str) -> Path:
        """Where ``org``'s file of ``sha`` is: its own folder, or the pre-tenancy place for the default
        organisation's old files."""
        path = self.stored_path(org, sha)
        if org == self.legacy_organisation and not path.is_file():
            legacy = self.root / sha[:2] / sha
            if legacy.is_file():
                return legacy
        return path

    def partial_path(self, org: uuid.UUID, sha: str, owner: uuid.UUID | None = None) -> Path:
        """The uploader's partial file (``owner`` None: one per organisation, as before uploads had owners)."""
        return self.root / "partial" / (f"{org}_{sha}" if owner is None else f"{org}_{owner}_{sha}")

    def preview_path(self, org: uuid.UUID, sha: str) -> Path:
        """Where the downscaled copy the PDF report embeds is kept (``blobs.preview``)."""
        return self.root / "previews" / str(org) / sha[:2] / f"{sha}.jpg"

    def in_flight_bytes(self, org: uuid.UUID, owner: uuid.UUID) -> int:
        """Bytes on disk in the owner's unfinished, unexpired uploads."""
        folder, prefix, now, total = self.root / "partial", f"{org}_{owner}_", time.time(), 0
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return 0
        for entry in entries:
            if entry.name.startswith(prefix):
                try:
                    stat = entry.stat()
                except FileNotFoundError:
                    continue
                if now - stat.st_mtime <= self.expiry_seconds:
                    total += stat.st_size
        return total

    def present(self, org: uuid.UUID, sha: str) -> bool:
        return self.final_path(org, sha).is_file()

    def check(self) -> None:
        """Raise ``OSError`` unless a file can be written and removed in the store (``/readyz``)."""
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / f".readyz-{os.getpid()}-{threading.get_ident()}"
        probe.write_bytes(b"ok")
        probe.unlink()

    def offset(self, org: uuid.UUID, sha: str, owner: uuid.UUID | None = None) -> int:
        """Bytes received so far for an incomplete upload (0 once it expired)."""
        path = self.partial_path(org, sha, owner)
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

    def append(self, org: uuid.UUID, sha: str, *, offset: int, length: int, chunk: bytes,
               owner: uuid.UUID | None = None) -> AppendResult:
        """Append ``chunk`` at ``offset`` of ``owner``'s upload (``owner`` None: the organisation's shared partial
        file); verifies and stores the blob when ``length`` bytes are in. Every byte is received and checked even
        when the file is stored already: an upload proves its sender has the photo (``BlobHolder``)."""
        with self._lock(org, sha, owner):
            path = self.partial_path(org, sha, owner)
            expired = path.exists()
            current = self.offset(org, sha, owner)
            expired = expired and not path.exists()
            if offset != current:
                return AppendResult("upload_expired" if expired and offset > 0 else "upload_offset_mismatch", current)
            if current + len(chunk) > length:
                return AppendResult("upload_too_long", current)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as f:
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            new_offset = current + len(chunk)
            if new_offset < length:
                return AppendResult("partial", new_offset)
            return self._finish(org, sha, path)

    def _finish(self, org: uuid.UUID, sha: str, partial: Path) -> AppendResult:
        with partial.open("rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        if digest != sha:
            partial.unlink(missing_ok=True)
            return AppendResult("hash_mismatch", 0)
        if self.present(org, sha):  # another uploader's copy: the same bytes, already stored
            size = partial.stat().st_size
            partial.unlink(missing_ok=True)
            return AppendResult("complete", size)
        final = self.stored_path(org, sha)
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
