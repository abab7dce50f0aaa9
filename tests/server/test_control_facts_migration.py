"""Migration ``2026_12_06_1100`` on an existing database (SQLite and PostgreSQL): every stored control gets its fact
row (``inspections.control_facts``), with the local quarter of its start, its finish (else start) time, its address
key and the number of its signals and of its persons (not deleted)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_helpers import database_at

from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.migrate import upgrade
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID

BEFORE = "2026_12_06_1000"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EDGE = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 1 April 00:30 in Amsterdam: the second quarter

U, S, D, J, N, B = sa.Uuid(), sa.String(), sa.DateTime(timezone=True), sa.JSON(), sa.Integer(), sa.Boolean()


def _t(name: str, **cols: sa.types.TypeEngine[object]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in cols.items()))


USERS = _t("user_account", id=U, username=S, display_name=S, role=S, team_id=U, password_hash=S, created_at=D)
INSPECTIONS = _t("inspection", id=U, template_id=S, template_version=N, control_type=S, address=J, inspector_id=U,
                 organisation_id=U, team_id=U, status=S, note=S, started_at=D, finished_at=D, version=sa.BigInteger(),
                 received_at=D, level=N, flag=J, neighbourhood=S, address_key=S)
PERSONS = _t("person", inspection_id=U, person_id=S, label=S, deleted=B)
FACTS = _t("control_fact", inspection_id=U, organisation_id=U, team_id=U, inspector_id=U, finished=B, quarter=N,
           on_at=D, control_type=S, level=N, neighbourhood=S, address_key=S, signals=N, persons=N)
FLAG = {"level": 2, "subjects": [{"subject_id": "premises", "level": 0}, {"subject_id": "p1", "level": 2},
                                 {"subject_id": "p2", "level": 1}]}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    with database_at(BEFORE, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="facts") as settings:
        yield settings


def test_stored_controls_get_their_fact_rows(old_db: Settings) -> None:
    engine = make_engine(old_db)
    user, finished, draft = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    common = {"template_id": "t", "template_version": 1, "inspector_id": user, "team_id": DEFAULT_TEAM_ID,
              "organisation_id": DEFAULT_ORGANISATION_ID, "note": "", "version": 0, "received_at": NOW}
    with engine.begin() as conn:
        conn.execute(USERS.insert().values(id=user, username="oud1", display_name="Oud", role="inspecteur",
                                           team_id=DEFAULT_TEAM_ID, password_hash="x", created_at=NOW))
        conn.execute(INSPECTIONS.insert().values(
            id=finished, control_type="pandenactie", address={"street": "Oudeweg", "house_number": "12"},
            status="finished", started_at=EDGE, finished_at=NOW.replace(month=4), level=2, flag=FLAG,
            neighbourhood="Centrum", address_key="6811AA|12", **common))
        conn.execute(INSPECTIONS.insert().values(
            id=draft, control_type="horeca", address={"street": "Nieuweweg", "house_number": "1"}, status="draft",
            started_at=NOW, finished_at=None, level=None, flag=None, neighbourhood=None, address_key=None, **common))
        for n, deleted in enumerate((False, True, False)):
            conn.execute(PERSONS.insert().values(inspection_id=finished, person_id=f"p{n}", label="P", deleted=deleted))
    engine.dispose()
    upgrade(old_db)
    engine = make_engine(old_db)
    with engine.connect() as conn:
        rows = {r.inspection_id: r for r in conn.execute(sa.select(FACTS))}
    engine.dispose()
    assert set(rows) == {finished, draft}
    f, d = rows[finished], rows[draft]
    assert (f.organisation_id, f.team_id, f.inspector_id) == (DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID, user)
    assert (f.finished, f.quarter, f.control_type, f.level, f.neighbourhood, f.address_key, f.signals, f.persons) == (
        True, 20262, "pandenactie", 2, "Centrum", "6811AA|12", 2, 2)
    assert _utc(f.on_at) == NOW.replace(month=4)
    assert (d.finished, d.quarter, d.control_type, d.level, d.neighbourhood, d.address_key, d.signals, d.persons) == (
        False, 20261, "horeca", None, None, None, 0, 0)
    assert _utc(d.on_at) == NOW
