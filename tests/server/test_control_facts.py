"""The control facts (``inspections.control_facts``) stay equal to a from-scratch computation after random sequences
of what happens to controls: a push of a new control, a finish, a level and flag changed (a verification, a
re-evaluation), an address corrected, a draft deleted by its inspector, and the retention purge deleting controls in
bulk; the office's aggregates read from them equal the oracles after each sequence. SQLite and PostgreSQL."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import planning_oracle
import pytest
import ranking_oracle
import reporting_oracle
from history_factory import History, _control, _flag, populate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.addresses import address_key
from schemas.records import Address
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections.control_facts import ControlFact, quarter_name
from sync_server.inspections.models import Inspection, Person
from sync_server.inspections.signal_facts import SignalFact
from sync_server.planning import suggestions, yearplan
from sync_server.reporting import service as reporting
from sync_server.retention import service as retention

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STEPS = 60


@pytest.fixture
def history(settings: Settings) -> Iterator[tuple[Session, History]]:
    """A varied history in one transaction, rolled back afterwards."""
    engine = make_engine(settings)
    session = make_sessionmaker(engine)()
    made = populate(session, count=120, seed=21)
    yield session, made
    session.rollback()
    session.close()
    engine.dispose()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _expected(session: Session) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Every stored control as its fact row should read, computed here from the inspection and signal rows."""
    signals = {iid: n for iid, n in session.execute(select(SignalFact.inspection_id, func.count())
                                                    .group_by(SignalFact.inspection_id))}
    persons = {iid: n for iid, n in session.execute(select(Person.inspection_id, func.count())
                                                    .where(Person.deleted.is_(False)).group_by(Person.inspection_id))}
    out = {}
    for i in session.scalars(select(Inspection)):
        local = _utc(i.started_at).astimezone(AMSTERDAM)
        key = address_key(Address.model_validate(i.address))[:400]
        out[i.id] = (i.organisation_id, i.team_id, i.inspector_id, i.status == "finished",
                     f"{local.year}-K{(local.month - 1) // 3 + 1}", _utc(i.finished_at or i.started_at),
                     i.control_type, i.level, (i.address or {}).get("neighbourhood") or None, key,
                     signals.get(i.id, 0), persons.get(i.id, 0))
    return out


def _stored(session: Session) -> dict[uuid.UUID, tuple[Any, ...]]:
    f = ControlFact
    return {r.inspection_id: (r.organisation_id, r.team_id, r.inspector_id, r.finished, quarter_name(r.quarter),
                              _utc(r.on_at), r.control_type, r.level, r.neighbourhood, r.address_key, r.signals,
                              r.persons)
            for r in session.execute(select(f.inspection_id, f.organisation_id, f.team_id, f.inspector_id,
                                            f.finished, f.quarter, f.on_at, f.control_type, f.level,
                                            f.neighbourhood, f.address_key, f.signals, f.persons))}


def _push(session: Session, rng: random.Random, made: History, n: int) -> str:
    by = made.principals[rng.choice(["inspecteur1", "inspecteur2", "inspecteur-noord", "inspecteur-vb"])]
    _control(session, rng, 1000 + n, by, made.principals["teamleider1"], [])
    return "push"


def _finish(session: Session, rng: random.Random, drafts: list[Inspection]) -> str:
    i = rng.choice(drafts)
    i.status, i.finished_at = "finished", i.started_at + timedelta(hours=rng.choice([1, 30]))
    i.level = rng.choice([0, 1, 2, 3])
    i.flag = _flag(rng, i.level, 2)
    return "finish"


def _relevel(session: Session, rng: random.Random, finished: list[Inspection]) -> str:
    """A verification or a re-evaluation that moves a control's level and rewrites its flag."""
    i = rng.choice(finished)
    i.level = rng.choice([None, 0, 1, 2, 3])
    i.flag = _flag(rng, i.level, rng.randint(0, 3))
    return "relevel"


def _readdress(session: Session, rng: random.Random, controls: list[Inspection]) -> str:
    i = rng.choice(controls)
    i.address = {"street": "Verbeterdeweg", "house_number": str(rng.randint(1, 5)), "postcode": "",
                 "city": "Arnhem", **({"neighbourhood": "Centrum"} if rng.random() < 0.5 else {})}
    return "readdress"


def _person(session: Session, rng: random.Random, controls: list[Inspection]) -> str:
    """A person recorded on a control, or one deleted or restored (the control's own columns stay as they are)."""
    i = rng.choice(controls)
    known = list(session.scalars(select(Person).where(Person.inspection_id == i.id)))
    if known and rng.random() < 0.5:
        p = rng.choice(known)
        p.deleted = not p.deleted
        return "person_deleted" if p.deleted else "person_restored"
    session.add(Person(inspection_id=i.id, person_id=f"n{uuid.uuid4().hex[:8]}", label="Nieuw", deleted=False))
    return "person_added"


def _delete_draft(session: Session, rng: random.Random, drafts: list[Inspection]) -> str:
    i = rng.choice(drafts)
    retention._delete_controls(session, [i.id])  # the purge's bulk delete of a control and all on it
    return "purge_one"


def _kept(settings: Settings, days: int) -> Settings:
    """``settings`` with every kind of control kept ``days`` days (the retention purge deletes them after)."""
    return settings.model_copy(update={f"retention_{kind}_days": days
                                       for kind in ("controls_without_signals", "unfounded_signals", "referred")})


def _purge(session: Session, settings: Settings, rng: random.Random) -> str:
    """The retention purge itself, at a moment that makes the oldest controls expire."""
    results = retention.purge(session=session, settings=_kept(settings, 365),
                              now=datetime(2025, 6, 1, tzinfo=UTC) + timedelta(days=rng.choice([100, 200, 300])))
    return "purge" if any(ids for r in results for ids in r.controls.values()) else "purge_nothing"


def _step(session: Session, settings: Settings, rng: random.Random, made: History, n: int) -> str:
    controls = list(session.scalars(select(Inspection)))
    drafts = [i for i in controls if i.status != "finished"]
    finished = [i for i in controls if i.status == "finished"]
    roll = rng.random()
    if roll < 0.3 or not controls:
        return _push(session, rng, made, n)
    if roll < 0.45 and drafts:
        return _finish(session, rng, drafts)
    if roll < 0.7 and finished:
        return _relevel(session, rng, finished)
    if roll < 0.75:
        return _readdress(session, rng, controls)
    if roll < 0.85:
        return _person(session, rng, controls)
    if roll < 0.92 and drafts:
        return _delete_draft(session, rng, drafts)
    if roll < 0.95:
        return _purge(session, settings, rng)
    return "nothing"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_equal_a_fresh_count_after_random_changes(history: tuple[Session, History], settings: Settings,
                                                        seed: int) -> None:
    session, made = history
    rng = random.Random(seed)
    assert _stored(session) == _expected(session)
    done = []
    for n in range(STEPS):
        done.append(_step(session, settings, rng, made, n))
        session.flush()
        assert _stored(session) == _expected(session), f"after {done}"
    assert {"push", "finish", "relevel", "readdress", "person_added", "purge_one", "purge"} <= set(done), done
    for reader in ("ketenregisseur1", "teamleider1", "teamleider-vb"):
        user = made.principals[reader]
        for year in (None, 2025):
            assert reporting.overview(session=session, user=user, year=year) == reporting_oracle.overview(
                session=session, user=user, year=year)
        whole = reporting.agencies(session=session, user=user, controls_limit=None).items
        assert [(a.kvk, a.persons, a.signals, a.worst_level, a.addresses, len(a.controls)) for a in whole] == [
            (a.kvk, a.persons, a.signals, a.worst_level, a.addresses, len(a.controls))
            for a in reporting_oracle.agencies(session=session, user=user)]
    org = made.principals["planner1"].organisation_id
    for today in (date(2025, 6, 30), date(2026, 12, 3)):
        got = suggestions.suggestions(session=session, organisation_id=org, today=today, limit=500)
        want = ranking_oracle.suggestions(session=session, organisation_id=org, today=today, limit=500)
        assert [(s.key, s.score, s.reasons) for s in got] == [(s.key, s.score, s.reasons) for s in want]
        assert yearplan.year_plan(session=session, organisation_id=org, year=today.year) == planning_oracle.year_plan(
            session=session, organisation_id=org, year=today.year)


def test_a_purge_that_deletes_controls_deletes_their_facts(history: tuple[Session, History],
                                                           settings: Settings) -> None:
    """The retention purge deletes in bulk, past the ORM: the facts go with their controls (ON DELETE CASCADE)."""
    session, _made = history
    before = session.scalar(select(func.count()).select_from(ControlFact))
    results = retention.purge(session=session, settings=_kept(settings, 365), now=datetime(2026, 6, 1, tzinfo=UTC))
    session.flush()
    purged = sum(len(ids) for r in results for ids in r.controls.values())
    assert purged > 10
    assert session.scalar(select(func.count()).select_from(ControlFact)) == before - purged
    assert _stored(session) == _expected(session)
