"""Fictional demo establishments for the planner (part of ``inspectie-server seed-demo``)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from schemas.addresses import address_key
from schemas.planning import EstablishmentKind, LicenceStatus
from schemas.records import Address
from sync_server.establishments.models import Establishment

_NAMESPACE = uuid.UUID("8d3f6a52-0c4e-4b7a-9a61-2f5e8c1d7b90")
DEMO_ESTABLISHMENTS = [
    ("Salon Voorbeeld (fictief)", EstablishmentKind.MASSAGESALON, LicenceStatus.NONE, "", None,
     Address(street="Demoweg", house_number="5", postcode="6811 AC", neighbourhood="Centrum")),
    ("Club Proef (fictief)", EstablishmentKind.SEKSINRICHTING, LicenceStatus.LICENSED, "SI-DEMO-01", date(2025, 3, 1),
     Address(street="Demoweg", house_number="7", addition="A", postcode="6811 AC", neighbourhood="Centrum")),
    ("Eetcafé Oefening (fictief)", EstablishmentKind.HORECA, LicenceStatus.LICENSED, "HOR-DEMO-02", date(2024, 6, 1),
     Address(street="Proefplein", house_number="2", postcode="6822 BC", neighbourhood="Presikhaaf")),
]


def seed_establishments(*, session: Session, organisation_id: uuid.UUID) -> list[str]:
    """Create the demo establishments of ``organisation_id`` that are missing; returns what was created."""
    created = []
    for name, kind, status, number, since, address in DEMO_ESTABLISHMENTS:
        eid = uuid.uuid5(_NAMESPACE, name)
        if session.get(Establishment, eid) is not None:
            continue
        now = datetime.now(UTC)
        session.add(Establishment(id=eid, organisation_id=organisation_id, name=name, kind=kind.value,
                                  address=address.model_dump(mode="json"), address_key=address_key(address),
                                  licence_status=status.value,
                                  licence_number=number, licence_date=since, notes="", active=True,
                                  created_at=now, updated_at=now))
        created.append(f"establishment {name}")
    session.flush()
    return created
