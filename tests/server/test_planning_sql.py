"""The year plan counted in SQL equals what the Python it replaced counted (``planning_oracle``), on a varied
history (``history_factory``), for several years and targets, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import planning_oracle as oracle
import pytest
from history_factory import History, populate
from sqlalchemy.orm import Session

from schemas.planning import PlanTargets
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.planning import yearplan


@pytest.fixture(scope="module")
def history(settings: Settings) -> Iterator[tuple[Session, History]]:
    engine = make_engine(settings)
    session = make_sessionmaker(engine)()
    made = populate(session, count=400, seed=6)
    session.commit()
    yield session, made
    session.close()
    engine.dispose()


@pytest.mark.parametrize("org_of", ["planner1", "inspecteur-vb"])
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_year_plan_equals_the_python_count(history: tuple[Session, History], org_of: str, year: int) -> None:
    session, made = history
    organisation_id = made.principals[org_of].organisation_id
    for goal in (PlanTargets(), PlanTargets(kwetsbare_branches=["horeca", "seksinrichting"], pandenacties=9)):
        yearplan.save_targets(session=session, organisation_id=organisation_id, year=year, data=goal, by="test")
        expected = oracle.year_plan(session=session, organisation_id=organisation_id, year=year)
        assert yearplan.year_plan(session=session, organisation_id=organisation_id, year=year) == expected
    session.rollback()
    if year == 2026 and org_of == "planner1":
        counts = {p.key: (p.done, p.planned) for p in expected.progress}
        assert all(counts["pandenacties"]) and sum(counts["integrale_controles"]), counts
