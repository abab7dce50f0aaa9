"""Planned controls: schedule, move or reassign, cancel, list; every change syncs to the assigned
inspectors' devices (a removed inspector gets a delete).

Tenancy: a control belongs to the planner's organisation; only that organisation's users see it, and only
its inspectors can be assigned (a 422 otherwise, worded the same for an unknown id).

Dates: a control may be scheduled from one year back (registering a control that already took place, so
it counts for the year plan) up to two years ahead; anything else is a typing error. Times are local
Europe/Amsterdam wall-clock times, stored as date + time so a control at 20:00 stays at 20:00 across DST.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from schemas.planning import PlannedControlUpdate
from schemas.records import Address, PlannedControlRead, UserRead
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.catalog import service as catalog
from sync_server.errors import ApiError
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.planning.schemas import PlannedControlCreate
from sync_server.sync import changes
from sync_server.tenancy.models import Team

PAST_DAYS = 366
FUTURE_DAYS = 2 * 366


def inspector_ids(*, session: Session, control_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(PlannedControlInspector.user_id).where(PlannedControlInspector.planned_control_id == control_id)
    return sorted(session.scalars(stmt))


def to_read(*, session: Session, control: PlannedControl) -> PlannedControlRead:
    ids = inspector_ids(session=session, control_id=control.id)
    names = [u.display_name for u in (session.get(User, i) for i in ids) if u is not None]
    est = session.get(Establishment, control.establishment_id) if control.establishment_id else None
    return PlannedControlRead(id=control.id, control_type=control.control_type, template_id=control.template_id,
                              scheduled_on=control.scheduled_on, address=Address.model_validate(control.address),
                              inspector_ids=ids, partners=list(control.partners), briefing=control.briefing,
                              start_time=control.start_time, duration_minutes=control.duration_minutes,
                              establishment_id=control.establishment_id,
                              establishment_name=est.name if est else "", inspector_names=names,
                              status=control.status)


def tablet_data(read: PlannedControlRead) -> dict[str, object]:
    """The sync payload: a schema-1 tablet parses ``Address`` with unknown keys forbidden, so the toevoeging
    travels inside ``house_number`` ("12-A") and the ``addition`` key is left out."""
    data = read.model_dump(mode="json")
    address = dict(data["address"])
    addition = address.pop("addition", "")
    if addition:
        address["house_number"] = f"{address['house_number']}-{addition}"[:20]
    data["address"] = address
    return data


def _emit_put(session: Session, control: PlannedControl, read: PlannedControlRead, users: list[uuid.UUID]) -> None:
    data = tablet_data(read)
    for uid in users:
        changes.emit(session=session, entity="planned_control", entity_id=str(read.id),
                     scope=changes.user_scope(uid, control.organisation_id), data=data)


def _emit_delete(session: Session, control: PlannedControl, users: list[uuid.UUID]) -> None:
    for uid in users:
        changes.emit(session=session, entity="planned_control", entity_id=str(control.id),
                     scope=changes.user_scope(uid, control.organisation_id), data=None, op="delete")


def _check_inspectors(session: Session, organisation_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    """Every id is an inspecteur of ``organisation_id``: ``inspector_other_organisation`` (422) for an id that is
    unknown or of another organisation (the same answer, so no other organisation's user is confirmed),
    ``validation_error`` for a colleague who is not an inspecteur."""
    for uid in ids:
        row = session.execute(select(User.role, Team.organisation_id).join(Team, Team.id == User.team_id)
                              .where(User.id == uid)).first()
        if row is None or row.organisation_id != organisation_id:
            raise ApiError("inspector_other_organisation", detail=f"inspector_ids: {uid}")
        if row.role != Role.INSPECTEUR:
            raise ApiError("validation_error", detail=f"inspector_ids: {uid} is not an inspecteur")


def create(*, session: Session, organisation_id: uuid.UUID, data: PlannedControlCreate,
           control_id: uuid.UUID | None = None) -> PlannedControlRead:
    """Store a control of ``organisation_id`` and send it to each assigned inspector's devices (no date or
    template checks: ``schedule`` does those for the API; the demo seed calls this directly)."""
    _check_inspectors(session, organisation_id, data.inspector_ids)
    address = data.address
    if data.establishment_id is not None:
        address = establishments.to_read(establishments.get_or_raise(
            session=session, organisation_id=organisation_id, establishment_id=data.establishment_id)).address
    assert address is not None
    changes.lock(session=session)
    now = datetime.now(UTC)
    control = PlannedControl(id=control_id or uuid.uuid4(), organisation_id=organisation_id,
                             control_type=data.control_type,
                             template_id=data.template_id, scheduled_on=data.scheduled_on,
                             start_time=data.start_time, duration_minutes=data.duration_minutes,
                             establishment_id=data.establishment_id, address=address.model_dump(mode="json"),
                             partners=data.partners, briefing=data.briefing, created_at=now, updated_at=now)
    session.add(control)
    session.flush()
    for uid in dict.fromkeys(data.inspector_ids):
        session.add(PlannedControlInspector(planned_control_id=control.id, user_id=uid))
    session.flush()
    read = to_read(session=session, control=control)
    _emit_put(session, control, read, read.inspector_ids)
    return read


def check_date(day: date, *, today: date | None = None) -> None:
    """Refuse dates more than a year back or two years ahead (``planning_date_out_of_range``)."""
    now = today or establishments.today()
    if not now - timedelta(days=PAST_DAYS) <= day <= now + timedelta(days=FUTURE_DAYS):
        raise ApiError("planning_date_out_of_range")


def resolve_template(*, session: Session, control_type: str, template_id: str) -> str:
    """The given template if it is published for ``control_type``, else the newest for that type."""
    templates = [t for t in catalog.list_templates(session=session) if t.control_type == control_type]
    if template_id:
        if not any(t.id == template_id for t in templates):
            raise ApiError("unknown_control_type", detail=f"template_id: {template_id} is not a {control_type}")
        return template_id
    if not templates:
        raise ApiError("unknown_control_type", detail=f"control_type: {control_type}")
    return max(templates, key=lambda t: (t.version, t.id)).id


def schedule(*, session: Session, by: Principal, data: PlannedControlCreate) -> PlannedControlRead:
    """Validate (inspectors, date, type -> template, address, partners) and schedule a control in the
    planner's organisation."""
    _check_inspectors(session, by.organisation_id, data.inspector_ids)
    check_date(data.scheduled_on)
    template_id = resolve_template(session=session, control_type=data.control_type, template_id=data.template_id)
    address = establishments.checked_address(data.address) if data.address is not None else None
    partners = _clean_partners(data.partners)
    return create(session=session, organisation_id=by.organisation_id,
                  data=data.model_copy(update={"template_id": template_id, "address": address, "partners": partners}))


def _clean_partners(partners: list[str]) -> list[str]:
    cleaned = [p.strip()[:60] for p in partners if p.strip()]
    return list(dict.fromkeys(cleaned))


def get_or_raise(*, session: Session, organisation_id: uuid.UUID, control_id: uuid.UUID) -> PlannedControl:
    """The control if it is of ``organisation_id``; 404 otherwise."""
    control = session.get(PlannedControl, control_id)
    if control is None or control.organisation_id != organisation_id:
        raise ApiError("not_found")
    return control


def update(*, session: Session, by: Principal, control_id: uuid.UUID, data: PlannedControlUpdate) -> PlannedControlRead:
    """Move, reassign or edit a control; current inspectors get the new version, removed ones a delete."""
    control = get_or_raise(session=session, organisation_id=by.organisation_id, control_id=control_id)
    if control.status == "cancelled":
        raise ApiError("planned_control_cancelled")
    if data.scheduled_on is not None and data.scheduled_on != control.scheduled_on:
        check_date(data.scheduled_on)
    changes.lock(session=session)
    before = inspector_ids(session=session, control_id=control_id)
    _apply_update(session, control, data)
    read = to_read(session=session, control=control)
    _emit_delete(session, control, [u for u in before if u not in read.inspector_ids])
    _emit_put(session, control, read, read.inspector_ids)
    return read


def _apply_update(session: Session, control: PlannedControl, data: PlannedControlUpdate) -> None:
    fields = data.model_fields_set
    for name in ("scheduled_on", "start_time", "duration_minutes", "briefing"):
        if name in fields and (name == "start_time" or getattr(data, name) is not None):
            setattr(control, name, getattr(data, name))
    if data.partners is not None:
        control.partners = _clean_partners(data.partners)
    if data.address is not None:
        control.address = establishments.checked_address(data.address).model_dump(mode="json")
    if data.inspector_ids is not None:
        _check_inspectors(session, control.organisation_id, data.inspector_ids)
        for row in session.scalars(select(PlannedControlInspector)
                                   .where(PlannedControlInspector.planned_control_id == control.id)):
            session.delete(row)
        session.flush()
        for uid in dict.fromkeys(data.inspector_ids):
            session.add(PlannedControlInspector(planned_control_id=control.id, user_id=uid))
    control.updated_at = datetime.now(UTC)
    session.flush()


def cancel(*, session: Session, by: Principal, control_id: uuid.UUID) -> None:
    """Cancel a planned control; it disappears from the inspectors' devices."""
    control = get_or_raise(session=session, organisation_id=by.organisation_id, control_id=control_id)
    changes.lock(session=session)
    control.status = "cancelled"
    control.updated_at = datetime.now(UTC)
    _emit_delete(session, control, inspector_ids(session=session, control_id=control_id))


def done_clause(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    """A planned control is done: a finished inspection of the organisation carries its id."""
    return (select(Inspection.id).where(Inspection.planned_control_id == PlannedControl.id,
                                        Inspection.organisation_id == organisation_id,
                                        Inspection.status == "finished").exists())


def started_clause(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    """A planned control is under way or done: an inspection of the organisation carries its id."""
    return (select(Inspection.id).where(Inspection.planned_control_id == PlannedControl.id,
                                        Inspection.organisation_id == organisation_id).exists())


def progress_states(*, session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Planned control id -> ``done`` (a finished inspection exists) or ``in_progress`` (one was started)."""
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
    """The organisation's controls in [start, end], soonest first; ``status`` is planned, in_progress, done or
    cancelled."""
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


def list_planned(*, session: Session, organisation_id: uuid.UUID) -> list[PlannedControlRead]:
    """Not-cancelled controls, soonest first."""
    return list_controls(session=session, organisation_id=organisation_id)


def list_inspectors(*, session: Session, organisation_id: uuid.UUID) -> list[UserRead]:
    """The organisation's active inspecteur accounts, by display name."""
    stmt = (select(User).join(Team, Team.id == User.team_id)
            .where(User.role == Role.INSPECTEUR.value, User.disabled_at.is_(None),
                   Team.organisation_id == organisation_id)
            .order_by(User.display_name, User.username))
    return [UserRead(id=u.id, username=u.username, display_name=u.display_name, role=u.role)
            for u in session.scalars(stmt)]
