"""The year plan: targets per year (settings with the municipal plan's defaults) and progress against them.

- pandenacties: controls of type ``pandenactie`` in the year (planned ones, and inspections started
  without a plan); done = a finished inspection.
- integrale controles: controls on a kwetsbare branche (the targets' ``kwetsbare_branches``) with at least
  one partner organisation present; an integrale controle is by definition a joint one.
- seksinrichtingen jaarlijks: every active licensed seksinrichting needs a finished control in the year.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from schemas.planning import EstablishmentKind, LicenceStatus, PlanTargets, TargetProgress, YearPlan
from sync_server import periods
from sync_server.establishments.models import Establishment
from sync_server.inspections.control_facts import ControlFact
from sync_server.inspections.models import Inspection
from sync_server.planning import service as planning
from sync_server.planning.models import PlannedControl, PlanYear
from sync_server.tenancy import access


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
    """The organisation's targets of the year with progress against each (its own controls only), counted in SQL."""
    goal, row = targets(session=session, organisation_id=organisation_id, year=year)
    counts = _plan_counts(session, organisation_id, year, goal.kwetsbare_branches)
    pandenacties = counts.get(("pandenactie", "done"), 0), counts.get(("pandenactie", "open"), 0)
    integraal = counts.get(("integraal", "done"), 0), counts.get(("integraal", "open"), 0)
    progress = [
        TargetProgress(key="pandenacties", done=pandenacties[0] + _unplanned_finished(session, organisation_id, year),
                       planned=pandenacties[1], target=goal.pandenacties),
        TargetProgress(key="integrale_controles", done=integraal[0], planned=integraal[1],
                       target=goal.integrale_controles),
    ]
    if goal.seksinrichtingen_jaarlijks:
        progress.append(_licensed_sex(session, organisation_id, year))
    return YearPlan(year=year, targets=goal, progress=progress, updated_by=row.updated_by if row else "",
                    updated_at=row.updated_at if row else None)


def _in_year(organisation_id: uuid.UUID, year: int) -> list[ColumnElement[bool]]:
    """The organisation's not-cancelled planned controls scheduled in ``year``."""
    return [access.in_organisation(PlannedControl, organisation_id), PlannedControl.status != "cancelled",
            PlannedControl.scheduled_on >= date(year, 1, 1), PlannedControl.scheduled_on <= date(year, 12, 31)]


def _plan_counts(session: Session, organisation_id: uuid.UUID, year: int,
                 kwetsbaar: list[str]) -> dict[tuple[str, str], int]:
    """(``pandenactie`` | ``integraal``, ``done`` | ``open``) -> planned controls of the year."""
    done = planning.done_clause(organisation_id).label("done")
    partners = (func.json_array_length(PlannedControl.partners) > 0).label("partners")
    stmt = (select(PlannedControl.control_type, partners, done, func.count())
            .where(*_in_year(organisation_id, year)).group_by(PlannedControl.control_type, partners, done))
    out: dict[tuple[str, str], int] = defaultdict(int)
    for control_type, has_partners, is_done, n in session.execute(stmt):
        state = "done" if is_done else "open"
        if control_type == "pandenactie":
            out[("pandenactie", state)] += n
        if control_type in kwetsbaar and has_partners:
            out[("integraal", state)] += n
    return out


def _unplanned_finished(session: Session, organisation_id: uuid.UUID, year: int) -> int:
    """Pandenacties finished in ``year`` (local time) without a plan."""
    return int(session.scalar(select(func.count()).where(
        access.in_organisation(Inspection, organisation_id), Inspection.status == "finished",
        Inspection.planned_control_id.is_(None), Inspection.control_type == "pandenactie",
        periods.year_range(Inspection.finished_at, year))) or 0)


def _licensed_sex(session: Session, organisation_id: uuid.UUID, year: int) -> TargetProgress:
    """Every active licensed seksinrichting: done when a finished control of the year (local time of its finish, else
    its start) is at its address or carries one of its plans (``establishments.history``'s rule, asked in SQL)."""
    in_year = and_(ControlFact.on_at >= periods.local_start(year), ControlFact.on_at < periods.local_start(year + 1))
    at_address = (select(ControlFact.inspection_id).where(
        access.in_organisation(ControlFact, organisation_id), ControlFact.address_key == Establishment.address_key,
        ControlFact.finished.is_(True), in_year).exists())
    on = func.coalesce(Inspection.finished_at, Inspection.started_at)
    by_plan = (select(Inspection.id).join(PlannedControl, PlannedControl.id == Inspection.planned_control_id).where(
        PlannedControl.establishment_id == Establishment.id, access.in_organisation(Inspection, organisation_id),
        Inspection.status == "finished", on >= periods.local_start(year), on < periods.local_start(year + 1))
        .exists())
    open_plan = (select(PlannedControl.id).where(*_in_year(organisation_id, year),
                                                 PlannedControl.establishment_id == Establishment.id,
                                                 ~planning.done_clause(organisation_id)).exists())
    rows = session.execute(select(Establishment.name, or_(at_address, by_plan), open_plan).where(
        access.in_organisation(Establishment, organisation_id),
        Establishment.kind == EstablishmentKind.SEKSINRICHTING.value,
        Establishment.licence_status == LicenceStatus.LICENSED.value, Establishment.active.is_(True))
        .order_by(Establishment.name))
    done, planned, missing = 0, 0, []
    for name, is_done, has_open_plan in rows:
        if is_done:
            done += 1
            continue
        missing.append(name)
        planned += 1 if has_open_plan else 0
    return TargetProgress(key="seksinrichtingen_jaarlijks", done=done, planned=planned, target=done + len(missing),
                          missing=missing)
