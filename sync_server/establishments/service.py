"""The register of establishments: create, update, list, detail with control history, violations and
the handhavingsmatrix's next step per category. Each organisation has its own register; another
organisation's establishment answers 404."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from schemas.addresses import address_key, address_problems, normalise
from schemas.planning import (
    ControlHistoryItem,
    EstablishmentCreate,
    EstablishmentDetail,
    EstablishmentRead,
    NextStep,
    ViolationCreate,
    ViolationRead,
)
from schemas.records import Address
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.errors import ApiError
from sync_server.establishments import matrix as matrices
from sync_server.establishments.models import Establishment, Violation
from sync_server.inspections.models import Inspection
from sync_server.planning.models import PlannedControl
from sync_server.tenancy import access

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def checked_address(address: Address) -> Address:
    """The normalised address, or a 422 naming every wrong field."""
    problems = address_problems(address)
    if problems:
        raise ApiError("address_invalid", detail="; ".join(f"address.{k}: {v}" for k, v in sorted(problems.items())))
    return normalise(address)


def to_read(e: Establishment, last_control_on: date | None = None) -> EstablishmentRead:
    return EstablishmentRead(id=e.id, name=e.name, kind=e.kind, address=Address.model_validate(e.address),
                             licence_status=e.licence_status, licence_number=e.licence_number,
                             licence_date=e.licence_date, notes=e.notes, active=e.active,
                             last_control_on=last_control_on)


def get_or_raise(*, session: Session, organisation_id: uuid.UUID, establishment_id: uuid.UUID) -> Establishment:
    """The establishment if it is in ``organisation_id``'s register; 404 otherwise."""
    return access.row_or_404(session=session, model=Establishment, row_id=establishment_id,
                             organisation_id=organisation_id)


def create(*, session: Session, organisation_id: uuid.UUID, data: EstablishmentCreate) -> EstablishmentRead:
    """Register an establishment in the organisation's register."""
    address = checked_address(data.address)
    now = datetime.now(UTC)
    e = Establishment(id=uuid.uuid4(), organisation_id=organisation_id, name=data.name.strip(), kind=data.kind.value,
                      address=address.model_dump(mode="json"), address_key=address_key(address),
                      licence_status=data.licence_status.value, licence_number=data.licence_number.strip(),
                      licence_date=data.licence_date, notes=data.notes, active=data.active, created_at=now,
                      updated_at=now)
    session.add(e)
    session.flush()
    return to_read(e)


def update(*, session: Session, organisation_id: uuid.UUID, establishment_id: uuid.UUID,
           data: EstablishmentCreate) -> EstablishmentRead:
    """Replace an establishment's details (name, kind, address, licence, notes, active)."""
    e = get_or_raise(session=session, organisation_id=organisation_id, establishment_id=establishment_id)
    address = checked_address(data.address)
    e.name, e.kind, e.address = data.name.strip(), data.kind.value, address.model_dump(mode="json")
    e.address_key = address_key(address)
    e.licence_status, e.licence_number = data.licence_status.value, data.licence_number.strip()
    e.licence_date, e.notes, e.active, e.updated_at = data.licence_date, data.notes, data.active, datetime.now(UTC)
    session.flush()
    return to_read(e, _last_control(history(session=session, establishment=e)))


def list_all(*, session: Session, organisation_id: uuid.UUID, kind: str | None = None) -> list[EstablishmentRead]:
    """Every establishment of the organisation by name, with the date of its last done control."""
    stmt = (select(Establishment).where(access.in_organisation(Establishment, organisation_id))
            .order_by(Establishment.name, Establishment.id))
    if kind:
        stmt = stmt.where(Establishment.kind == kind)
    rows = list(session.scalars(stmt))
    last = last_controls(session=session, organisation_id=organisation_id, establishments=rows)
    return [to_read(e, last.get(e.address_key)) for e in rows]


def last_controls(*, session: Session, organisation_id: uuid.UUID,
                  establishments: list[Establishment]) -> dict[str, date]:
    """Address key -> date of the organisation's last finished inspection there, for these establishments'
    addresses (one GROUP BY on ``ix_inspection_address_key``)."""
    keys = sorted({e.address_key for e in establishments})
    if not keys:
        return {}
    last = func.max(func.coalesce(Inspection.finished_at, Inspection.started_at))
    stmt = (select(Inspection.address_key, last)
            .where(access.in_organisation(Inspection, organisation_id), Inspection.address_key.in_(keys),
                   Inspection.status == "finished")
            .group_by(Inspection.address_key))
    return {key: local_date(_aware(moment)) for key, moment in session.execute(stmt) if key is not None}


def _aware(moment: datetime) -> datetime:
    """SQLite hands an aggregated UTC time back without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def history(*, session: Session, establishment: Establishment) -> list[ControlHistoryItem]:
    """Planned controls for this establishment and inspections at its address, newest first."""
    planned = list(session.scalars(select(PlannedControl).where(PlannedControl.establishment_id == establishment.id)))
    planned_ids = {p.id for p in planned}
    items: list[ControlHistoryItem] = []
    done_plans: set[uuid.UUID] = set()
    planned_here = PlannedControl.establishment_id == establishment.id
    by_plan = Inspection.planned_control_id.in_(select(PlannedControl.id).where(planned_here))
    at_address = Inspection.address_key == establishment.address_key
    stmt = select(Inspection).where(access.in_organisation(Inspection, establishment.organisation_id),
                                    or_(by_plan, at_address))
    for i in session.scalars(stmt):
        if i.planned_control_id in planned_ids or i.address_key == establishment.address_key:
            items.append(ControlHistoryItem(planned_control_id=i.planned_control_id, inspection_id=i.id,
                                            control_type=i.control_type, status=i.status, level=i.level,
                                            on=local_date(i.finished_at or i.started_at)))
            if i.planned_control_id:
                done_plans.add(i.planned_control_id)
    items += [ControlHistoryItem(planned_control_id=p.id, control_type=p.control_type, on=p.scheduled_on,
                                 status=p.status) for p in planned if p.id not in done_plans]
    return sorted(items, key=lambda h: (h.on, str(h.inspection_id or h.planned_control_id)), reverse=True)


def _last_control(items: list[ControlHistoryItem]) -> date | None:
    return max((h.on for h in items if h.status == "finished"), default=None)


def local_date(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM).date()


def violations(*, session: Session, establishment_id: uuid.UUID) -> list[ViolationRead]:
    """Recorded violations, newest first."""
    stmt = (select(Violation, User.display_name).join(User, User.id == Violation.recorded_by)
            .where(Violation.establishment_id == establishment_id)
            .order_by(Violation.occurred_on.desc(), Violation.created_at.desc()))
    return [ViolationRead(id=v.id, occurred_on=v.occurred_on, category=v.category, description=v.description,
                          inspection_id=v.inspection_id, step_taken=v.step_taken, recorded_by=name)
            for v, name in session.execute(stmt)]


def record_violation(*, session: Session, assets_dir: Path, establishment_id: uuid.UUID, data: ViolationCreate,
                     by: Principal) -> ViolationRead:
    """Record a violation; without ``step_taken`` the matrix's step for it is filled in. A control it refers to
    must be one the caller may see."""
    e = get_or_raise(session=session, organisation_id=by.organisation_id, establishment_id=establishment_id)
    if data.occurred_on > today():
        raise ApiError("violation_in_future")
    if data.inspection_id is not None:
        inspection = session.get(Inspection, data.inspection_id)
        if inspection is None or not access.sees(by, inspection):
            raise ApiError("validation_error", detail="inspection_id: unknown inspection")
    matrix = matrices.current(session=session, organisation_id=e.organisation_id, assets_dir=assets_dir)
    earlier = [v.occurred_on for v in violations(session=session, establishment_id=establishment_id)
               if v.category == data.category and v.occurred_on <= data.occurred_on]
    step = matrices.next_step(matrix, data.category, earlier, data.occurred_on)
    v = Violation(id=uuid.uuid4(), establishment_id=establishment_id, occurred_on=data.occurred_on,
                  category=data.category, description=data.description, inspection_id=data.inspection_id,
                  step_taken=data.step_taken.strip() or step.step["nl"], recorded_by=by.user_id,
                  created_at=datetime.now(UTC))
    session.add(v)
    session.flush()
    return next(r for r in violations(session=session, establishment_id=establishment_id) if r.id == v.id)


def next_steps(*, session: Session, assets_dir: Path, establishment: Establishment) -> list[NextStep]:
    """Per category the establishment has violated, the step for a next violation."""
    matrix = matrices.current(session=session, organisation_id=establishment.organisation_id, assets_dir=assets_dir)
    recorded = violations(session=session, establishment_id=establishment.id)
    out = []
    for category in matrix.categories:
        dates = [v.occurred_on for v in recorded if v.category == category.id]
        if dates:
            out.append(matrices.next_step(matrix, category.id, dates, today()))
    return out


def detail(*, session: Session, organisation_id: uuid.UUID, assets_dir: Path,
           establishment_id: uuid.UUID) -> EstablishmentDetail:
    """The establishment with its control history, violations and next enforcement steps."""
    e = get_or_raise(session=session, organisation_id=organisation_id, establishment_id=establishment_id)
    items = history(session=session, establishment=e)
    return EstablishmentDetail(establishment=to_read(e, _last_control(items)), history=items,
                               violations=violations(session=session, establishment_id=e.id),
                               next_steps=next_steps(session=session, assets_dir=assets_dir, establishment=e))
