"""Form state of the planner screens, kept apart from Flet so it can be tested without a page.

Each ``*Draft`` holds what the user typed (strings, as the text fields give them) and turns it into an
API body, or into a field -> i18n key map of problems. Dates are typed as dd-mm-jjjj, times as HH:MM
(Europe/Amsterdam wall-clock time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any
from uuid import UUID

from inspectie_app.i18n import parse_date
from schemas.addresses import address_problems, normalise
from schemas.inputs import text_problem
from schemas.planning import EstablishmentCreate, EstablishmentKind, LicenceStatus, ViolationCreate
from schemas.records import Address, PlannedControlRead

TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def parse_time(text: str) -> time | None:
    match = TIME.match(text.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


@dataclass
class AddressDraft:
    street: str = ""
    house_number: str = ""
    addition: str = ""
    postcode: str = ""
    city: str = "Arnhem"
    neighbourhood: str = ""

    def to_address(self) -> tuple[Address | None, dict[str, str]]:
        """The normalised address, or the problems per field (i18n keys)."""
        try:
            address = Address(street=self.street.strip()[:200] or " ", house_number=self.house_number.strip()[:20],
                              addition=self.addition.strip()[:10], postcode=self.postcode.strip()[:7],
                              city=self.city.strip()[:100], neighbourhood=self.neighbourhood.strip()[:100])
        except ValueError:
            unstorable = {k: "invalid_characters" for k, v in vars(self).items() if text_problem(v)}
            return None, unstorable or {"postcode": "invalid_postcode"}
        problems = {k: ("pl_invalid_house_number" if v == "invalid_house_number" else v)
                    for k, v in address_problems(address).items()}
        return (None, problems) if problems else (normalise(address), {})

    @classmethod
    def of(cls, a: Address) -> AddressDraft:
        return cls(a.street, a.house_number, a.addition, a.postcode, a.city, a.neighbourhood)


@dataclass
class ScheduleDraft:
    control_type: str = "pandenactie"
    day: str = ""
    start: str = ""
    duration: str = "120"
    establishment_id: UUID | None = None
    address: AddressDraft = field(default_factory=AddressDraft)
    inspector_ids: list[UUID] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    briefing: str = ""

    @classmethod
    def of(cls, c: PlannedControlRead) -> ScheduleDraft:
        start = c.start_time.strftime("%H:%M") if c.start_time else ""
        return cls(c.control_type, c.scheduled_on.strftime("%d-%m-%Y"), start, str(c.duration_minutes),
                   c.establishment_id, AddressDraft.of(c.address), list(c.inspector_ids), list(c.partners),
                   c.briefing)

    def body(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The POST body for ``/planning/controls``, or the problems per field."""
        problems: dict[str, str] = {}
        day = parse_date(self.day)
        if day is None:
            problems["day"] = "pl_invalid_date"
        start = parse_time(self.start) if self.start.strip() else None
        if self.start.strip() and start is None:
            problems["start"] = "pl_invalid_time"
        duration = int(self.duration) if self.duration.strip().isdigit() else 0
        if not 15 <= duration <= 24 * 60:
            problems["duration"] = "pl_invalid_duration"
        if not self.inspector_ids:
            problems["inspectors"] = "pl_choose_inspector"
        address: Address | None = None
        if self.establishment_id is None:
            address, address_errors = self.address.to_address()
            problems.update({f"address.{k}": v for k, v in address_errors.items()})
        if problems:
            return None, problems
        assert day is not None
        body: dict[str, Any] = {
            "control_type": self.control_type, "scheduled_on": day.isoformat(),
            "start_time": start.strftime("%H:%M") if start else None, "duration_minutes": duration,
            "inspector_ids": [str(i) for i in self.inspector_ids], "partners": list(self.partners),
            "briefing": self.briefing.strip()[:4000],
        }
        if self.establishment_id is not None:
            body["establishment_id"] = str(self.establishment_id)
        else:
            assert address is not None
            body["address"] = address.model_dump(mode="json")
        return body, {}

    def update_body(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The PATCH body (date, time, duration, inspectors, partners, briefing; address unless at an
        establishment)."""
        body, problems = self.body()
        if body is None:
            return None, problems
        keep = ("scheduled_on", "start_time", "duration_minutes", "inspector_ids", "partners", "briefing", "address")
        return {k: v for k, v in body.items() if k in keep}, {}


@dataclass
class EstablishmentDraft:
    name: str = ""
    kind: str = EstablishmentKind.MASSAGESALON.value
    address: AddressDraft = field(default_factory=AddressDraft)
    licence_status: str = LicenceStatus.NONE.value
    licence_number: str = ""
    licence_date: str = ""
    notes: str = ""

    def to_create(self) -> tuple[EstablishmentCreate | None, dict[str, str]]:
        problems: dict[str, str] = {}
        if not self.name.strip():
            problems["name"] = "required_field"
        address, address_errors = self.address.to_address()
        problems.update({f"address.{k}": v for k, v in address_errors.items()})
        licence_date = parse_date(self.licence_date) if self.licence_date.strip() else None
        if self.licence_date.strip() and licence_date is None:
            problems["licence_date"] = "pl_invalid_date"
        if self.licence_status == LicenceStatus.LICENSED.value and not self.licence_number.strip():
            problems["licence_number"] = "pl_licence_number_required"
        if problems:
            return None, problems
        assert address is not None
        return EstablishmentCreate(name=self.name.strip()[:200], kind=EstablishmentKind(self.kind), address=address,
                                   licence_status=LicenceStatus(self.licence_status),
                                   licence_number=self.licence_number.strip()[:60], licence_date=licence_date,
                                   notes=self.notes[:4000]), {}


@dataclass
class ViolationDraft:
    day: str = ""
    category: str = ""
    description: str = ""
    step_taken: str = ""

    def to_create(self, today: date) -> tuple[ViolationCreate | None, dict[str, str]]:
        problems: dict[str, str] = {}
        day = parse_date(self.day)
        if day is None:
            problems["day"] = "pl_invalid_date"
        elif day > today:
            problems["day"] = "violation_in_future"
        if not self.category:
            problems["category"] = "required_field"
        if problems:
            return None, problems
        assert day is not None
        return ViolationCreate(occurred_on=day, category=self.category, description=self.description[:4000],
                               step_taken=self.step_taken.strip()[:200]), {}
