"""Demo data for development: the fictional demo users and a few planned pandenacties in Arnhem, and a second
fictional organisation (Gemeente Voorbeeldstad) with its own teamleider and inspector, so the boundary
between organisations can be tried."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session

from schemas.records import Address
from sync_server.auth import service as users
from sync_server.auth.schemas import Role
from sync_server.establishments.seed import seed_establishments
from sync_server.planning import service as planning
from sync_server.planning.models import PlannedControl
from sync_server.planning.schemas import PlannedControlCreate
from sync_server.tenancy import service as tenancy

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_USERS = [
    ("inspecteur1", Role.INSPECTEUR, "Inspecteur Een"),
    ("inspecteur2", Role.INSPECTEUR, "Inspecteur Twee"),
    ("teamleider1", Role.TEAMLEIDER, "Teamleider Een"),
    ("planner1", Role.PLANNER, "Planner Een"),
    ("ketenregisseur1", Role.KETENREGISSEUR, "Ketenregisseur Een"),
    ("beheerder1", Role.BEHEERDER, "Beheerder Een"),
]
SECOND_ORGANISATION = ("gemeente-voorbeeldstad", "Gemeente Voorbeeldstad (fictief)", "handhaving",
                       "Team handhaving Voorbeeldstad")
SECOND_ORGANISATION_USERS = [
    ("teamleider-vb", Role.TEAMLEIDER, "Teamleider Voorbeeldstad"),
    ("inspecteur-vb", Role.INSPECTEUR, "Inspecteur Voorbeeldstad"),
]
DEMO_ADDRESSES = [
    Address(street="Voorbeeldstraat", house_number="12", postcode="6811AA", neighbourhood="Centrum"),
    Address(street="Proefweg", house_number="3", postcode="6822BB", neighbourhood="Presikhaaf"),
    Address(street="Oefenlaan", house_number="45a", postcode="6833CC", neighbourhood="Malburgen"),
    Address(street="Testplein", house_number="7", postcode="6844DD", neighbourhood="Rijkerswoerd"),
]
_NAMESPACE = uuid.UUID("5f0c7a4e-1d2b-4c3a-9e8f-0a1b2c3d4e5f")


def seed_demo(*, session: Session, today: date | None = None) -> list[str]:
    """Create whatever demo users and planned controls are missing; returns what was created."""
    created = _users(session, tenancy.DEFAULT_TEAM_ID, DEMO_USERS)
    org_key, org_name, team_key, team_name = SECOND_ORGANISATION
    team = tenancy.get_team(session=session, organisation_key=org_key, team_key=team_key)
    if team is None:
        team, _ = tenancy.create_team(session=session, organisation_key=org_key, team_key=team_key,
                                      team_name=team_name, organisation_name=org_name)
        created.append(f"organisation {org_key}")
    created += _users(session, team.id, SECOND_ORGANISATION_USERS)
    inspector = users.get_by_username(session=session, username="inspecteur1")
    assert inspector is not None
    start = today or date.today()
    for n, address in enumerate(DEMO_ADDRESSES):
        control_id = uuid.uuid5(_NAMESPACE, f"demo-pandenactie-{n}")
        if session.get(PlannedControl, control_id) is not None:
            continue
        data = PlannedControlCreate(control_type="pandenactie", template_id="pandenactie",
                                    scheduled_on=start + timedelta(days=n), address=address,
                                    inspector_ids=[inspector.id], partners=["politie", "brandweer"],
                                    briefing="Fictieve demo-controle.")
        planning.create(session=session, organisation_id=tenancy.DEFAULT_ORGANISATION_ID, data=data,
                        control_id=control_id)
        created.append(f"planned control {address.one_line()}")
    return created + seed_establishments(session=session, organisation_id=tenancy.DEFAULT_ORGANISATION_ID)


def _users(session: Session, team_id: uuid.UUID, wanted: list[tuple[str, Role, str]]) -> list[str]:
    created = []
    for username, role, display in wanted:
        if users.get_by_username(session=session, username=username) is None:
            users.create(session=session, username=username, password=DEMO_PASSWORD, role=role, display_name=display,
                         team_id=team_id)
            created.append(f"user {username}")
    return created
