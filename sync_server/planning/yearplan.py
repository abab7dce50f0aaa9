"""The year plan: targets per year (settings with the municipal plan's defaults) and progress against them.

- pandenacties: controls of type ``pandenactie`` in the year (planned ones, and inspections started
  without a plan); done = a finished inspection.
- integrale controles: controls on a kwetsbare branche (the targets' ``kwetsbare_branches``) with at least
  one partner organisation present; an integrale controle is by definition a joint one.
- seksinrichtingen jaarlijks: every active licensed seksinrichting needs a finished control in the year.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.planning import EstablishmentKind, LicenceStatus, PlanTargets, TargetProgress, YearPlan
from schemas.records import PlannedControlRead
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.planning import service as planning
from sync_server.planning.models import PlanYear


def targets(*, session: Session, organisation_id: uuid.UUID, year: int) -> tuple[PlanTargets, PlanYear | None]:
    row = session.get(PlanYear, (organisation_id, year))
    return (PlanTargets.model_validate(row.targets) if row else PlanTargets()), row


def save_targets(*, session: Session, organisation_id: uuid.UUID, year: int, data: PlanTargets,
                 by: str) -> YearPlan:
    """Set the organisation's targets of ``year``."""
    row = session.get(PlanYear, (organisation_id, year))
    now = datetime.now(UTC)
    if row is None:
        session.add(PlanYear(organisation_id=organisation_id, year=year, targets=data.model_dump(mode="json"),
                             updated_by=by, updated_at=now))
    else:
        row.targets, row.updated_by, row.updated_at = data.model_dump(mode="json"), by, now
    session.flush()
    return year_plan(session=session, organisation_id=organisation_id, year=year)


def year_plan(*, session: Session, organisation_id: uuid.UUID, year: int) -> YearPlan:
    """The organisation's targets of the year with progress against each (its own controls only)."""
    goal, row = targets(session=session, organisation_id=organisation_id, year=year)
    controls = planning.list_controls(session=session, organisation_id=organisation_id, start=date(year, 1, 1),
                                      end=date(year, 12, 31))
    unplanned = _unplanned_finished(session, organisation_id, year)
    progress = [
        _count("pandenacties", [c for c in controls if c.control_type == "pandenactie"],
               unplanned.count("pandenactie"), goal.pandenacties),
        _count("integrale_controles",
               [c for c in controls if c.control_type in goal.kwetsbare_branches and c.partners], 0,
               goal.integrale_controles),
    ]
    if goal.seksinrichtingen_jaarlijks:
        progress.append(_licensed_sex(session, organisation_id, year, controls))
    return YearPlan(year=year, targets=goal, progress=progress, updated_by=row.updated_by if row else "",
                    updated_at=row.updated_at if row else None)


def _count(key: str, controls: list[PlannedControlRead], extra_done: int, target: int) -> TargetProgress:
    done = sum(1 for c in controls if c.status == "done") + extra_done
    return TargetProgress(key=key, done=done, planned=sum(1 for c in controls if c.status != "done"), target=target)


def _unplanned_finished(session: Session, organisation_id: uuid.UUID, year: int) -> list[str]:
    stmt = select(Inspection.control_type, Inspection.finished_at).where(
        Inspection.status == "finished", Inspection.planned_control_id.is_(None),
        Inspection.organisation_id == organisation_id)
    return [t for t, at in session.execute(stmt) if at is not None and _local_year(at) == year]


def _local_year(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(establishments.AMSTERDAM).year


def _licensed_sex(session: Session, organisation_id: uuid.UUID, year: int,
                  controls: list[PlannedControlRead]) -> TargetProgress:
    rows = session.scalars(select(Establishment).where(
        Establishment.organisation_id == organisation_id, Establishment.kind == EstablishmentKind.SEKSINRICHTING.value,
        Establishment.licence_status == LicenceStatus.LICENSED.value, Establishment.active.is_(True))
        .order_by(Establishment.name))
    done, planned, missing = 0, 0, []
    for e in rows:
        history = establishments.history(session=session, establishment=e)
        if any(h.status == "finished" and h.on.year == year for h in history):
            done += 1
            continue
        missing.append(e.name)
        if any(c.establishment_id == e.id and c.status != "done" for c in controls):
            planned += 1
    return TargetProgress(key="seksinrichtingen_jaarlijks", done=done, planned=planned, target=done + len(missing),
                          missing=missing)
