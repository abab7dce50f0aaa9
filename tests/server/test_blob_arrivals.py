"""A photo upload does not wait for the sync lock: an arrival during a push is owed and announced afterwards
(``blobs.service.record``, ``blobs.announcer``), and never lost or announced twice."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from photo_helpers import fake_photo, finished_with_photos, flag_counts, upload
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.orm import Session

from sync_server.app import create_app
from sync_server.blobs import service
from sync_server.blobs.announcer import Announcer
from sync_server.blobs.models import Blob, BlobArrival, BlobHolder
from sync_server.config import Settings
from sync_server.db import Base, make_engine, make_sessionmaker
from sync_server.sync.models import SyncCounter
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

LoginAs = Callable[[str], Any]
DEADLINE_S = 20  # how long an owed arrival may take to be announced before the test gives up (never reached)


class Finished(NamedTuple):
    """A finished control with one photo whose blob has not arrived yet, and its inspector."""

    owner: Any
    iid: str
    data: bytes
    sha: str


@pytest.fixture
def finished(login_as: LoginAs) -> Finished:
    owner = login_as("inspecteur1")
    data, sha = fake_photo()
    return Finished(owner, finished_with_photos(owner, [(data, sha)]), data, sha)


@pytest.fixture(scope="module")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


def _owed(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(BlobArrival.sha256)))


def _wait_until_nothing_owed(engine: Engine) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while _owed(engine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _owed(engine), "owed arrivals were never announced"


def _hold_sync_lock(engine: Engine) -> Connection:
    """Another writer (a push batch) holding the sync counter's row lock until the connection rolls back."""
    conn = engine.connect()
    conn.begin()
    conn.execute(update(SyncCounter).where(SyncCounter.id == 1).values(seq=SyncCounter.seq))
    return conn


def test_server_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_arrival_with_the_lock_free_is_announced_in_the_upload(http: httpx.Client, finished: Finished,
                                                                 engine: Engine) -> None:
    owner, iid, data, sha = finished
    assert upload(http, owner, data, sha).status_code == 201
    assert _owed(engine) == set()  # nothing left for the background thread
    assert flag_counts(owner, iid) == [(1, 0), (1, 1)]


def test_upload_during_a_push_does_not_wait_and_is_announced_after_it(
        http: httpx.Client, finished: Finished, engine: Engine, settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite has one writer: the upload's transaction itself waits for the push")
    owner, iid, data, sha = finished
    push_in_flight = _hold_sync_lock(engine)
    try:
        assert upload(http, owner, data, sha).status_code == 201  # would hang until the http timeout if it waited
        assert _owed(engine) == {sha}
        assert http.head(f"/api/v1/blobs/{sha}", headers=owner.headers).status_code == 200  # the photo is there
        assert flag_counts(owner, iid) == [(1, 0)]  # not announced yet: the push holds the lock
    finally:
        push_in_flight.rollback()
        push_in_flight.close()
    _wait_until_nothing_owed(engine)
    assert flag_counts(owner, iid) == [(1, 0), (1, 1)]


def test_a_push_announces_what_arrived_while_it_held_the_lock(http: httpx.Client, finished: Finished,
                                                               engine: Engine) -> None:
    owner, iid, data, sha = finished
    assert upload(http, owner, data, sha).status_code == 201
    with Session(engine) as session, session.begin():  # owed, as if the upload had found the lock taken
        session.add(BlobArrival(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, arrived_at=func.now()))
    other, create = owner.create_inspection()
    assert owner.push([create]).status_code == 200
    assert _owed(engine) == set()
    assert flag_counts(owner, iid) == [(1, 0), (1, 1), (1, 1)]  # announced again: at most once more, never lost


def test_a_push_that_already_counted_the_photo_does_not_announce_it_twice(http: httpx.Client, login_as: LoginAs,
                                                                         engine: Engine) -> None:
    owner = login_as("inspecteur1")
    data, sha = fake_photo()
    iid, create = owner.create_inspection()
    attach = owner.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                      "size": len(data), "caption": ""})
    assert owner.push([create, attach]).status_code == 200
    assert upload(http, owner, data, sha).status_code == 201
    with Session(engine) as session, session.begin():  # arrived (and owed) while the finishing push ran
        session.add(BlobArrival(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, arrived_at=func.now()))
    finish = owner.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"})
    assert owner.push([finish]).status_code == 200
    assert _owed(engine) == set()
    assert flag_counts(owner, iid) == [(1, 1)]


def test_arrivals_owed_by_a_process_that_died_are_announced_at_start(finished: Finished, http: httpx.Client,
                                                                    engine: Engine, settings: Settings) -> None:
    owner, iid, data, sha = finished
    with Session(engine) as session, session.begin():  # the blob and its arrival committed, then the process died
        session.add(Blob(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, size=len(data), stored_at=func.now()))
        session.add(BlobHolder(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, user_id=uuid.UUID(owner.user["id"]),
                               size=len(data), received_at=func.now()))  # the inspector uploaded it
        session.add(BlobArrival(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, arrived_at=func.now()))
    restarted = create_app(settings)

    async def start_and_stop() -> None:
        async with restarted.router.lifespan_context(restarted):
            pass

    asyncio.run(start_and_stop())
    assert _owed(engine) == set()
    assert flag_counts(owner, iid) == [(1, 0), (1, 1)]


def test_a_failed_announcement_stays_owed_and_the_next_kick_announces_it(
        finished: Finished, http: httpx.Client, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    owner, iid, data, sha = finished
    with Session(engine) as session, session.begin():
        session.add(Blob(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, size=len(data), stored_at=func.now()))
        session.add(BlobHolder(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, user_id=uuid.UUID(owner.user["id"]),
                               size=len(data), received_at=func.now()))  # the inspector uploaded it
        session.add(BlobArrival(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, arrived_at=func.now()))
    announcer = Announcer(make_sessionmaker(engine))
    real = service.announce_arrivals

    def broken(**_kwargs: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "announce_arrivals", broken)
    announcer.kick()
    assert announcer.wait_idle(DEADLINE_S)
    assert _owed(engine) == {sha}
    assert flag_counts(owner, iid) == [(1, 0)]
    monkeypatch.setattr(service, "announce_arrivals", real)
    announcer.kick()
    assert announcer.wait_idle(DEADLINE_S)
    assert _owed(engine) == set()
    assert flag_counts(owner, iid) == [(1, 0), (1, 1)]


def test_pushes_finishing_controls_while_their_photos_arrive_always_end_complete(
        http: httpx.Client, login_as: LoginAs, engine: Engine) -> None:
    """The race the lock rules exist for, run many times: whichever of the push and the upload commits first,
    the last flag of every control says all of its photos are present."""
    owner = login_as("inspecteur1")
    cases: list[tuple[str, bytes, str]] = []
    for _ in range(12):
        data, sha = fake_photo()
        iid, create = owner.create_inspection()
        attach = owner.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                          "size": len(data), "caption": ""})
        assert owner.push([create, attach]).status_code == 200
        cases.append((iid, data, sha))

    def upload_when_started(data: bytes, sha: str, start: threading.Barrier, results: list[int]) -> None:
        with httpx.Client(base_url=str(http.base_url), timeout=30) as own:
            start.wait()
            results.append(upload(own, owner, data, sha).status_code)

    for iid, data, sha in cases:
        start, results = threading.Barrier(2), []
        uploader = threading.Thread(target=upload_when_started, args=(data, sha, start, results))
        uploader.start()
        finish = owner.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"})
        start.wait()
        assert owner.push([finish]).status_code == 200
        uploader.join(DEADLINE_S)
        assert results == [201]
    _wait_until_nothing_owed(engine)
    for iid, _data, _sha in cases:
        counts = flag_counts(owner, iid)
        assert counts and counts[-1] == (1, 1), (iid, counts)


def test_two_uploads_of_one_photo_finishing_at_once_record_it_once(engine: Engine) -> None:
    factory = make_sessionmaker(engine)
    _data, sha = fake_photo()
    first = factory()
    first.begin()
    assert service.record(session=first, organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, size=3000,
                          uploaded_by=None) is False  # the lock was free: announced in its own transaction
    outcome: list[bool] = []

    def second() -> None:
        with factory() as session, session.begin():
            outcome.append(service.record(session=session, organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha,
                                          size=3000, uploaded_by=None))

    other = threading.Thread(target=second)
    other.start()
    other.join(0.5)  # gives it time to reach the row the first one has not committed (it waits there)
    first.commit()
    first.close()
    other.join(DEADLINE_S)
    assert outcome == [False]  # no unique-key failure: the second learns the photo is known
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == sha)) == 1
    assert sha not in _owed(engine)
