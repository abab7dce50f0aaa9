"""Users and their devices as the beheerder manages them (``/api/v1/admin``), and the password change every user
can make (``POST /api/v1/auth/password``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from schemas.inputs import InputModel

PASSWORD_MIN_LENGTH = 10


class PasswordChange(InputModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class DeviceState(StrEnum):
    ACTIVE = "active"  # its token works
    EXPIRED = "expired"  # unused too long or too old: the user logs in again on it
    ENDED = "ended"  # logged out, or its user was disabled or got a new password
    REVOKED = "revoked"  # revoked by a beheerder; the tablet has not yet confirmed that it wiped itself
    WIPED = "wiped"  # revoked, and the tablet confirmed it wiped its data


class DeviceRead(BaseModel):
    id: UUID
    name: str
    client_id: UUID | None
    created_at: datetime
    last_seen: datetime | None
    expires_at: datetime | None  # for an active device: when its token expires unless it is used
    app_schema_version: int | None  # the sync schema version of the app, once it synced
    state: DeviceState
    revoked_at: datetime | None
    wiped_at: datetime | None
    handed_over: int = 0  # changes this revoked device handed over before wiping (kept in quarantine)


class AccountRead(BaseModel):
    id: UUID
    username: str
    display_name: str
    role: str
    team: str
    disabled: bool
    must_change_password: bool
    devices: list[DeviceRead]


class PasswordResetRead(BaseModel):
    """A reset password: shown once to the beheerder, who hands it to the user; it works for one login, after which
    the user must choose their own."""

    account: AccountRead
    temporary_password: str


RoleName = Literal["inspecteur", "teamleider", "planner", "ketenregisseur", "beheerder"]


class TeamRead(BaseModel):
    """A team of the beheerder's organisation, with how many users it has."""

    id: UUID
    key: str
    name: str
    users: int


class TeamCreate(InputModel):
    """A new team in the beheerder's own organisation: a key (letters, digits, '-' and '_') and a name."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=200)


class UserCreate(InputModel):
    """A new user in a team of the beheerder's organisation; the server makes a temporary password, shown once."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=200)
    display_name: str = Field(min_length=1, max_length=200)
    role: RoleName
    team_id: UUID


class UserMove(InputModel):
    """Move a user to another team of the same organisation."""

    model_config = ConfigDict(extra="forbid")

    team_id: UUID


class UserCreated(BaseModel):
    """A new user: shown once with the temporary password the beheerder hands over; the user chooses their own at
    the first login."""

    account: AccountRead
    temporary_password: str
