"""A revoked tablet with a real server process on loopback (SQLite and PostgreSQL): it hands over its unsynced work
and wipes itself; a connection cut in the middle of the handover wipes nothing, and the next contact finishes it.
After a person replays the handed-over work from quarantine the server holds exactly the tablet's work: nothing
lost, nothing doubled (issue 12, finding 3)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fault_support import Proxy, ServerProcess, blobs_present, server_view, tablet_view
from fault_work import make_work, sync_until_clean
from sqlalchemy import select

from sync_server.admin import service as admin
from sync_server.auth.models import Device, User
from sync_server.cli import in_transaction
from sync_server.sync import handover
from sync_server.sync.models import Quarantine
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
PASSWORD = "demo-wachtwoord"


def revoke(settings: Any, device_id: uuid.UUID) -> None:
    def act(s: Any) -> None:
        owner = s.get(User, s.get(Device, device_id).user_id)
        admin.revoke_device(session=s, viewer=admin.cli_actor(user=owner, organisation_id=DEFAULT_ORGANISATION_ID),
                            device_id=device_id)

    in_transaction(settings, act)


def replay_all(settings: Any, device_id: uuid.UUID) -> int:
    """What a person does after looking at the quarantine: replay every batch of that device, oldest first."""
    ids = in_transaction(settings, lambda s: list(s.scalars(select(Quarantine.id).where(
        Quarantine.device_id == device_id).order_by(Quarantine.received_at))))
    for qid in ids:
        in_transaction(settings, lambda s, qid=qid: handover.replay(session=s, quarantine_id=qid))
    return len(ids)


@pytest.mark.two_workers
@BOTH
async def test_a_revoked_tablet_loses_nothing_when_its_handover_is_cut(server: ServerProcess, proxy: Proxy,
                                                                       tablets: Any) -> None:
    svc = tablets(proxy.url, photo_purge_days=None)
    await svc.login("inspecteur1", PASSWORD)
    await make_work(svc, controls=1, answers=5, persons=1, photos=1, seed=1)
    await sync_until_clean(svc)
    await make_work(svc, controls=2, answers=8, persons=2, photos=2, seed=2, finish=False)  # never sent
    expected = tablet_view(svc._store)
    user = svc._store.local_user()
    device_id = uuid.UUID(str(svc._store.meta().device_id))
    revoke(server.settings, device_id)

    proxy.cut_on = b"/sync/handover/photos/"  # the connection drops while the photos are handed over
    status = await svc.sync_now()
    assert status.revoked and status.last_error == "sync_device_revoked" and proxy.cuts >= 1
    assert status.pending_changes > 0 and status.pending_photos == 4  # kept (encrypted), nothing wiped yet
    assert len(await svc.inspections()) == 2  # only the unsynced controls are left

    proxy.cut_on = None
    status = await svc.sync_now()  # the next contact finishes the handover, then wipes
    assert status.last_error == "sync_device_wiped" and not status.revoked
    assert await svc.inspections() == [] and svc._store.local_user() is None
    wiped = in_transaction(server.settings, lambda s: s.get(Device, device_id))
    assert wiped is not None and wiped.wiped_at is not None

    assert user is not None and replay_all(server.settings, device_id) >= 2  # the cut batch arrived twice
    assert server_view(server.settings, user.id) == expected
    shas = {sha for control in expected.values() for _id, sha in control["photos"]}
    assert blobs_present(server.settings, shas)
