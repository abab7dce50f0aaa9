"""Alle signalen and Koppelingen at a city's history, measured in process (issue 13): N controls (default 100,000)
with about 1.2 signals and 0.8 identifiers each, written straight into a fresh database with bulk INSERTs (a minute,
where ``office_history.py``'s loader, which runs the server's flag engine for every control, takes over an hour on
this machine), then each query's median over ``--repeat`` calls, as the screen's first page asks it:

    .venv/bin/python benchmarks/signals_links_history.py [--db sqlite|postgres] [--controls N] [--repeat K]

Prints for each reader ``signals_<reader>_ms`` (``review.signals.list_signals``: the first page with its
verifications and referrals) and ``signals_before_<reader>_ms`` (the first page as read before: every visible
signal joined to its control and sorted in one statement, ``LIMIT 51``, its capped count, then the same
verifications, referrals and page); ``clusters_ms`` (``links.service.clusters``) and ``clusters_before_ms`` (the
first page as built before: every linking identifier into Python, ``_shared_rows`` and ``_components``, then the
same page); ``clusters_equal: 1`` when the first page's clusters are the groups computed the old way. Medians in
process, not the HTTP round trip (``office_history.py`` measures that).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_common import PG_ADMIN_URL
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemas.identifiers import IdentifierKind
from schemas.review import Verdict
from sync_server.auth import service as users
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links import clusters as kept
from sync_server.links import service as links
from sync_server.links.models import Cluster, Identifier
from sync_server.migrate import upgrade
from sync_server.review import signals
from sync_server.review.models import Verification
from sync_server.seed import seed_demo
from sync_server.tenancy import access
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Team

END = datetime(2026, 12, 1, tzinfo=UTC)
BATCH = 5000
KINDS = [k.value for k in IdentifierKind]


def people(settings: Settings) -> dict[str, Any]:
    """The demo users, two more teams in the first organisation (the teamleider sees one team of three)."""
    def work(session: Session) -> dict[str, Any]:
        seed_demo(session=session)
        inspectors: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = []  # (user, team, organisation)
        for key in ("noord", "zuid"):
            team, _ = tenancy.create_team(session=session, organisation_key=tenancy.DEFAULT_ORGANISATION_KEY,
                                          team_key=key, team_name=f"Team {key}")
            u = users.create(session=session, username=f"bench-{key}", password="bench-wachtwoord-lang",
                             role=Role.INSPECTEUR, display_name=f"Inspecteur {key}", team_id=team.id)
            inspectors.append((u.id, team.id, team.organisation_id))
        for name in ("inspecteur1", "inspecteur-vb"):
            u, team = session.execute(select(User, Team).join(Team, Team.id == User.team_id)
                                      .where(User.username == name)).one()
            inspectors.append((u.id, team.id, team.organisation_id))
        lead = session.scalar(select(User.id).where(User.username == "teamleider1"))
        return {"inspectors": inspectors, "lead": lead}

    return in_transaction(settings, work)


def load(settings: Settings, controls: int) -> None:
    """Controls, their signal facts (with the copies the list reads), verifications and identifiers in bulk; the
    clusters computed once (``links.clusters.components``), as migration 2026_12_06_1000 fills them."""
    who = people(settings)
    rng = random.Random(controls)
    pool = max(10, controls // 3)
    engine = make_engine(settings)
    rows: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, str, str]]] = {}
    try:
        for start in range(0, controls, BATCH):
            with make_sessionmaker(engine)() as session, session.begin():
                _batch(session, rng, who, pool, min(BATCH, controls - start), rows)
        with make_sessionmaker(engine)() as session, session.begin():
            for org, org_rows in rows.items():
                cluster_of: dict[uuid.UUID, uuid.UUID] = {}
                values = []
                for group in kept.components((r[1], r[2], r[3]) for r in org_rows):
                    cid = uuid.uuid4()
                    values.append({"id": cid, "organisation_id": org, "controls": len(group), "anchor": min(group)})
                    cluster_of.update(dict.fromkeys(group, cid))
                session.execute(insert(Cluster), values)
                session.execute(insert(Identifier), [
                    {"id": r[0], "organisation_id": org, "inspection_id": r[1], "kind": r[2], "digest": r[3],
                     "hint": "06••••••", "created_at": END, "cluster_id": cluster_of[r[1]]} for r in org_rows])
    finally:
        engine.dispose()


def _batch(session: Session, rng: random.Random, who: dict[str, Any], pool: int, size: int,
           rows: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, str, str]]]) -> None:
    controls, facts, verifications = [], [], []
    for _ in range(size):
        user, team, org = rng.choices(who["inspectors"], weights=[3, 3, 3, 1])[0]
        iid = uuid.uuid4()
        started = END - timedelta(seconds=rng.uniform(0, 4 * 365 * 86400))
        finished = started + timedelta(hours=2) if rng.random() > 0.03 else None
        subjects = [(f"p{n}" if n else "premises", rng.choices((1, 2, 3), weights=(70, 25, 5))[0])
                    for n in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3)))]
        controls.append({"id": iid, "template_id": "pandenactie", "template_version": 1, "control_type": "pandenactie",
                         "address": {"street": "Benchstraat", "house_number": str(rng.randint(1, 99))},
                         "inspector_id": user, "organisation_id": org, "team_id": team,
                         "status": "finished" if finished else "draft", "note": "", "started_at": started,
                         "finished_at": finished, "received_at": finished or started, "version": 1,
                         "level": max((lvl for _s, lvl in subjects), default=0)})
        for sid, level in subjects:
            verdict = None
            if (END - started).days > 30 and rng.random() < 0.8:
                verdict = rng.choice([v.value for v in Verdict])
                verifications.append({"id": uuid.uuid4(), "inspection_id": iid, "subject_id": sid, "verdict": verdict,
                                      "reason": "Beoordeeld (benchmark).", "by_id": who["lead"],
                                      "at": started + timedelta(days=2)})
            facts.append({"inspection_id": iid, "subject_id": sid, "label": sid, "level": level, "profile": None,
                          "codes": "", "verdict": verdict, "organisation_id": org,
                          "raised_at": finished or started})
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            rows.setdefault(org, []).append((uuid.uuid4(), iid, rng.choice(KINDS),
                                             f"{rng.randint(0, pool):07d}"))
    session.execute(insert(Inspection), controls)
    session.execute(insert(SignalFact), facts)
    if verifications:
        session.execute(insert(Verification), verifications)


def principal(session: Session, username: str) -> Principal:
    user, team = session.execute(select(User, Team).join(Team, Team.id == User.team_id)
                                 .where(User.username == username)).one()
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role),
                     device_id=uuid.uuid4(), team_id=team.id, organisation_id=team.organisation_id)


def signals_before(session: Session, user: Principal, within_days: int, only_open: bool) -> Any:
    """The list's first page as it was read before issue 13's part-by-part read (commit 58e9f8c): one statement
    sorting every visible signal, then the same verifications, referrals and page as now."""
    from schemas.pages import Page
    from schemas.review import SignalState
    from sync_server import paging

    now = datetime.now(UTC)
    is_open, keys = signals._signal_keys(now, within_days)
    visible = [access.inspection_clause(user), *([is_open] if only_open else [])]
    base = select(SignalFact.id).join(Inspection, Inspection.id == SignalFact.inspection_id).where(*visible)
    total, exact = paging.capped_count(session, base)
    stmt = (select(SignalFact.subject_id, SignalFact.label, SignalFact.level, SignalFact.profile, Inspection.id,
                   Inspection.address, Inspection.control_type, Inspection.finished_at, Inspection.received_at,
                   User.display_name, *(k.label(f"sort_{n}") for n, k in enumerate(keys)))
            .join(Inspection, Inspection.id == SignalFact.inspection_id)
            .join(User, User.id == Inspection.inspector_id)
            .where(*visible).order_by(*keys).limit(51))
    rows = list(session.execute(stmt))[:50]
    ids = list(dict.fromkeys(r[4] for r in rows))
    latest = signals.latest_verifications(session=session, inspection_ids=ids)
    refs = signals.referrals_of(session=session, inspection_ids=ids)
    items = [signals._signal(r, latest, refs.get(r[4], []), within_days, now) for r in rows]
    return Page[SignalState](items=items, next_cursor=None, total=total, total_is_exact=exact)


def clusters_before(session: Session, viewer: Principal) -> Any:
    """Koppelingen's first page as it was built before the kept clusters (commit 722189d): every linking identifier
    into Python, grouped, sorted; then the page's controls as now."""
    from collections import defaultdict

    rows = links._shared_rows(session, viewer)
    groups = sorted(((-len(g), min(g), g) for g in links._components(rows)), key=lambda t: (t[0], str(t[1])))
    page = groups[:50]
    by_control: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        by_control[row[0]].append(row)
    members = {iid for _n, _first, g in page for iid in g}
    loaded = {i.id: i for i in links._visible(session, members, viewer)}
    labels = links._Labels(session)
    return [links._cluster(g, by_control, loaded, labels) for _n, _first, g in page]


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def measure(settings: Settings, repeat: int) -> None:
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    factory.configure(info={"identifier_key": settings.identifier_key})
    try:
        with factory() as session:
            lead, keten = principal(session, "teamleider1"), principal(session, "ketenregisseur1")
            for name, user, only_open in (("teamleider", lead, False), ("ketenregisseur_open", keten, True)):
                now = median_ms(lambda u=user, o=only_open: signals.list_signals(  # type: ignore[misc]
                    session=session, user=u, within_days=14, only_open=o), repeat)
                before = median_ms(lambda u=user, o=only_open: signals_before(session, u, 14, o), repeat)  # type: ignore[misc]
                print(f"signals_{name}_ms: {now}")
                print(f"signals_before_{name}_ms: {before}")
            print(f"clusters_ms: {median_ms(lambda: links.clusters(session=session, viewer=keten), repeat)}")
            before = median_ms(lambda: clusters_before(session, keten), repeat)
            print(f"clusters_before_ms: {before}")
            groups = sorted((-len(g), str(min(g))) for g in links._components(links._shared_rows(session, keten)))
            page = links.clusters(session=session, viewer=keten, limit=50)
            print(f"clusters_total: {len(groups)}")
            equal = [(-len(c.controls), c.id) for c in page.items] == [(n, first[:8]) for n, first in groups[:50]]
            print(f"clusters_equal: {int(equal)}")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--controls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="signals-links-"))
    name = f"inspectie_sl_{uuid.uuid4().hex[:10]}"
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{(root / 'bench.db').as_posix()}"
    settings = Settings(data_dir=root, database_url=url)
    try:
        upgrade(settings)
        t = time.perf_counter()
        load(settings, args.controls)
        print(f"load_s: {round(time.perf_counter() - t, 1)}", file=sys.stderr)
        if args.db == "postgres":
            import psycopg

            with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute("ANALYZE")
        measure(settings, args.repeat)
    finally:
        if args.db == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
