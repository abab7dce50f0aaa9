"""Who sees which controls (docs/ARCHITECTURE.md, "Who sees what").

The organisation is the hard boundary: nothing of another organisation is ever read or changed, and asking
for it answers 404 (``not_found``), never 403, so its existence is not confirmed. Within the organisation a
teamleider sees the controls of their own team (the team stamped on the control when it was created), an
inspecteur only their own, and the ketenregisseur, planner and beheerder the whole organisation. Users (and their
devices) likewise: a beheerder manages the users of their own organisation only (``user_or_404``).

This module is the one place where a query is narrowed to an organisation. Every tenant row carries its
``organisation_id`` (inspections, teams and through them users, establishments and through them violations,
planned controls, identifier hashes, blobs and their holders, audit entries and the audit chain, year plans,
handhavingsmatrix versions, purge runs); a feature never writes ``X.organisation_id == ...`` itself but asks:

* ``inspection_clause(user)`` / ``sees`` / ``inspection_or_404``: the controls a caller may see (role rule);
  ``control_clause(user, entity)`` the same rule on a per-control fact table;
* ``in_organisation(Entity, organisation_id)``: rows of any tenant table (or an alias of one) in one organisation,
  for what the organisation as a whole owns (its register, schedule, year plan, audit trail, aggregates);
* ``same_organisation(a, b)``: a join that must not cross organisations (identifier links, a photo's holders);
* ``belongs(row, organisation_id)`` / ``row_or_404``: one row fetched by id, 404 when it is another's;
* ``user_clause(viewer)`` / ``user_or_404``: users through their team.

The clauses are a plain equality on the ``organisation_id`` column, the leading column of the tenant tables'
indexes (``tests/server/test_query_plans_*.py`` checks the plans on PostgreSQL). ``tests/server/test_house.py``
fails when a feature writes an organisation filter by hand.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.errors import ApiError
from sync_server.inspections.models import Inspection
from sync_server.tenancy.models import Organisation, Team

Row = TypeVar("Row")


def inspection_clause(user: Principal) -> ColumnElement[bool]:
    """A WHERE clause admitting exactly the inspections ``user`` may see."""
    return control_clause(user, Inspection)


def control_clause(user: Principal, entity: Any) -> ColumnElement[bool]:
    """``inspection_clause`` for ``entity``: ``Inspection`` or a table that copies a control's organisation, team and
    inspector (``inspections.control_facts``), so a per-control fact row is seen by exactly who sees its control."""
    clause: ColumnElement[bool] = entity.organisation_id == user.organisation_id
    if user.role is Role.TEAMLEIDER:
        return and_(clause, entity.team_id == user.team_id)
    if user.role is Role.INSPECTEUR:
        return and_(clause, entity.inspector_id == user.user_id)
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
    return in_organisation(Team, viewer.organisation_id)


def user_or_404(*, session: Session, viewer: Principal, user_id: uuid.UUID) -> tuple[User, Team]:
    """A user of the viewer's organisation with their team; 404 ``not_found`` otherwise (also another's)."""
    row = session.execute(select(User, Team).join(Team, Team.id == User.team_id)
                          .where(User.id == user_id, user_clause(viewer))).first()
    if row is None:
        raise ApiError("not_found")
    return row[0], row[1]


def in_organisation(entity: Any, organisation_id: Any) -> ColumnElement[bool]:
    """A WHERE clause admitting the rows of ``entity`` (a tenant model, or an alias of one) that belong to
    ``organisation_id`` (an id, or a bound parameter / column standing for one)."""
    clause: ColumnElement[bool] = entity.organisation_id == organisation_id
    return clause


def same_organisation(a: Any, b: Any) -> ColumnElement[bool]:
    """A join condition keeping two tenant rows (models or aliases) within one organisation."""
    clause: ColumnElement[bool] = a.organisation_id == b.organisation_id
    return clause


def belongs(row: Any, organisation_id: uuid.UUID) -> bool:
    """Whether ``row`` (a tenant row, or None) is there and belongs to ``organisation_id``."""
    return row is not None and bool(row.organisation_id == organisation_id)


def row_or_404(*, session: Session, model: type[Row], row_id: Any, organisation_id: uuid.UUID) -> Row:
    """The ``model`` row with primary key ``row_id`` if it belongs to ``organisation_id``; 404 ``not_found``
    otherwise (also when it is another organisation's, so its existence is not confirmed)."""
    found = session.get(model, row_id)
    if not belongs(found, organisation_id):
        raise ApiError("not_found")
    assert found is not None
    return found


def publisher_or_403(*, session: Session, user: Principal, publishing_organisation: str) -> None:
    """Checklists and the indicator catalogue are one for the whole server (every organisation's tablets get them):
    only a beheerder of the publishing organisation (``Settings.publishing_organisation``, its key) publishes them;
    403 ``publish_central_only`` for the others, who may draft and test."""
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None or organisation.key != publishing_organisation:
        raise ApiError("publish_central_only")
