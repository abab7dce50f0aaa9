"""The blob files: resumable appends to ``partial/<org>_<user>_<sha>``, verified and moved atomically to
``<org>/<sha[:2]>/<sha>`` when complete (``<org>`` is the organisation's id, ``<user>`` the uploader's).

The partial file's size *is* the upload offset, so a server restart loses nothing that was fsynced.
A per-hash lock keeps two concurrent uploads of the same photo from interleaving: an exclusive ``flock`` on one of
``LOCK_STRIPES`` lock files in ``partial-locks/`` (chosen by the partial file's name), so it holds between threads
and between the worker processes of one host (``serve --workers N``); the lock files are never deleted (deleting
one while another process waits on it would let two holders in). A partial upload
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

Two implementations of one interface (``BlobStore``): ``FileBlobStore`` keeps the files on disk (the default);
``S3BlobStore`` keeps the completed files as objects ``<prefix><org>/<sha[:2]>/<sha>`` in an S3-compatible bucket
(boto3, the ``[s3]`` extra). Both keep the unfinished uploads (``partial/``) and the report copies (``previews/``)
on local disk under ``root``: an append must be fsynced where the offset is read, and the bucket sees only whole,
verified photos. ``open_blob_store(settings)`` picks one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

if TYPE_CHECKING:
    from sync_server.config import Settings

SHA256 = re.compile(r"^[0-9a-f]{64}$")
LOCK_STRIPES = 256


@dataclass(frozen=True)
class AppendResult:
    """``status``: "partial" (more to come), "complete" (verified and stored), or an error code."""

    status: str
    offset: int


@dataclass(frozen=True)
class StoredBlob:
    organisation_id: uuid.UUID
    sha256: str
    size: int


class BlobStore(Protocol):
    """Where the photos are: resumable uploads in, whole verified files out (``FileBlobStore``, ``S3BlobStore``)."""

    root: Path
    expiry_seconds: float

    def present(self, org: uuid.UUID, sha: str) -> bool: ...
    def offset(self, org: uuid.UUID, sha: str, owner: uuid.UUID | None = None) -> int: ...
    def append(self, org: uuid.UUID, sha: str, *, offset: int, length: int, chunk: bytes,
               owner: uuid.UUID | None = None) -> AppendResult: ...
    def expire_partials(self) -> int: ...
    def in_flight_bytes(self, org: uuid.UUID, owner: uuid.UUID) -> int: ...
    def preview_path(self, org: uuid.UUID, sha: str) -> Path: ...
    def local_path(self, org: uuid.UUID, sha: str) -> Path | None: ...
    def open(self, org: uuid.UUID, sha: str) -> IO[bytes]: ...
    def put(self, org: uuid.UUID, sha: str, source: Path) -> None: ...
    def delete(self, org: uuid.UUID, sha: str) -> bool: ...
    def stored(self) -> Iterator[StoredBlob]: ...
    def check(self) -> None: ...


def open_blob_store(settings: Settings) -> BlobStore:
    """The store ``settings`` ask for (``INSPECTIE_BLOB_BACKEND``)."""
    expiry = settings.upload_expiry_hours * 3600
    if settings.blob_backend == "s3":
        return S3BlobStore(settings.blobs, bucket=settings.s3_bucket, prefix=settings.s3_prefix,
                           endpoint_url=settings.s3_endpoint_url or None, region=settings.s3_region or None,
                           expiry_seconds=expiry)
    return FileBlobStore(settings.blobs, expiry_seconds=expiry)


class FileBlobStore:
    def __init__(self, root: Path, *, expiry_seconds: float = 72 * 3600,
                 legacy_organisation: uuid.UUID | None = DEFAULT_ORGANISATION_ID) -> None:
        self.root = root
        self.expiry_seconds = expiry_seconds
        self.legacy_organisation = legacy_organisation

    @contextlib.contextmanager
    def _lock(self, org: uuid.UUID, sha: str, owner: uuid.UUID | None = None) -> Iterator[None]:
        """Hold the append lock of ``owner``'s upload of ``sha`` (a stripe shared with a few other uploads)."""
        partial = self.partial_path(org, sha, owner)
        stripe = int.from_bytes(hashlib.blake2b(partial.name.encode(), digest_size=4).digest()) % LOCK_STRIPES
        folder = partial.parent.parent / "partial-locks"  # beside partial/, whose every file is an upload
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f"{stripe:03d}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed, also when the process dies
            yield
        finally:
            os.close(fd)

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

    def local_path(self, org: uuid.UUID, sha: str) -> Path | None:
        """The stored file on local disk (None when the store is remote)."""
        return self.final_path(org, sha)

    def open(self, org: uuid.UUID, sha: str) -> IO[bytes]:
        """The stored photo for reading (``FileNotFoundError`` when it is not stored)."""
        return self.final_path(org, sha).open("rb")

    def put(self, org: uuid.UUID, sha: str, source: Path) -> None:
        """Store a whole file known to hash to ``sha`` (a restore): copied next to its place, then moved in."""
        final = self.stored_path(org, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    def delete(self, org: uuid.UUID, sha: str) -> bool:
        """Remove the stored file; whether there was one."""
        path = self.final_path(org, sha)
        if not path.is_file():
            return False
        path.unlink()
        return True

    def stored(self) -> Iterator[StoredBlob]:
        """Every stored photo (also the default organisation's pre-tenancy files), in no particular order."""
        if not self.root.is_dir():
            return
        for top in os.scandir(self.root):
            if top.name in ("partial", "previews") or not top.is_dir():
                continue
            if len(top.name) == 2 and self.legacy_organisation is not None:
                yield from _files(Path(top.path), self.legacy_organisation, depth=0)
                continue
            try:
                org = uuid.UUID(top.name)
            except ValueError:
                continue
            yield from _files(Path(top.path), org, depth=1)

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
        size = partial.stat().st_size
        self._store_verified(org, sha, partial)
        return AppendResult("complete", size)

    def _store_verified(self, org: uuid.UUID, sha: str, partial: Path) -> None:
        """Move a verified partial file to its place (atomic, fsynced)."""
        final = self.stored_path(org, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        _fsync_dir(final.parent)
        _fsync_dir(partial.parent)


def _files(folder: Path, org: uuid.UUID, *, depth: int) -> Iterator[StoredBlob]:
    """The content-addressed files under ``folder`` (``depth`` 1: ``<xx>/<sha>``, 0: ``<sha>``)."""
    folders = [Path(e.path) for e in os.scandir(folder) if e.is_dir()] if depth else [folder]
    for sub in folders:
        for entry in os.scandir(sub):
            if SHA256.match(entry.name) and entry.is_file():
                yield StoredBlob(org, entry.name, entry.stat().st_size)


class S3BlobStore(FileBlobStore):
    """Completed photos as objects in an S3-compatible bucket; uploads in progress on local disk (``root``)."""

    def __init__(self, root: Path, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, expiry_seconds: float = 72 * 3600, client: Any = None) -> None:
        super().__init__(root, expiry_seconds=expiry_seconds, legacy_organisation=None)
        if client is None:
            import boto3  # type: ignore[import-untyped]  # the [s3] extra

            client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def key(self, org: uuid.UUID, sha: str) -> str:
        return f"{self.prefix}{org}/{sha[:2]}/{sha}"

    def present(self, org: uuid.UUID, sha: str) -> bool:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(org, sha))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def _store_verified(self, org: uuid.UUID, sha: str, partial: Path) -> None:
        self.put(org, sha, partial)
        partial.unlink(missing_ok=True)

    def local_path(self, org: uuid.UUID, sha: str) -> Path | None:
        return None

    def open(self, org: uuid.UUID, sha: str) -> IO[bytes]:
        """The object spooled into memory or a temporary file (seekable, for the image decoder)."""
        from botocore.exceptions import ClientError

        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned open
        try:
            self.client.download_fileobj(self.bucket, self.key(org, sha), spool)
        except ClientError as exc:
            spool.close()
            raise FileNotFoundError(self.key(org, sha)) from exc
        spool.seek(0)
        return spool

    def put(self, org: uuid.UUID, sha: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self.key(org, sha))

    def delete(self, org: uuid.UUID, sha: str) -> bool:
        if not self.present(org, sha):
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self.key(org, sha))
        return True

    def stored(self) -> Iterator[StoredBlob]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                parts = str(item["Key"])[len(self.prefix):].split("/")
                if len(parts) == 3 and SHA256.match(parts[2]):
                    try:
                        yield StoredBlob(uuid.UUID(parts[0]), parts[2], int(item["Size"]))
                    except ValueError:
                        continue

    def check(self) -> None:
        """Raise unless the bucket answers and the local folder for uploads can be written."""
        self.client.head_bucket(Bucket=self.bucket)
        super().check()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
