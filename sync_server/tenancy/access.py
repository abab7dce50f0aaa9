"""Who sees which controls (docs/ARCHITECTURE.md, "Who sees what").

The organisation is the hard boundary: nothing of another organisation is ever read or changed, and asking
for it answers 404 (``not_found``), never 403, so its existence is not confirmed. Within the organisation a
teamleider sees the controls of their own team (the team stamped on the control when it was created), an
inspecteur only their own, and the ketenregisseur, planner and beheerder the whole organisation. Users (and their
devices) likewise: a beheerder manages the users of their own organisation only (``user_or_404``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.errors import ApiError
from sync_server.inspections.models import Inspection
from sync_server.tenancy.models import Team


def inspection_clause(user: Principal) -> ColumnElement[bool]:
    """A WHERE clause admitting exactly the inspections ``user`` may see."""
    clause = Inspection.organisation_id == user.organisation_id
    if user.role is Role.TEAMLEIDER:
        return and_(clause, Inspection.team_id == user.team_id)
    if user.role is Role.INSPECTEUR:
        return and_(clause, Inspection.inspector_id == user.user_id)
    return clause


def sees(user: Principal, inspection: Inspection) -> bool:
    """Whether ``user`` may see ``inspection`` (the same rule as ``inspection_clause``)."""
    if inspection.organisation_id != user.organisation_id:
        return False
    if user.role is Role.TEAMLEIDER:
        return inspection.team_id == user.team_id
    if user.role is Role.INSPECTEUR:
        return inspection.inspector_id == user.user_id
    return True


def inspection_or_404(*, session: Session, user: Principal, inspection_id: uuid.UUID) -> Inspection:
    """The inspection if ``user`` may see it; 404 ``not_found`` otherwise (also when it is another's)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not sees(user, inspection):
        raise ApiError("not_found")
    return inspection


def user_clause(viewer: Principal) -> ColumnElement[bool]:
    """A WHERE clause (joined with ``Team``) admitting the users of the viewer's organisation."""
    return Team.organisation_id == viewer.organisation_id


def user_or_404(*, session: Session, viewer: Principal, user_id: uuid.UUID) -> tuple[User, Team]:
    """A user of the viewer's organisation with their team; 404 ``not_found`` otherwise (also another's)."""
    row = session.execute(select(User, Team).join(Team, Team.id == User.team_id)
                          .where(User.id == user_id, user_clause(viewer))).first()
    if row is None:
        raise ApiError("not_found")
    return row[0], row[1]
