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
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from schemas.pages import Page
from schemas.planning import PlannedControlUpdate
from schemas.records import Address, PlannedControlRead, UserRead
from sync_server import paging
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.catalog import published as catalog
from sync_server.errors import ApiError
from sync_server.establishments import service as establishments
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Inspection
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.planning.schemas import PlannedControlCreate
from sync_server.sync import changes
from sync_server.tenancy import access
from sync_server.tenancy.models import Team

PAST_DAYS = 366
FUTURE_DAYS = 2 * 366


def inspector_ids(*, session: Session, control_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(PlannedControlInspector.user_id).where(PlannedControlInspector.planned_control_id == control_id)
    return sorted(session.scalars(stmt))


def to_read(*, session: Session, control: PlannedControl) -> PlannedControlRead:
    return to_reads(session=session, controls=[control])[0]


def _read(control: PlannedControl, inspectors: list[tuple[uuid.UUID, str]],
          establishment_name: str | None) -> PlannedControlRead:
    return PlannedControlRead(id=control.id, control_type=control.control_type, template_id=control.template_id,
                              scheduled_on=control.scheduled_on, address=Address.model_validate(control.address),
                              inspector_ids=[i for i, _ in inspectors], partners=list(control.partners),
                              briefing=control.briefing, start_time=control.start_time,
                              duration_minutes=control.duration_minutes, establishment_id=control.establishment_id,
                              establishment_name=establishment_name or "",
                              inspector_names=[n for _, n in inspectors], status=control.status)


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
        if row is None or not access.belongs(row, organisation_id):
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
    return access.row_or_404(session=session, model=PlannedControl, row_id=control_id,
                             organisation_id=organisation_id)


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
                                        access.in_organisation(Inspection, organisation_id),
                                        Inspection.status == "finished").exists())


def started_clause(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    """A planned control is under way or done: an inspection of the organisation carries its id."""
    return (select(Inspection.id).where(Inspection.planned_control_id == PlannedControl.id,
                                        access.in_organisation(Inspection, organisation_id)).exists())


def _as_date(value: Any) -> date:
    return date.fromisoformat(paging.as_str(value))


def _as_time(value: Any) -> time:
    return time.fromisoformat(paging.as_str(value))


CONTROL_CURSOR = (_as_date, paging.as_int, _as_time, paging.as_uuid)


def _control_keys() -> list[Any]:
    """The schedule's order: day, all-day controls first, start time, id (a unique sort key for the cursor)."""
    return [PlannedControl.scheduled_on, case((PlannedControl.start_time.is_(None), 0), else_=1),
            func.coalesce(PlannedControl.start_time, time(0)), PlannedControl.id]


def list_controls(*, session: Session, organisation_id: uuid.UUID, start: date | None = None,
                  end: date | None = None, include_cancelled: bool = False, limit: int | None = None,
                  cursor: str | None = None) -> Page[PlannedControlRead]:
    """A page of the organisation's controls in [start, end], soonest first; ``status`` is planned, in_progress,
    done (an inspection carries the control's id) or cancelled. ``limit`` None: all of them."""
    where = [access.in_organisation(PlannedControl, organisation_id)]
    if not include_cancelled:
        where.append(PlannedControl.status != "cancelled")
    if start is not None:
        where.append(PlannedControl.scheduled_on >= start)
    if end is not None:
        where.append(PlannedControl.scheduled_on <= end)
    keys = _control_keys()
    total, exact = paging.capped_count(session, select(PlannedControl.id).where(*where))
    if cursor is not None:
        where.append(paging.after(keys, _decode(cursor)))
    stmt = (select(PlannedControl, done_clause(organisation_id), started_clause(organisation_id))
            .where(*where).order_by(*keys).limit(None if limit is None else limit + 1))
    rows = list(session.execute(stmt))
    more = limit is not None and len(rows) > limit
    rows = rows[:limit]
    reads = to_reads(session=session, controls=[r[0] for r in rows])
    items = [read if control.status == "cancelled" or not started else
             read.model_copy(update={"status": "done" if done else "in_progress"})
             for (control, done, started), read in zip(rows, reads, strict=True)]
    last = rows[-1][0] if more else None
    next_cursor = None if last is None else paging.encode(
        [last.scheduled_on.isoformat(), 0 if last.start_time is None else 1,
         (last.start_time or time(0)).isoformat(), last.id])
    return Page[PlannedControlRead](items=items, next_cursor=next_cursor, total=total, total_is_exact=exact)


def _decode(cursor: str) -> list[Any]:
    day, timed, at, cid = paging.decode(cursor, CONTROL_CURSOR)
    return [day, timed, at, cid]


def to_reads(*, session: Session, controls: list[PlannedControl]) -> list[PlannedControlRead]:
    """``to_read`` of many controls with three queries (inspectors, their names, establishments), not three each."""
    ids = [c.id for c in controls]
    inspectors: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for cid, uid, name in session.execute(
                select(PlannedControlInspector.planned_control_id, User.id, User.display_name)
                .join(User, User.id == PlannedControlInspector.user_id)
                .where(PlannedControlInspector.planned_control_id.in_(chunk))):
            inspectors[cid].append((uid, name))
    est_ids = list({c.establishment_id for c in controls if c.establishment_id is not None})
    names: dict[uuid.UUID, str] = {}
    for chunk in _chunks(est_ids):
        names.update((eid, name) for eid, name in session.execute(
            select(Establishment.id, Establishment.name).where(Establishment.id.in_(chunk))))
    return [_read(c, sorted(inspectors[c.id]), names.get(c.establishment_id) if c.establishment_id else None)
            for c in controls]


def _chunks(ids: list[uuid.UUID], size: int = 500) -> list[list[uuid.UUID]]:
    return [ids[n:n + size] for n in range(0, len(ids), size)]


def list_planned(*, session: Session, organisation_id: uuid.UUID) -> list[PlannedControlRead]:
    """Not-cancelled controls, soonest first."""
    return list_controls(session=session, organisation_id=organisation_id).items


def list_inspectors(*, session: Session, organisation_id: uuid.UUID) -> list[UserRead]:
    """The organisation's active inspecteur accounts, by display name."""
    stmt = (select(User).join(Team, Team.id == User.team_id)
            .where(User.role == Role.INSPECTEUR.value, User.disabled_at.is_(None),
                   access.in_organisation(Team, organisation_id))
            .order_by(User.display_name, User.username))
    return [UserRead(id=u.id, username=u.username, display_name=u.display_name, role=u.role)
            for u in session.scalars(stmt)]
