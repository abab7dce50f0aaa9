"""Resumable, content-addressed photo upload: chunks, resume after 409, hash mismatch, dedupe, download."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from photo_helpers import fake_photo, finished_with_photos, flag_counts, patch_blob

from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

LoginAs = Callable[[str], Any]


def test_upload_in_two_chunks(http: httpx.Client, login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    data, sha = fake_photo()
    head = http.head(f"/api/v1/blobs/{sha}", headers=device.headers)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    r1 = patch_blob(http, device, sha, 0, len(data), data[:1000])
    assert r1.status_code == 204 and r1.headers["Upload-Offset"] == "1000"
    assert http.head(f"/api/v1/blobs/{sha}", headers=device.headers).headers["Upload-Offset"] == "1000"
    r2 = patch_blob(http, device, sha, 1000, len(data), data[1000:])
    assert r2.status_code == 201
    assert http.head(f"/api/v1/blobs/{sha}", headers=device.headers).status_code == 200
    stored = settings.blobs / str(DEFAULT_ORGANISATION_ID) / sha[:2] / sha  # the organisation's own folder
    assert stored.read_bytes() == data
    assert not list((settings.blobs / "partial").glob(f"*{sha}"))  # the uploader's partial file is gone


def test_offset_mismatch_is_409_then_resume(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    data, sha = fake_photo()
    patch_blob(http, device, sha, 0, len(data), data[:1200])
    wrong = patch_blob(http, device, sha, 500, len(data), data[500:])
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "upload_offset_mismatch"
    assert wrong.headers["Upload-Offset"] == "1200"
    offset = int(http.head(f"/api/v1/blobs/{sha}", headers=device.headers).headers["Upload-Offset"])
    assert patch_blob(http, device, sha, offset, len(data), data[offset:]).status_code == 201


def test_hash_mismatch_discards_partial(http: httpx.Client, login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    data, sha = fake_photo()
    corrupted = data[:-1] + bytes([data[-1] ^ 1])
    patch_blob(http, device, sha, 0, len(data), corrupted[:2000])
    r = patch_blob(http, device, sha, 2000, len(data), corrupted[2000:])
    assert r.status_code == 422 and r.json()["code"] == "hash_mismatch"
    head = http.head(f"/api/v1/blobs/{sha}", headers=device.headers)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    assert not (settings.blobs / sha[:2] / sha).exists()
    assert patch_blob(http, device, sha, 0, len(data), data).status_code == 201  # the client restarts


def test_a_colleague_sends_every_byte_and_the_file_is_stored_once(http: httpx.Client, login_as: LoginAs,
                                                                   settings: Settings) -> None:
    """Dedupe is per uploader (issue 12, 7): a stored photo is "not here" for a colleague until they have sent all
    of its bytes themselves; the file stays one file."""
    first, second = login_as("inspecteur1"), login_as("inspecteur2")
    data, sha = fake_photo()
    assert patch_blob(http, first, sha, 0, len(data), data).status_code == 201
    head = http.head(f"/api/v1/blobs/{sha}", headers=second.headers)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    assert patch_blob(http, second, sha, 0, len(data), b"\xff" * 10).status_code == 204  # no shortcut to "done"
    assert http.head(f"/api/v1/blobs/{sha}", headers=second.headers).headers["Upload-Offset"] == "10"
    r = patch_blob(http, second, sha, 10, len(data), data[10:])
    assert r.status_code == 422 and r.json()["code"] == "hash_mismatch"  # the hash is checked for everyone
    assert patch_blob(http, second, sha, 0, len(data), data).status_code == 201
    assert http.head(f"/api/v1/blobs/{sha}", headers=second.headers).status_code == 200
    assert [p.name for p in settings.blobs.rglob(sha)] == [sha]  # one file for the organisation


def test_chunk_past_declared_length_is_refused(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    data, sha = fake_photo()
    r = patch_blob(http, device, sha, 0, 100, data[:200])
    assert r.status_code == 400 and r.json()["code"] == "upload_too_long"


def test_too_large_blob_is_413(http: httpx.Client, login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    _data, sha = fake_photo()
    r = patch_blob(http, device, sha, 0, settings.max_blob_bytes + 1, b"x")
    assert r.status_code == 413 and r.json()["code"] == "blob_too_large"


def test_bad_headers_and_hash(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    _data, sha = fake_photo()
    r = http.patch(f"/api/v1/blobs/{sha}", content=b"x", headers=device.headers)
    assert r.status_code == 400 and r.json()["code"] == "upload_headers_invalid"
    r = http.head("/api/v1/blobs/NOT-A-HASH", headers=device.headers)
    assert r.status_code == 400
    r = patch_blob(http, device, "A" * 64, 0, 1, b"x")
    assert r.json()["code"] == "invalid_sha256"


def test_blobs_require_auth(http: httpx.Client) -> None:
    _data, sha = fake_photo()
    assert http.head(f"/api/v1/blobs/{sha}").status_code == 401
    assert http.get(f"/api/v1/blobs/{sha}").status_code == 401


def test_download_for_reviewer_and_owner_only(http: httpx.Client, login_as: LoginAs) -> None:
    owner = login_as("inspecteur1")
    data, sha = fake_photo()
    iid, create = owner.create_inspection()
    attach = owner.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                      "size": len(data), "caption": "Gang"})
    assert owner.push([create, attach]).json()["rejections"] == []
    assert patch_blob(http, owner, sha, 0, len(data), data).status_code == 201
    lead = login_as("teamleider1")
    got = http.get(f"/api/v1/blobs/{sha}", headers=lead.headers)
    assert got.status_code == 200 and got.content == data and got.headers["content-type"] == "image/jpeg"
    assert http.get(f"/api/v1/blobs/{sha}", headers=owner.headers).status_code == 200
    stranger = login_as("inspecteur2")
    assert http.get(f"/api/v1/blobs/{sha}", headers=stranger.headers).status_code == 404


def test_counts_are_resent_once_every_photo_has_arrived(http: httpx.Client, login_as: LoginAs) -> None:
    owner = login_as("inspecteur1")
    (first, sha1), (second, sha2) = photos = [fake_photo(), fake_photo()]
    iid = finished_with_photos(owner, photos)
    assert patch_blob(http, owner, sha1, 0, len(first), first).status_code == 201
    assert patch_blob(http, owner, sha2, 0, len(second), second).status_code == 201
    assert flag_counts(owner, iid) == [(2, 0), (2, 2)]  # not once per photo on the way


def test_patch_at_zero_of_a_stored_blob_is_confirmed_without_storing_again(http: httpx.Client,
                                                                          login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    data, sha = fake_photo()
    assert patch_blob(http, device, sha, 0, len(data), data).status_code == 201
    again = patch_blob(http, device, sha, 0, len(data), data)  # a tablet that never asked HEAD first
    assert again.status_code == 201 and again.headers["Upload-Offset"] == str(len(data))
    assert http.head(f"/api/v1/blobs/{sha}", headers=device.headers).status_code == 200
