"""Migration 2026_12_03_1100 on an existing server: the login throttle's table appears, and usernames are brought
to the one normalisation the login now uses, unless another user has that name already (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_helpers import database_at

from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.tenancy.service import DEFAULT_TEAM_ID

PREVIOUS = "2026_12_03_1000"
USERS = sa.table("user_account", sa.column("id", sa.Uuid()), sa.column("username", sa.String()),
                 sa.column("display_name", sa.String()), sa.column("role", sa.String()),
                 sa.column("team_id", sa.Uuid()), sa.column("password_hash", sa.String()),
                 sa.column("created_at", sa.DateTime(timezone=True)))


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    with database_at(PREVIOUS, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="inputs") as settings:
        yield settings


def test_usernames_are_normalised_and_the_table_appears(old_db: Settings) -> None:
    names = ["inspecteur1", "ｌｅａｄ７", "straße", "strasse", "ﬁnn"]  # fullwidth, ß (taken), a ligature
    rows = [{"id": uuid.uuid4(), "username": n, "display_name": n, "role": "inspecteur", "team_id": DEFAULT_TEAM_ID,
             "password_hash": "x", "created_at": datetime(2026, 3, 2, tzinfo=UTC)} for n in names]
    in_transaction(old_db, lambda s: s.execute(USERS.insert(), rows))
    upgrade(old_db)
    found = in_transaction(old_db, lambda s: {r.id: r.username for r in s.execute(sa.select(USERS))})
    assert [found[r["id"]] for r in rows] == ["inspecteur1", "lead7", "straße", "strasse", "finn"]
    count = in_transaction(old_db, lambda s: s.scalar(sa.text("SELECT count(*) FROM login_failure")))
    assert count == 0
