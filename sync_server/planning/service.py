"""Planned controls: create, list, cancel; each change syncs to the assigned inspectors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import Address, PlannedControlRead
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.errors import ApiError
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.planning.schemas import PlannedControlCreate
from sync_server.sync import changes


def inspector_ids(*, session: Session, control_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(PlannedControlInspector.user_id).where(PlannedControlInspector.planned_control_id == control_id)
    return sorted(session.scalars(stmt))


def to_read(*, session: Session, control: PlannedControl) -> PlannedControlRead:
    return PlannedControlRead(id=control.id, control_type=control.control_type, template_id=control.template_id,
                              scheduled_on=control.scheduled_on, address=Address.model_validate(control.address),
                              inspector_ids=inspector_ids(session=session, control_id=control.id),
                              partners=list(control.partners), briefing=control.briefing)


def create(*, session: Session, data: PlannedControlCreate, control_id: uuid.UUID | None = None) -> PlannedControlRead:
    """Schedule a control and send it to each assigned inspector's devices."""
    for uid in data.inspector_ids:
        user = session.get(User, uid)
        if user is None or user.role != Role.INSPECTEUR:
            raise ApiError("validation_error", detail=f"inspector_ids: {uid} is not an inspecteur")
    changes.lock(session=session)
    control = PlannedControl(id=control_id or uuid.uuid4(), control_type=data.control_type,
                             template_id=data.template_id, scheduled_on=data.scheduled_on,
                             address=data.address.model_dump(mode="json"), partners=data.partners,
                             briefing=data.briefing, created_at=datetime.now(UTC))
    session.add(control)
    session.flush()
    for uid in dict.fromkeys(data.inspector_ids):
        session.add(PlannedControlInspector(planned_control_id=control.id, user_id=uid))
    session.flush()
    read = to_read(session=session, control=control)
    for uid in read.inspector_ids:
        changes.emit(session=session, entity="planned_control", entity_id=str(control.id), scope=f"user:{uid}",
                     data=read.model_dump(mode="json"))
    return read


def cancel(*, session: Session, control_id: uuid.UUID) -> None:
    """Cancel a planned control; it disappears from the inspectors' devices."""
    control = session.get(PlannedControl, control_id)
    if control is None:
        raise ApiError("not_found")
    changes.lock(session=session)
    control.status = "cancelled"
    for uid in inspector_ids(session=session, control_id=control_id):
        changes.emit(session=session, entity="planned_control", entity_id=str(control_id), scope=f"user:{uid}",
                     data=None, op="delete")


def list_planned(*, session: Session) -> list[PlannedControlRead]:
    rows = session.scalars(select(PlannedControl).where(PlannedControl.status == "planned")
                           .order_by(PlannedControl.scheduled_on))
    return [to_read(session=session, control=c) for c in rows]
