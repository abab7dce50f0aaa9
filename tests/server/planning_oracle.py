"""The year plan as it was computed before issue 13 (every planned control read one by one, every inspection of the
organisation loaded for their states), kept as the oracle ``test_planning_sql`` compares the SQL with."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.planning import EstablishmentKind, LicenceStatus, TargetProgress, YearPlan
from schemas.records import Address, PlannedControlRead
from sync_server.auth.models import User
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.planning.yearplan import targets


def to_read(*, session: Session, control: PlannedControl) -> PlannedControlRead:
    ids = sorted(session.scalars(select(PlannedControlInspector.user_id)
                                 .where(PlannedControlInspector.planned_control_id == control.id)))
    names = [u.display_name for u in (session.get(User, i) for i in ids) if u is not None]
    est = session.get(Establishment, control.establishment_id) if control.establishment_id else None
    return PlannedControlRead(id=control.id, control_type=control.control_type, template_id=control.template_id,
                              scheduled_on=control.scheduled_on, address=Address.model_validate(control.address),
                              inspector_ids=ids, partners=list(control.partners), briefing=control.briefing,
                              start_time=control.start_time, duration_minutes=control.duration_minutes,
                              establishment_id=control.establishment_id,
                              establishment_name=est.name if est else "", inspector_names=names,
                              status=control.status)


def progress_states(*, session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, str]:
    out: dict[uuid.UUID, str] = {}
    stmt = select(Inspection.planned_control_id, Inspection.status).where(
        Inspection.planned_control_id.is_not(None), Inspection.organisation_id == organisation_id)
    for pid, status in session.execute(stmt):
        if pid is None:
            continue
        if status == "finished" or out.get(pid) != "done":
            out[pid] = "done" if status == "finished" else "in_progress"
    return out


def list_controls(*, session: Session, organisation_id: uuid.UUID, start: date | None = None,
                  end: date | None = None, include_cancelled: bool = False) -> list[PlannedControlRead]:
    stmt = (select(PlannedControl).where(PlannedControl.organisation_id == organisation_id)
            .order_by(PlannedControl.scheduled_on, PlannedControl.start_time, PlannedControl.id))
    if not include_cancelled:
        stmt = stmt.where(PlannedControl.status != "cancelled")
    if start is not None:
        stmt = stmt.where(PlannedControl.scheduled_on >= start)
    if end is not None:
        stmt = stmt.where(PlannedControl.scheduled_on <= end)
    states = progress_states(session=session, organisation_id=organisation_id)
    out = []
    for control in session.scalars(stmt):
        read = to_read(session=session, control=control)
        if control.status != "cancelled" and control.id in states:
            read = read.model_copy(update={"status": states[control.id]})
        out.append(read)
    return out


def year_plan(*, session: Session, organisation_id: uuid.UUID, year: int) -> YearPlan:
    goal, row = targets(session=session, organisation_id=organisation_id, year=year)
    controls = list_controls(session=session, organisation_id=organisation_id, start=date(year, 1, 1),
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
