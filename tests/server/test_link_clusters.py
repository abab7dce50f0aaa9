"""The clusters ``links.clusters`` keeps (issue 13: Koppelingen at any history size) equal a computation from scratch
after random adds and removes of identifiers (one by one through the service, a bulk delete as retention does, an add
and remove in one flush), also when several transactions add at once; and Koppelingen's pages, walked through their
cursors, are the groups the screen showed when it grouped every shared identifier in Python. SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from history_factory import History, populate
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from schemas.identifiers import IdentifierKind
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections.models import Inspection
from sync_server.links import service
from sync_server.links.models import Cluster, Identifier
from tests.server import query_plans

VALUES = [f"06{n:08d}" for n in range(12)]  # a small pool, so values are shared and clusters merge and split


@pytest.fixture(scope="module")
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings)
    made = make_sessionmaker(engine)
    made.configure(info={"identifier_key": settings.identifier_key})
    yield made
    engine.dispose()


@pytest.fixture(scope="module")
def history(factory: sessionmaker[Session]) -> History:
    with factory() as session:
        made = populate(session, count=120, seed=7)
        session.commit()
    return made


def from_scratch(session: Session) -> dict[uuid.UUID, set[frozenset[uuid.UUID]]]:
    """Per organisation, its controls grouped by shared (kind, digest), computed from all rows with a union-find of
    this test's own."""
    rows = session.execute(select(Identifier.organisation_id, Identifier.inspection_id, Identifier.kind,
                                  Identifier.digest)).all()
    out: dict[uuid.UUID, set[frozenset[uuid.UUID]]] = {}
    by_org: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for r in rows:
        by_org[r[0]].append(r)
    for org, org_rows in by_org.items():
        group_of: dict[uuid.UUID, set[uuid.UUID]] = {}
        holders: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
        for _o, iid, kind, dig in org_rows:
            group_of.setdefault(iid, {iid})
            holders[(kind, dig)].add(iid)
        for ids in holders.values():
            merged = set().union(*(group_of[i] for i in ids))
            for i in merged:
                group_of[i] = merged
        out[org] = {frozenset(g) for g in group_of.values()}
    return out


def assert_kept_equals_scratch(session: Session) -> None:
    expected = from_scratch(session)
    rows = session.execute(select(Identifier.organisation_id, Identifier.inspection_id, Identifier.cluster_id)).all()
    assert all(r[2] is not None for r in rows), "an identifier row without a cluster"
    members: dict[uuid.UUID | None, set[uuid.UUID]] = defaultdict(set)
    for _org, iid, cid in rows:
        members[cid].add(iid)
    cluster_of: dict[uuid.UUID, set[uuid.UUID | None]] = defaultdict(set)
    for _org, iid, cid in rows:
        cluster_of[iid].add(cid)
    assert all(len(c) == 1 for c in cluster_of.values()), "a control's rows in two clusters"
    kept = {c.id: c for c in session.scalars(select(Cluster))}
    assert set(kept) == set(members), "a cluster without rows, or rows of a cluster that is not there"
    got: dict[uuid.UUID, set[frozenset[uuid.UUID]]] = defaultdict(set)
    for cid, ids in members.items():
        assert cid is not None
        c = kept[cid]
        assert c.controls == len(ids) and c.anchor == min(ids), (c.controls, len(ids))
        got[c.organisation_id].add(frozenset(ids))
    assert dict(got) == expected


def _add(session: Session, inspection: Inspection, value: str) -> uuid.UUID:
    new = uuid.uuid4()
    assert service.add(session=session, identifier_id=new, inspection=inspection, kind=IdentifierKind.PHONE,
                       value=value) is None
    return new


def test_random_adds_and_removes_keep_the_clusters_of_a_computation_from_scratch(
        factory: sessionmaker[Session], history: History) -> None:
    rng = random.Random(1313)
    with factory() as session:
        assert_kept_equals_scratch(session)  # the factory's rows (added in bulk flushes) are clustered too
        controls = list(session.scalars(select(Inspection).where(Inspection.id.in_(history.inspection_ids[:60]))))
        for round_ in range(12):
            for _ in range(rng.randint(1, 8)):
                own = list(session.scalars(select(Identifier)))
                roll = rng.random()
                if roll < 0.55 or not own:
                    _add(session, rng.choice(controls), rng.choice(VALUES))
                elif roll < 0.85:
                    row = rng.choice(own)
                    inspection = session.get(Inspection, row.inspection_id)
                    assert inspection is not None
                    assert service.remove(session=session, identifier_id=row.id, inspection=inspection) is not None
                elif roll < 0.95:  # an identifier corrected before it ever synced: add and remove in one flush
                    inspection = rng.choice(controls)
                    added = _add(session, inspection, rng.choice(VALUES))
                    service.remove(session=session, identifier_id=added, inspection=inspection)
                else:  # retention's purge deletes a control's identifiers in bulk
                    doomed = [c.id for c in rng.sample(controls, 3)]
                    session.execute(delete(Identifier).where(Identifier.inspection_id.in_(doomed)))
            assert_kept_equals_scratch(session)
            if round_ % 3 == 2:
                session.commit()
        session.commit()


def test_concurrent_transactions_adding_shared_values(factory: sessionmaker[Session], history: History,
                                                      settings: Settings) -> None:
    """Eight transactions at once, each adding values that chain other transactions' controls together: without
    the organisation's lock each would merge from a view without the others' rows. (Each transaction writes one
    organisation's identifiers, as a push and a purge do: locks of two organisations taken in two orders could
    deadlock.)"""
    with factory() as session:
        org = history.principals["inspecteur1"].organisation_id
        ids = list(session.scalars(select(Inspection.id).where(Inspection.id.in_(history.inspection_ids[60:]),
                                                               Inspection.organisation_id == org)))
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            with factory() as session:
                start.wait(timeout=30)
                for k in range(5):
                    inspection = session.get(Inspection, ids[(n * 5 + k) % len(ids)])
                    assert inspection is not None
                    _add(session, inspection, f"07{(n + k) % 6:08d}")
                    session.flush()
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with factory() as session:
        assert_kept_equals_scratch(session)


def old_groups(session: Session, history: History, reader: str) -> list[tuple[int, str, set[uuid.UUID]]]:
    """Koppelingen as it was computed before the kept clusters: every linking row grouped in Python."""
    rows = service._shared_rows(session, history.principals[reader])
    return sorted(((len(g), str(min(g)), g) for g in service._components(rows)), key=lambda t: (-t[0], t[1]))


@pytest.mark.parametrize("reader", ["ketenregisseur1"])
def test_cluster_pages_equal_the_groups_computed_in_python(factory: sessionmaker[Session], history: History,
                                                           reader: str) -> None:
    with factory() as session:
        expected = old_groups(session, history, reader)
        assert len(expected) >= 2  # walked one cluster per page
        got: list[Any] = []
        cursor = None
        while True:
            page = service.clusters(session=session, viewer=history.principals[reader], limit=1, cursor=cursor)
            assert page.total == len(expected) and page.total_is_exact
            got += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        assert [(len(c.controls), c.id, {x.inspection_id for x in c.controls}) for c in got] == \
            [(n, first[:8], g) for n, first, g in expected]
        shared = {(r[0], r[1], r[3]) for r in service._shared_rows(session, history.principals[reader])}
        for cluster in got:
            want = {f"{kind}: {h}" for iid, kind, h in shared if iid in {x.inspection_id for x in cluster.controls}}
            assert set(cluster.hints) == want


def test_cluster_pages_read_indexes(factory: sessionmaker[Session], history: History, settings: Settings) -> None:
    """Every query of Koppelingen's pages, on PostgreSQL with sequential scans discouraged (``query_plans``)."""
    with factory() as session, query_plans.capture_selects(settings.database_url) as captured:
        page = service.clusters(session=session, viewer=history.principals["ketenregisseur1"], limit=2)
        service.clusters(session=session, viewer=history.principals["ketenregisseur1"], limit=2,
                         cursor=page.next_cursor)
    query_plans.assert_no_seq_scan(settings.database_url, captured)
