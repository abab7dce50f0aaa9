"""A user moved to another team or organisation: the next pull starts over (``reset``, scope epoch up); after
a move to another organisation the old organisation's user-scoped changes are not served; the old
organisation's controls are closed to them (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session
from test_tenancy_boundary import OTHER_ORG, OTHER_TEAM, SECOND_TEAM, add_user, tenants  # noqa: F401 (autouse)

from schemas.sync import SCHEMA_VERSION
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.sync import service as sync_service
from sync_server.tenancy import service as tenancy

LoginAs = Callable[[str], Any]


def _move(settings: Settings, username: str, org_key: str, team_key: str) -> None:
    def work(s: Session) -> None:
        team = tenancy.get_team_or_raise(session=s, organisation_key=org_key, team_key=team_key)
        tenancy.move_user(session=s, username=username, team=team)

    in_transaction(settings, work)


def _pull(device: Any, cursor: int, epoch: int | None) -> dict[str, Any]:
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "limit": 500,
            "scope_epoch": epoch}
    r = device.http.post("/api/v1/sync/pull", json=body, headers=device.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _pull_all(device: Any) -> tuple[list[dict[str, Any]], int, int]:
    """Every change from the start: (changes, cursor, epoch)."""
    cursor, epoch, out = 0, None, []
    while True:
        body = _pull(device, cursor, epoch)
        out += body["changes"]
        cursor, epoch = body["cursor"], body["scope_epoch"]
        if not body["has_more"]:
            return out, cursor, epoch


@pytest.fixture
def mover(settings: Settings, login_as: LoginAs) -> Any:
    """A fresh inspector in the default team, logged in, with one control of their own and a comment on it."""
    name = f"verhuizer-{uuid.uuid4().hex[:6]}"
    add_user(settings, name, Role.INSPECTEUR, tenancy.DEFAULT_ORGANISATION_KEY, tenancy.DEFAULT_TEAM_KEY)
    device = login_as(name)
    iid, create = device.create_inspection()
    assert device.push([create]).json()["rejections"] == []
    lead = login_as("teamleider1")
    r = device.http.post(f"/api/v1/review/inspections/{iid}/comments", json={"body": "Goed gedaan"},
                         headers=lead.headers)
    assert r.status_code == 201, r.text
    device.inspection_id = iid
    return device


def test_moving_to_another_team_resets_the_next_pull(settings: Settings, mover: Any, http: httpx.Client) -> None:
    changes, cursor, epoch = _pull_all(mover)
    assert any(c["entity"] == "comment" for c in changes)
    assert _pull(mover, cursor, epoch)["reset"] is False
    _move(settings, mover.user["username"], tenancy.DEFAULT_ORGANISATION_KEY, SECOND_TEAM)
    again = _pull(mover, cursor, epoch)
    assert again["reset"] is True and again["scope_epoch"] == epoch + 1
    # same organisation: the user's own changes are still theirs
    assert any(c["entity"] == "comment" for c in again["changes"])
    # and their own control stays theirs to finish
    finish = mover.mutation("inspection.finish.v1", mover.inspection_id, {"finished_at": "2026-03-02T12:00:00Z"})
    assert mover.push([finish]).json()["rejections"] == []


def test_moving_to_another_organisation_drops_the_old_organisations_changes(settings: Settings, mover: Any,
                                                                            login_as: LoginAs) -> None:
    changes, cursor, epoch = _pull_all(mover)
    old = {c["entity_id"] for c in changes if c["entity"] in ("comment", "planned_control", "rejection")}
    assert old
    _move(settings, mover.user["username"], OTHER_ORG, OTHER_TEAM)
    again = _pull(mover, cursor, epoch)
    assert again["reset"] is True and again["scope_epoch"] == epoch + 1
    served, _cursor, _epoch = _pull_all(mover)
    assert not old & {c["entity_id"] for c in served}  # nothing of the old organisation's user-scoped changes
    assert {c["entity"] for c in served} <= {"template", "catalogue"}  # only the global content
    # the old organisation's control is no longer theirs: as if it did not exist
    note = mover.mutation("inspection.update.v1", mover.inspection_id, {"note": "na verhuizing"})
    assert [r["code"] for r in mover.push([note]).json()["rejections"]] == ["not_found"]
    # a rejection of the new organisation is served to them
    served, _c, _e = _pull_all(mover)
    assert [c["entity"] for c in served if c["entity"] == "rejection"] == ["rejection"]


def test_scopes_name_the_organisation_and_team(login_as: LoginAs) -> None:
    device = login_as("inspecteur-vb")
    from sync_server.auth.schemas import Principal

    user = device.user
    principal = Principal(user_id=uuid.UUID(user["id"]), username=user["username"], display_name="x",
                          role=Role.INSPECTEUR, device_id=uuid.uuid4(), team_id=uuid.uuid4(),
                          organisation_id=uuid.uuid4())
    scopes = sync_service.scopes_for(principal)
    assert scopes[0] == "all" and f"org:{principal.organisation_id}" in scopes
    assert f"team:{principal.team_id}" in scopes
    assert f"user:{principal.user_id}@{principal.organisation_id}" in scopes
