"""Aard en omvang (counts and trends) and the uitzendbureau overview for the ketenregisseur, counted over
the controls the caller may see (``tenancy.access``: the organisation's; a teamleider's own team's)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Text, case, cast, func, literal, or_, select, union
from sqlalchemy.orm import Session

from schemas.pages import Page
from schemas.records import Address
from schemas.review import AgencyControl, AgencyRow, CountRow, Overview, QuarterRow
from sync_server import paging
from sync_server.auth.schemas import Principal
from sync_server.inspections import control_facts
from sync_server.inspections.control_facts import ControlFact
from sync_server.inspections.models import Answer, Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links.models import Identifier
from sync_server.tenancy import access

AGENCY_ANSWER = ("A15_landlord_relation", "employment_agency")
UNKNOWN = "onbekend"


def _rows(counter: Counter[str]) -> list[CountRow]:
    return [CountRow(key=k, count=n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def overview(*, session: Session, user: Principal, year: int | None = None) -> Overview:
    """Controls and signals counted by exploitation type, control type, level, neighbourhood and quarter, from the
    controls' fact rows (``control_facts``: the local quarter is a column, read in the order of the GROUP BY)."""
    fact = ControlFact
    where = [fact.finished.is_(True), access.control_clause(user, fact)]
    if year is not None:
        where.append(fact.quarter.between(year * 10 + 1, year * 10 + 4))
    types: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    hoods: Counter[str] = Counter()
    quarters: dict[str, Counter[str]] = defaultdict(Counter)
    keys = (fact.quarter, fact.control_type, fact.level, fact.neighbourhood)
    for quarter, control_type, level, neighbourhood, n in session.execute(
            select(*keys, func.count()).where(*where).group_by(*keys)):
        types[control_type] += n
        levels[str(level) if level is not None else UNKNOWN] += n
        hoods[neighbourhood or UNKNOWN] += n
        q = quarters[control_facts.quarter_name(quarter)]
        q["controls"] += n
        q[f"L{level}" if level is not None else UNKNOWN] += n
    profiles: Counter[str] = Counter()
    stmt = (select(fact.quarter, SignalFact.profile, func.count())
            .join(SignalFact, SignalFact.inspection_id == fact.inspection_id)
            .where(*where, fact.signals > 0).group_by(fact.quarter, SignalFact.profile))
    for quarter, profile, n in session.execute(stmt):
        profiles[profile or UNKNOWN] += n
        quarters[control_facts.quarter_name(quarter)]["signals"] += n
    by_quarter = [QuarterRow(quarter=k, controls=c["controls"], signals=c["signals"],
                             by_level={f"L{n}": c[f"L{n}"] for n in range(4)}) for k, c in sorted(quarters.items())]
    return Overview(controls=sum(types.values()), signals=sum(profiles.values()), by_profile=_rows(profiles),
                    by_control_type=_rows(types), by_level=sorted(_rows(levels), key=lambda r: r.key, reverse=True),
                    by_neighbourhood=_rows(hoods), by_quarter=by_quarter)


AGENCY_CURSOR = (paging.as_int, paging.as_int, paging.as_int, paging.as_str)
AGENCY_CONTROLS = 25


def _agency_pairs(user: Principal, kvks: list[str] | None = None) -> Any:
    """(kvk, inspection_id) of every uitzendbureau on a visible control (or of ``kvks`` only): by its identifier (no
    number: onbekend), or, on a control with no such identifier, named as landlord in the premises' answers
    (onbekend). Visibility is read from the controls' fact rows (``tenancy.access.control_clause``)."""
    kvk = func.coalesce(func.nullif(Identifier.public_value, ""), UNKNOWN)
    by_identifier = (select(kvk.label("kvk"), Identifier.inspection_id.label("inspection_id"))
                     .join(ControlFact, ControlFact.inspection_id == Identifier.inspection_id)
                     .where(access.in_organisation(Identifier, user.organisation_id),
                            Identifier.kind == "uitzendbureau", access.control_clause(user, ControlFact)))
    if kvks is not None:  # by the number first (``ix_control_identifier_agency``), then onbekend's empty ones
        numbered = Identifier.public_value.in_([k for k in kvks if k != UNKNOWN])
        unnumbered = or_(Identifier.public_value.is_(None), Identifier.public_value == "")
        by_identifier = by_identifier.where(or_(numbered, unnumbered) if UNKNOWN in kvks else numbered)
    if kvks is not None and UNKNOWN not in kvks:
        return by_identifier.subquery("pairs")
    named = (select(Identifier.id).where(Identifier.inspection_id == Answer.inspection_id,
                                         Identifier.kind == "uitzendbureau").exists())
    visible = (select(ControlFact.inspection_id).where(ControlFact.inspection_id == Answer.inspection_id,
                                                       access.control_clause(user, ControlFact)).exists())
    # driven from the answers of one question (``ix_answer_question``), not from every visible control
    by_answer = (select(literal(UNKNOWN).label("kvk"), Answer.inspection_id.label("inspection_id"))
                 .where(Answer.question_id == AGENCY_ANSWER[0], Answer.person_id == "",
                        cast(Answer.value, Text) == json.dumps(AGENCY_ANSWER[1]), ~named, visible))
    return union(by_identifier, by_answer).subquery("pairs")


def _per_control(pairs: Any) -> Any:
    """Each pair with its control's level, persons and signals (one fact row each)."""
    return (select(pairs.c.kvk, pairs.c.inspection_id, ControlFact.level, ControlFact.persons, ControlFact.signals)
            .join(ControlFact, ControlFact.inspection_id == pairs.c.inspection_id).subquery("per_control"))


def agencies(*, session: Session, user: Principal, limit: int | None = None, cursor: str | None = None,
             controls_limit: int | None = AGENCY_CONTROLS) -> Page[AgencyRow]:
    """Uitzendbureaus (by KvK number) recorded on the caller's controls, or named as landlord in the answers: worst
    level first, then most persons (onbekend last); each with its latest ``controls_limit`` controls."""
    per = _per_control(_agency_pairs(user))
    kvk = per.c.kvk.collate("C") if session.get_bind().dialect.name == "postgresql" else per.c.kvk
    persons = cast(func.sum(per.c.persons), Integer)
    agg = (select(case((per.c.kvk == UNKNOWN, 1), else_=0).label("k0"),
                  (-func.coalesce(func.max(per.c.level), 0)).label("k1"), (-persons).label("k2"), kvk.label("k3"),
                  func.max(per.c.level).label("worst"), persons.label("persons"),
                  cast(func.sum(per.c.signals), Integer).label("signals"), func.count().label("controls"))
           .group_by(per.c.kvk).subquery("agencies"))
    counted = select(agg, func.count().over().label("total")).subquery("counted")  # one aggregation, not two
    keys = [counted.c.k0, counted.c.k1, counted.c.k2, counted.c.k3]
    stmt = select(counted).order_by(*keys)
    if cursor is not None:
        stmt = stmt.where(paging.after(keys, paging.decode(cursor, AGENCY_CURSOR)))
    rows = list(session.execute(stmt.limit(limit + 1 if limit else None)))
    total = int(rows[0].total) if rows else _agency_total(session, agg)
    more = limit is not None and len(rows) > limit
    rows = rows[:limit]
    details = _agency_controls(session, user, [r.k3 for r in rows], controls_limit)
    items = [AgencyRow(kvk=r.k3, addresses=details[r.k3][0], persons=int(r.persons or 0),
                       signals=int(r.signals or 0), worst_level=r.worst, controls=details[r.k3][1],
                       control_count=int(r.controls)) for r in rows]
    next_cursor = paging.encode([rows[-1].k0, rows[-1].k1, rows[-1].k2, rows[-1].k3]) if more else None
    return Page[AgencyRow](items=items, next_cursor=next_cursor, total=total)


def _agency_total(session: Session, agg: Any) -> int:
    """The number of agencies, for a page past the last (nothing after the cursor)."""
    return int(session.scalar(select(func.count()).select_from(agg)) or 0)


def _agency_controls(session: Session, user: Principal, kvks: list[str], controls_limit: int | None
                     ) -> dict[str, tuple[int, list[AgencyControl]]]:
    """Per agency: how many distinct addresses its controls have, and its latest controls (oldest first)."""
    if not kvks:
        return {}
    pairs = _agency_pairs(user, kvks)
    mine = pairs.c.kvk.in_(kvks)
    addresses: dict[str, set[str]] = defaultdict(set)
    for k, address in session.execute(select(pairs.c.kvk, cast(Inspection.address, Text)).distinct()
                                      .join(Inspection, Inspection.id == pairs.c.inspection_id).where(mine)):
        addresses[k].add(Address.model_validate_json(address).one_line())
    per = _per_control(pairs)
    rank = func.row_number().over(partition_by=per.c.kvk,
                                  order_by=(Inspection.started_at.desc(), Inspection.id.desc())).label("rank")
    ranked = (select(per.c.kvk, per.c.persons, Inspection.id, Inspection.address, Inspection.started_at,
                     Inspection.level, rank)
              .join(Inspection, Inspection.id == per.c.inspection_id).where(per.c.kvk.in_(kvks)).subquery())
    stmt = select(ranked).order_by(ranked.c.started_at, ranked.c.id)
    if controls_limit is not None:
        stmt = stmt.where(ranked.c.rank <= controls_limit)
    controls: dict[str, list[AgencyControl]] = defaultdict(list)
    for r in session.execute(stmt):
        controls[r.kvk].append(AgencyControl(inspection_id=r.id, address=Address.model_validate(r.address),
                                             started_at=_utc(r.started_at), persons=int(r.persons), level=r.level))
    return {k: (len(addresses[k]), controls[k]) for k in kvks}


def _utc(value: datetime) -> datetime:
    """SQLite hands a stored UTC time back without its zone (a column read, not an entity: ``db._utc_on_load``)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
