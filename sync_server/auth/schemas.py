"""Auth wire types live in ``schemas.records`` (LoginRequest, LoginResponse, UserRead); roles here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    INSPECTEUR = "inspecteur"
    TEAMLEIDER = "teamleider"
    PLANNER = "planner"
    KETENREGISSEUR = "ketenregisseur"
    BEHEERDER = "beheerder"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, detached from any session."""

    user_id: UUID
    username: str
    display_name: str
    role: Role
    device_id: UUID
    team_id: UUID
    organisation_id: UUID
    client_id: UUID | None = None  # the tablet's sync client this device is bound to
    must_change_password: bool = False  # a beheerder reset the password: only the password change answers
