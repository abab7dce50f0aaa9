"""Who records an establishment's violation (issue 12): the code, this test and docs/ARCHITECTURE.md say the same —
planner, teamleider and beheerder record; inspecteur and ketenregisseur get 403. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx

from tests.server.conftest import Device

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "ARCHITECTURE.md"
RECORDERS = {"planner", "teamleider", "beheerder"}
USERS = {"inspecteur": "inspecteur1", "teamleider": "teamleider1", "ketenregisseur": "ketenregisseur1",
         "planner": "planner1", "beheerder": "beheerder1"}


def _documented_recorders() -> set[str]:
    """The roles whose row in the "Who sees what" table says they record violations."""
    rows = [line for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return {row.split("|")[1].strip() for row in rows if "records violations" in row}


def test_the_roles_that_record_violations_are_those_the_docs_name(http: httpx.Client,
                                                                   login_as: Callable[[str], Device]) -> None:
    assert _documented_recorders() == RECORDERS
    planner = login_as("planner1")
    establishment = http.get("/api/v1/establishments", headers=planner.headers).json()[0]
    body = {"occurred_on": date.today().isoformat(), "category": "vergunningvoorschriften", "description": ""}
    answered = {role: http.post(f"/api/v1/establishments/{establishment['id']}/violations", json=body,
                                headers=login_as(user).headers).status_code for role, user in USERS.items()}
    assert {role for role, status in answered.items() if status == 201} == RECORDERS
    assert {role for role, status in answered.items() if status == 403} == set(USERS) - RECORDERS
