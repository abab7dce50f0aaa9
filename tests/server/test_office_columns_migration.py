"""The migrations of issue 13's office columns on an existing database (SQLite and PostgreSQL): ``2026_12_05_1500``
fills a control's neighbourhood and address key from its stored address, ``2026_12_05_1600`` a signal's latest
verdict from its verifications."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_helpers import database_at

from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.migrate import upgrade
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID

BEFORE = "2026_12_05_1400"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    """A database at the revision before these columns."""
    with database_at(BEFORE, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="columns") as settings:
        yield settings


U, S, D, J, N = sa.Uuid(), sa.String(), sa.DateTime(timezone=True), sa.JSON(), sa.Integer()


def _t(name: str, **cols: sa.types.TypeEngine[object]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in cols.items()))


USERS = _t("user_account", id=U, username=S, display_name=S, role=S, team_id=U, password_hash=S, created_at=D)
INSPECTIONS = _t("inspection", id=U, template_id=S, template_version=N, control_type=S, address=J, inspector_id=U,
                 organisation_id=U, team_id=U, status=S, note=S, started_at=D, version=sa.BigInteger(),
                 received_at=D)
COLUMNS = _t("inspection", id=U, neighbourhood=S, address_key=S)
FACTS = _t("signal_fact", inspection_id=U, subject_id=S, label=S, level=N, profile=S, codes=S)
VERDICTS = _t("signal_fact", subject_id=S, verdict=S)
VERIFICATIONS = _t("signal_verification", id=U, inspection_id=U, subject_id=S, verdict=S, reason=S, by_id=U, at=D)

ADDRESSES = {
    "postcode": {"street": "Oudeweg", "house_number": "12", "addition": "a", "postcode": "6811 aa",
                 "neighbourhood": "Centrum"},
    "street": {"street": " Nieuwe Plein ", "house_number": "3", "city": "Arnhem", "neighbourhood": ""},
    "broken": {"street": 17},  # not an address this version would store: no key, nothing else breaks
}


def test_stored_controls_and_signals_get_their_columns(old_db: Settings) -> None:
    engine = make_engine(old_db)
    user, ids = uuid.uuid4(), {name: uuid.uuid4() for name in ADDRESSES}
    with engine.begin() as conn:
        conn.execute(USERS.insert().values(id=user, username="oud1", display_name="Oud", role="teamleider",
                                           team_id=DEFAULT_TEAM_ID, password_hash="x", created_at=NOW))
        for name, address in ADDRESSES.items():
            conn.execute(INSPECTIONS.insert().values(
                id=ids[name], template_id="t", template_version=1, control_type="pandenactie", address=address,
                inspector_id=user, organisation_id=DEFAULT_ORGANISATION_ID, team_id=DEFAULT_TEAM_ID,
                status="finished", note="", started_at=NOW, version=0, received_at=NOW))
        pid = ids["postcode"]
        for subject in ("p1", "p2", "premises"):
            conn.execute(FACTS.insert().values(inspection_id=pid, subject_id=subject, label=subject, level=2,
                                               profile="labour", codes="X"))
        for n, verdict in enumerate(("gegrond", "meer_info")):  # p1: latest is meer_info
            conn.execute(VERIFICATIONS.insert().values(id=uuid.uuid4(), inspection_id=pid, subject_id="p1",
                                                       verdict=verdict, reason="r", by_id=user,
                                                       at=NOW + timedelta(hours=n)))
        conn.execute(VERIFICATIONS.insert().values(id=uuid.uuid4(), inspection_id=pid, subject_id="p2",
                                                   verdict="ongegrond", reason="r", by_id=user, at=NOW))
    engine.dispose()
    upgrade(old_db)
    engine = make_engine(old_db)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(sa.select(COLUMNS.c.id, COLUMNS.c.neighbourhood, COLUMNS.c.address_key))}
        verdicts = dict(conn.execute(sa.select(VERDICTS.c.subject_id, VERDICTS.c.verdict)).all())
    engine.dispose()
    assert (rows[ids["postcode"]].neighbourhood, rows[ids["postcode"]].address_key) == ("Centrum", "6811AA|12A")
    assert (rows[ids["street"]].neighbourhood, rows[ids["street"]].address_key) == (None, "nieuwe plein|3|arnhem")
    assert (rows[ids["broken"]].neighbourhood, rows[ids["broken"]].address_key) == (None, None)
    assert verdicts == {"p1": "meer_info", "p2": "ongegrond", "premises": None}
