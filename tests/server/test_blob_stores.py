"""The photo store's one interface, on disk and in an S3-compatible bucket (moto's server mode on loopback, boto3
talking HTTP to it): resumable appends, the hash check, reading, listing, deleting, the readiness check; and the
server answering an upload and a download with the S3 store."""

from __future__ import annotations

import hashlib
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync_server.blobs.store import BlobStore, FileBlobStore, S3BlobStore, open_blob_store
from sync_server.config import Settings

ORG, OWNER = uuid.uuid4(), uuid.uuid4()
BUCKET = "inspectie-photos"

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "eu-west-1")):
        monkeypatch.setenv(name, value)


def _s3(endpoint: str, bucket: str, root: Path) -> S3BlobStore:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return S3BlobStore(root, bucket=bucket, prefix="photos/", client=client)


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "file":
        return FileBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    return _s3(endpoint, f"b-{uuid.uuid4().hex[:12]}", tmp_path / "blobs")


def _photo(n: int = 5000) -> tuple[bytes, str]:
    data = bytes((i * 7 + n) % 256 for i in range(n))
    return data, hashlib.sha256(data).hexdigest()


def test_resumable_upload_read_list_delete(store: BlobStore) -> None:
    data, sha = _photo()
    assert not store.present(ORG, sha) and store.offset(ORG, sha, OWNER) == 0
    assert store.append(ORG, sha, offset=0, length=len(data), chunk=data[:2000], owner=OWNER).status == "partial"
    assert store.offset(ORG, sha, OWNER) == 2000 and store.in_flight_bytes(ORG, OWNER) == 2000
    done = store.append(ORG, sha, offset=2000, length=len(data), chunk=data[2000:], owner=OWNER)
    assert (done.status, done.offset) == ("complete", len(data))
    assert store.present(ORG, sha) and store.in_flight_bytes(ORG, OWNER) == 0
    with store.open(ORG, sha) as f:
        assert f.read() == data
    assert [(b.organisation_id, b.sha256, b.size) for b in store.stored()] == [(ORG, sha, len(data))]
    store.check()
    assert store.delete(ORG, sha) and not store.present(ORG, sha) and not store.delete(ORG, sha)
    with pytest.raises(FileNotFoundError):
        store.open(ORG, sha)


def test_a_wrong_hash_is_never_stored(store: BlobStore) -> None:
    data, _ = _photo()
    wrong = hashlib.sha256(b"other").hexdigest()
    assert store.append(ORG, wrong, offset=0, length=len(data), chunk=data, owner=OWNER).status == "hash_mismatch"
    assert not store.present(ORG, wrong) and list(store.stored()) == []


def test_put_stores_a_whole_file(store: BlobStore, tmp_path: Path) -> None:
    data, sha = _photo(1234)
    source = tmp_path / "source"
    source.write_bytes(data)
    store.put(ORG, sha, source)
    assert store.present(ORG, sha) and [b.size for b in store.stored()] == [1234]


def test_s3_check_fails_without_its_bucket(s3_endpoint: str, tmp_path: Path) -> None:
    store = _s3(s3_endpoint, f"b-{uuid.uuid4().hex[:12]}", tmp_path)
    store.bucket = "no-such-bucket"
    with pytest.raises(Exception):  # noqa: B017 - botocore's ClientError: /readyz answers 503 on any
        store.check()


def test_settings_choose_the_store(tmp_path: Path, s3_endpoint: str, aws_env: Any) -> None:
    assert isinstance(open_blob_store(Settings(data_dir=tmp_path)), FileBlobStore)
    chosen = open_blob_store(Settings(data_dir=tmp_path, blob_backend="s3", s3_bucket=BUCKET,
                                      s3_endpoint_url=s3_endpoint, s3_region="eu-west-1"))
    assert isinstance(chosen, S3BlobStore) and chosen.bucket == BUCKET
    with pytest.raises(ValueError, match="INSPECTIE_S3_BUCKET"):
        Settings(data_dir=tmp_path, blob_backend="s3")


def test_the_server_with_an_s3_store(settings: Settings, s3_endpoint: str, aws_env: Any, tmp_path: Path) -> None:
    """Upload, download and /readyz through the API with the photos in the bucket (SQLite and PostgreSQL)."""
    from sync_server.app import create_app
    from tests.server.conftest import login
    from tests.server.photo_helpers import finished_with_photos, upload
    from tests.server.test_observability import serving

    bucket = f"b-{uuid.uuid4().hex[:12]}"
    _s3(s3_endpoint, bucket, tmp_path)  # creates the bucket
    s3 = settings.model_copy(update={"blob_backend": "s3", "s3_bucket": bucket, "s3_endpoint_url": s3_endpoint,
                                     "s3_region": "eu-west-1", "blob_dir": tmp_path / "local"})
    data, sha = _photo(4000)
    with serving(create_app(s3)) as http:
        inspector, lead = login(http, "inspecteur1"), login(http, "teamleider1")
        finished_with_photos(inspector, [(data, sha)])
        assert upload(http, inspector, data, sha).status_code == 201
        r = http.get(f"/api/v1/blobs/{sha}", headers=lead.headers)
        assert r.status_code == 200 and r.content == data
        assert http.get("/readyz").json()["checks"]["blob_store"] == "ok"
    keys = [o["Key"] for o in _s3_client(s3_endpoint).list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"{settings_org(settings)}/{sha[:2]}/{sha}"]
    assert not any((tmp_path / "local").rglob(sha))  # only in the bucket


def _s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1")


def settings_org(_settings: Settings) -> uuid.UUID:
    from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

    return DEFAULT_ORGANISATION_ID


def test_backup_from_disk_restored_into_a_bucket(s3_endpoint: str, aws_env: Any, tmp_path: Path) -> None:
    """``backup``/``restore`` go through the store's interface: a server moving its photos from disk to a bucket
    restores a backup of the disk store into the S3 store."""
    from sync_server.backup import service as backup_service
    from sync_server.migrate import upgrade
    from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

    source = Settings(data_dir=tmp_path / "old", database_url=f"sqlite:///{(tmp_path / 'old.db').as_posix()}")
    upgrade(source)
    disk = FileBlobStore(tmp_path / "disk")
    data, sha = _photo(3210)
    assert disk.append(DEFAULT_ORGANISATION_ID, sha, offset=0, length=len(data), chunk=data).status == "complete"
    assert backup_service.backup(source, tmp_path / "backup", store=disk).photos == 1
    bucket = _s3(s3_endpoint, f"b-{uuid.uuid4().hex[:12]}", tmp_path / "local")
    empty = Settings(data_dir=tmp_path / "new", database_url=f"sqlite:///{(tmp_path / 'new.db').as_posix()}")
    backup_service.restore(empty, tmp_path / "backup", store=bucket)
    with bucket.open(DEFAULT_ORGANISATION_ID, sha) as f:
        assert f.read() == data
    assert [b.sha256 for b in bucket.stored()] == [sha]
    assert backup_service.holds_data(empty, bucket)
