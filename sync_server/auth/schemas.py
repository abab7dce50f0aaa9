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
