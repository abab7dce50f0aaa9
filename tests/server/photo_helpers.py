"""Helpers for the photo API tests: a fake photo and its upload (``/api/v1/blobs/{sha256}``)."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

import httpx


def fake_photo(size: int = 3000) -> tuple[bytes, str]:
    """Random bytes behind a JPEG marker, with their sha256 (the server stores bytes; it does not decode)."""
    data = b"\xff\xd8\xff" + os.urandom(size - 3)
    return data, hashlib.sha256(data).hexdigest()


def patch_blob(http: httpx.Client, device: Any, sha: str, offset: int, length: int, chunk: bytes) -> httpx.Response:
    """One PATCH of ``chunk`` at ``offset`` of a photo of ``length`` bytes."""
    headers = {**device.headers, "Upload-Offset": str(offset), "Upload-Length": str(length),
               "Content-Type": "application/offset+octet-stream"}
    return http.patch(f"/api/v1/blobs/{sha}", content=chunk, headers=headers)


def upload(http: httpx.Client, device: Any, data: bytes, sha: str) -> httpx.Response:
    """The whole photo in one PATCH."""
    return patch_blob(http, device, sha, 0, len(data), data)


def finished_with_photos(device: Any, photos: list[tuple[bytes, str]]) -> str:
    """Push a finished control referencing ``photos`` (none uploaded yet); returns its id."""
    iid, create = device.create_inspection()
    attach = [device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                       "size": len(data), "caption": ""}) for data, sha in photos]
    finish = device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"})
    assert device.push([create, *attach, finish]).status_code == 200
    return iid


def flag_counts(device: Any, iid: str) -> list[tuple[int, int]]:
    """(photos expected, photos present) of every flag change of ``iid`` the device pulls, in order."""
    return [(c["data"]["photos_expected"], c["data"]["photos_present"]) for c in device.pull_all()
            if c["entity"] == "inspection_flag" and c["entity_id"] == iid]
