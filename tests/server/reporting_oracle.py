"""The office's aggregates as they were computed before issue 13 (every control loaded into Python), kept as the
oracle the SQL versions are compared with (``test_reporting_sql``). Copied from the code they replaced, with the
helpers they called inlined, so a later change to those helpers cannot move the oracle."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.records import Address
from schemas.review import AgencyControl, AgencyRow, CountRow, Overview, QuarterRow
from sync_server.auth.schemas import Principal
from sync_server.establishments.service import AMSTERDAM
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.links.models import Identifier
from sync_server.tenancy import access

AGENCY_ANSWER = ("A15_landlord_relation", "employment_agency")
UNKNOWN = "onbekend"


def subjects(flag: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not flag:
        return []
    return [s for s in flag.get("subjects", []) if isinstance(s, dict) and int(s.get("level", 0)) >= 1]


def to_local(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(AMSTERDAM)


def quarter(value: datetime) -> str:
    local = to_local(value)
    return f"{local.year}-K{(local.month - 1) // 3 + 1}"


def _rows(counter: Counter[str]) -> list[CountRow]:
    return [CountRow(key=k, count=n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def overview(*, session: Session, user: Principal, year: int | None = None) -> Overview:
    inspections = [i for i in session.scalars(select(Inspection).where(Inspection.status == "finished",
                                                                       access.inspection_clause(user)))
                   if year is None or to_local(i.started_at).year == year]
    profiles: Counter[str] = Counter()
    types: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    hoods: Counter[str] = Counter()
    quarters: dict[str, Counter[str]] = defaultdict(Counter)
    total_signals = 0
    for i in inspections:
        subs = subjects(i.flag)
        total_signals += len(subs)
        profiles.update(str(s.get("profile") or UNKNOWN) for s in subs)
        types[i.control_type] += 1
        levels[str(i.level) if i.level is not None else UNKNOWN] += 1
        hoods[str(i.address.get("neighbourhood") or UNKNOWN)] += 1
        q = quarters[quarter(i.started_at)]
        q["controls"] += 1
        q["signals"] += len(subs)
        q[f"L{i.level}" if i.level is not None else UNKNOWN] += 1
    by_quarter = [QuarterRow(quarter=k, controls=c["controls"], signals=c["signals"],
                             by_level={f"L{n}": c[f"L{n}"] for n in range(4)}) for k, c in sorted(quarters.items())]
    return Overview(controls=len(inspections), signals=total_signals, by_profile=_rows(profiles),
                    by_control_type=_rows(types), by_level=sorted(_rows(levels), key=lambda r: r.key, reverse=True),
                    by_neighbourhood=_rows(hoods), by_quarter=by_quarter)


def agencies(*, session: Session, user: Principal) -> list[AgencyRow]:
    by_kvk: dict[str, set[uuid.UUID]] = defaultdict(set)
    for iid, kvk in session.execute(select(Identifier.inspection_id, Identifier.public_value)
                                    .join(Inspection, Inspection.id == Identifier.inspection_id)
                                    .where(Identifier.kind == "uitzendbureau", access.inspection_clause(user))):
        by_kvk[kvk or UNKNOWN].add(iid)
    named = {i for ids in by_kvk.values() for i in ids}
    for answer in session.scalars(select(Answer).join(Inspection, Inspection.id == Answer.inspection_id)
                                  .where(Answer.question_id == AGENCY_ANSWER[0], Answer.person_id == "",
                                         access.inspection_clause(user))):
        if answer.value == AGENCY_ANSWER[1] and answer.inspection_id not in named:
            by_kvk[UNKNOWN].add(answer.inspection_id)
    persons = {iid: int(n) for iid, n in session.execute(
        select(Person.inspection_id, func.count()).where(Person.deleted.is_(False)).group_by(Person.inspection_id))}
    out = [_agency(session, kvk, ids, persons) for kvk, ids in by_kvk.items()]
    return sorted(out, key=lambda a: (a.kvk == UNKNOWN, -(a.worst_level or 0), -a.persons, a.kvk))


def _agency(session: Session, kvk: str, ids: set[uuid.UUID], persons: dict[uuid.UUID, int]) -> AgencyRow:
    controls = [AgencyControl(inspection_id=i.id, address=Address.model_validate(i.address), started_at=i.started_at,
                              persons=int(persons.get(i.id, 0)), level=i.level)
                for i in (session.get(Inspection, x) for x in ids) if i is not None]
    controls.sort(key=lambda c: c.started_at)
    levels = [c.level for c in controls if c.level is not None]
    sig = sum(len(subjects(i.flag)) for i in (session.get(Inspection, c.inspection_id) for c in controls)
              if i is not None)
    return AgencyRow(kvk=kvk, addresses=len({c.address.one_line() for c in controls}),
                     persons=sum(c.persons for c in controls), signals=sig, worst_level=max(levels, default=None),
                     controls=controls)
