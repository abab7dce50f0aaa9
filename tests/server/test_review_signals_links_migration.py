"""Migration 2026_12_06_1000 on stored data (SQLite and PostgreSQL): each signal fact gets its control's organisation
and ``raised_at`` (finish, else arrival), and the stored identifiers their clusters (the groups of controls joined
by shared values, per organisation; a control nobody shares a value with is a cluster of one)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from migration_helpers import database_at

from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.migrate import alembic_config
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID

BEFORE, AFTER = "2026_12_05_1600", "2026_12_06_1000"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
U, S, D, J, N = sa.Uuid(), sa.String(), sa.DateTime(timezone=True), sa.JSON(), sa.Integer()


def _t(table: str, /, **cols: Any) -> sa.TableClause:
    return sa.table(table, *(sa.column(c, t) for c, t in cols.items()))


USERS = _t("user_account", id=U, username=S, display_name=S, role=S, team_id=U, password_hash=S, created_at=D)
INSPECTIONS = _t("inspection", id=U, template_id=S, template_version=N, control_type=S, address=J, inspector_id=U,
                 organisation_id=U, team_id=U, status=S, note=S, started_at=D, finished_at=D, version=sa.BigInteger(),
                 received_at=D)
ORGANISATIONS = _t("organisation", id=U, key=S, name=S, created_at=D)
TEAMS = _t("team", id=U, organisation_id=U, key=S, name=S, created_at=D)
FACTS = _t("signal_fact", inspection_id=U, subject_id=S, label=S, level=N, profile=S, codes=S, organisation_id=U,
           raised_at=D)
IDENTIFIERS = _t("control_identifier", id=U, organisation_id=U, inspection_id=U, kind=S, digest=S, hint=S,
                 created_at=D, cluster_id=U)
CLUSTERS = _t("identifier_cluster", id=U, organisation_id=U, controls=N, anchor=U)


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    with database_at(BEFORE, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="clusters") as settings:
        yield settings


def _upgrade(settings: Settings) -> None:
    engine = make_engine(settings)
    with engine.connect() as conn:
        cfg = alembic_config(settings)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, AFTER)
        conn.commit()
    engine.dispose()


def test_stored_signals_and_identifiers_are_filled(old_db: Settings) -> None:
    engine = make_engine(old_db)
    user, other_org, other_team = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ids = sorted((uuid.uuid4() for _ in range(7)), key=str)
    a, b, c, d, e, f, g = ids
    org_of = {i: DEFAULT_ORGANISATION_ID for i in ids[:5]} | {f: other_org, g: other_org}
    with engine.begin() as conn:
        conn.execute(ORGANISATIONS.insert().values(id=other_org, key="elders", name="Elders", created_at=NOW))
        conn.execute(TEAMS.insert().values(id=other_team, organisation_id=other_org, key="t", name="T",
                                           created_at=NOW))
        conn.execute(USERS.insert().values(id=user, username="oud1", display_name="Oud", role="inspecteur",
                                           team_id=DEFAULT_TEAM_ID, password_hash="x", created_at=NOW))
        for n, iid in enumerate(ids):
            conn.execute(INSPECTIONS.insert().values(
                id=iid, template_id="t", template_version=1, control_type="pandenactie", address={}, inspector_id=user,
                organisation_id=org_of[iid], team_id=DEFAULT_TEAM_ID if org_of[iid] == DEFAULT_ORGANISATION_ID
                else other_team, status="finished", note="", started_at=NOW,
                finished_at=None if iid == a else NOW + timedelta(hours=n), version=0, received_at=NOW))
        for iid in (a, b):
            conn.execute(FACTS.insert().values(inspection_id=iid, subject_id="p1", label="P", level=2, profile=None,
                                               codes=""))
        # a-b share v1, b-c share v2 (a, b, c one cluster), d has an unshared value and v9 twice on itself, e none;
        # f and g (another organisation) share v1 with each other but not with a and b
        for iid, value in ((a, "v1"), (b, "v1"), (b, "v2"), (c, "v2"), (d, "v3"), (d, "v9"), (d, "v9"), (f, "v1"),
                           (g, "v1")):
            conn.execute(IDENTIFIERS.insert().values(id=uuid.uuid4(), organisation_id=org_of[iid], inspection_id=iid,
                                                     kind="phone", digest=value, hint="06", created_at=NOW))
    engine.dispose()
    _upgrade(old_db)
    engine = make_engine(old_db)
    with engine.connect() as conn:
        facts = {r.inspection_id: r for r in conn.execute(sa.select(FACTS))}
        rows = conn.execute(sa.select(IDENTIFIERS.c.inspection_id, IDENTIFIERS.c.cluster_id)).all()
        clusters = {r.id: r for r in conn.execute(sa.select(CLUSTERS))}
    engine.dispose()
    assert facts[a].organisation_id == DEFAULT_ORGANISATION_ID and facts[a].raised_at.replace(tzinfo=UTC) == NOW
    assert facts[b].raised_at.replace(tzinfo=UTC) == NOW + timedelta(hours=1)  # its finish
    members: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for iid, cid in rows:
        members[cid].add(iid)
    assert sorted(map(frozenset, members.values()), key=len) == [{d}, {f, g}, {a, b, c}]
    assert set(clusters) == set(members)
    for cid, group in members.items():
        assert (clusters[cid].controls, clusters[cid].anchor) == (len(group), min(group))
        assert clusters[cid].organisation_id == org_of[min(group)]
