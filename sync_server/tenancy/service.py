"""Organisations and teams: create them, find them by key, move a user to another team.

The default organisation and team are created by the migration with fixed ids, so an existing server (one
municipality) upgrades into them without manual steps; ``create-user`` without ``--team`` uses them too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.auth import service as users
from sync_server.auth.models import User
from sync_server.errors import ApiError
from sync_server.tenancy.models import Organisation, Team

DEFAULT_ORGANISATION_ID = uuid.UUID("6a1e5c2b-3f4d-4e8a-9b7c-1d2e3f4a5b6c")
DEFAULT_TEAM_ID = uuid.UUID("7b2f6d3c-4a5e-4f9b-8c8d-2e3f4a5b6c7d")
DEFAULT_ORGANISATION_KEY = "gemeente-arnhem"
DEFAULT_TEAM_KEY = "interventieteam"


def _key(value: str) -> str:
    key = value.strip().lower()
    if not key or len(key) > 60 or not all(c.isalnum() or c in "-_" for c in key):
        raise ApiError("validation_error", detail=f"key {value!r}: letters, digits, '-' and '_' (1-60)")
    return key


def get_organisation(*, session: Session, key: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.key == key.strip().lower()))


def get_team(*, session: Session, organisation_key: str, team_key: str) -> Team | None:
    """The team ``team_key`` of the organisation ``organisation_key``."""
    return session.scalar(select(Team).join(Organisation, Organisation.id == Team.organisation_id)
                          .where(Organisation.key == organisation_key.strip().lower(),
                                 Team.key == team_key.strip().lower()))


def get_team_or_raise(*, session: Session, organisation_key: str, team_key: str) -> Team:
    team = get_team(session=session, organisation_key=organisation_key, team_key=team_key)
    if team is None:
        raise ApiError("team_unknown", detail=f"{organisation_key}/{team_key}")
    return team


def create_team(*, session: Session, organisation_key: str, team_key: str, team_name: str,
                organisation_name: str | None = None) -> tuple[Team, bool]:
    """Create a team (and its organisation when missing); returns the team and whether the organisation is new.
    Refuses a team key that exists in that organisation."""
    org_key, key = _key(organisation_key), _key(team_key)
    org = get_organisation(session=session, key=org_key)
    now = datetime.now(UTC)
    created_org = org is None
    if org is None:
        org = Organisation(id=uuid.uuid4(), key=org_key, name=(organisation_name or org_key).strip(), created_at=now)
        session.add(org)
        session.flush()
    if get_team(session=session, organisation_key=org_key, team_key=key) is not None:
        raise ApiError("team_exists", detail=f"{org_key}/{key}")
    team = Team(id=uuid.uuid4(), organisation_id=org.id, key=key, name=team_name.strip() or key, created_at=now)
    session.add(team)
    session.flush()
    return team, created_org


def move_user(*, session: Session, username: str, team: Team) -> tuple[User, Team]:
    """Put a user in another team; returns the user and the team they left. Their devices' next pull starts
    over (the scopes change), and a move to another organisation takes them out of the old one's data."""
    user = users.get_by_username(session=session, username=username)
    if user is None:
        raise ApiError("not_found", detail=f"user {username}")
    old = session.get(Team, user.team_id)
    assert old is not None
    user.team_id = team.id
    session.flush()
    return user, old
