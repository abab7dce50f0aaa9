"""The beheerder's forms for a new user, a new team and a move, as plain state: what was typed, and what is wrong
with it (a catalogue key per field), checked before anything is sent. The server checks again (a username that
exists, a team code that exists); its refusal lands on the field it is about (``FIELD_OF_CODE``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.accounts import RoleName

ROLES: tuple[RoleName, ...] = ("inspecteur", "teamleider", "planner", "ketenregisseur", "beheerder")
TEAM_KEY = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
PAGE_SIZE = 50  # users shown at once; more: search or choose a team
FIELD_OF_CODE = {"username_taken": "username", "username_invalid": "username", "display_name_invalid": "display_name",
                 "team_key_invalid": "key", "team_exists": "key"}


@dataclass
class NewUserDraft:
    username: str = ""
    display_name: str = ""
    role: str = ""
    team_id: str = ""

    def problems(self) -> dict[str, str]:
        """Field -> catalogue key of what is wrong; empty when it may be sent."""
        found: dict[str, str] = {}
        if not self.username.strip():
            found["username"] = "field_required"
        if not self.display_name.strip():
            found["display_name"] = "field_required"
        if self.role not in ROLES:
            found["role"] = "choose_role"
        if not self.team_id:
            found["team"] = "choose_team"
        return found


@dataclass
class NewTeamDraft:
    key: str = ""
    name: str = ""

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.key.strip():
            found["key"] = "field_required"
        elif not TEAM_KEY.match(self.key.strip()):
            found["key"] = "team_key_format"
        if not self.name.strip():
            found["name"] = "field_required"
        return found


@dataclass
class UserFilter:
    """The list's search: text in the username or name, and one team (empty: all)."""

    query: str = ""
    team_id: str = ""
