"""The aggregates, exports and lists of issue 13 part A2 use an index for every table that grows with history
(PostgreSQL ``EXPLAIN`` with sequential scans discouraged, ``query_plans``): aard en omvang, the uitzendbureaus,
the MDO and RIEC exports, the year plan, Waar kijken we?, the planned controls and the calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from review_helpers import flagged_control

from sync_server.config import Settings
from tests.server import query_plans
from tests.server.conftest import Device


@pytest.fixture(scope="module")
def history(settings: Settings, base_url: str) -> list[str]:
    """Flagged controls with uitzendbureaus and shared identifiers, a verification, a referral, planned controls."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("query plans are checked on PostgreSQL")
    from tests.server.conftest import login

    with httpx.Client(base_url=base_url, timeout=30) as http:
        one = login(http, "inspecteur1")
        ids = [flagged_control(one, passport=n % 2 == 0, started=f"2026-0{n + 1}-03T09:00:00+01:00",
                               identifiers=[("uitzendbureau", f"1234567{n % 2}"), ("phone", "0612345678")])
               for n in range(4)]
        lead = login(http, "teamleider1")
        r = http.post(f"/api/v1/review/inspections/{ids[0]}/verifications", headers=lead.headers,
                      json={"subject_id": "p1", "verdict": "meer_info", "reason": "Navragen."})
        assert r.status_code == 201, r.text
        r = http.post(f"/api/v1/review/inspections/{ids[2]}/referrals", headers=lead.headers,
                      json={"partner": "nla", "note": ""})
        assert r.status_code == 201, r.text
    return ids


@pytest.mark.parametrize(("who", "path", "params"), [
    ("ketenregisseur1", "/api/v1/reporting/overview", {}),
    ("teamleider1", "/api/v1/reporting/overview", {"year": 2026}),
    ("ketenregisseur1", "/api/v1/reporting/agencies", {"limit": 1}),
    ("ketenregisseur1", "/api/v1/reporting/exports/mdo.csv", {}),
    ("ketenregisseur1", "/api/v1/reporting/exports/riec.csv", {}),
    ("ketenregisseur1", "/api/v1/reporting/exports/mdo.xlsx", {}),
    ("planner1", "/api/v1/planning/years/2026", {}),
    ("planner1", "/api/v1/planning/suggestions", {}),
    ("planner1", "/api/v1/planning/controls", {"limit": 1}),
    ("planner1", "/api/v1/planning/controls", {"from": "2026-01-01", "to": "2027-12-31", "limit": 2}),
    ("planner1", "/api/v1/planning/calendar.ics", {}),
])
def test_reporting_and_planning_use_indexes(history: list[str], settings: Settings, http: httpx.Client,
                                            login_as: Callable[[str], Device], who: str, path: str,
                                            params: dict[str, Any]) -> None:
    device = login_as(who)
    with query_plans.capture_selects(settings.database_url) as captured:
        r = http.get(path, params=params, headers=device.headers)
        assert r.status_code == 200, r.text
        body = r.json() if r.headers["content-type"].startswith("application/json") else None
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if cursor:
            nxt = http.get(path, params={**params, "cursor": cursor}, headers=device.headers)
            assert nxt.status_code == 200, nxt.text
    query_plans.assert_no_seq_scan(settings.database_url, captured)
