"""The office lists of issue 13 part A1 use an index for every table that grows with history (PostgreSQL
``EXPLAIN`` with sequential scans discouraged, ``query_plans``): the review queue, Alle signalen, Koppelingen, the
audit trail and the establishments, each on its first page and on a next page through its cursor, with filters."""

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
def history(settings: Settings, base_url: str) -> dict[str, Any]:
    """A few controls of two inspectors, with signals, a verification, shared identifiers and audit entries."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("query plans are checked on PostgreSQL")
    from tests.server.conftest import login

    with httpx.Client(base_url=base_url, timeout=30) as http:
        one, two = login(http, "inspecteur1"), login(http, "inspecteur2")
        ids = [flagged_control(one, passport=n % 2 == 0, started=f"2026-03-0{n + 1}T09:00:00+01:00",
                               neighbourhood="Klarendal" if n % 2 else "Centrum",
                               identifiers=[("phone", "0612345678"), ("vehicle", f"AB-12{n}-C")])
               for n in range(4)]
        ids += [flagged_control(two, passport=True, identifiers=[("phone", "0687654321")]) for _ in range(2)]
        lead = login(http, "teamleider1")
        r = http.post(f"/api/v1/review/inspections/{ids[0]}/verifications", headers=lead.headers,
                      json={"subject_id": "p1", "verdict": "meer_info", "reason": "Navragen."})
        assert r.status_code == 201, r.text
        for iid in ids:
            assert http.get(f"/api/v1/review/inspections/{iid}", headers=lead.headers).status_code == 200
    return {"ids": ids, "inspector": one.user["id"]}


def _pages(http: httpx.Client, device: Device, path: str, **params: Any) -> None:
    """The first page of one row, then the next through its cursor."""
    first = http.get(path, params={**params, "limit": 1}, headers=device.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["items"] and body["next_cursor"], body
    second = http.get(path, params={**params, "limit": 1, "cursor": body["next_cursor"]}, headers=device.headers)
    assert second.status_code == 200, second.text
    assert second.json()["items"] != body["items"]


QUEUE = "/api/v1/review/inspections"


@pytest.mark.parametrize(("who", "path", "params"), [
    ("teamleider1", QUEUE, {}),
    ("ketenregisseur1", QUEUE, {}),
    ("teamleider1", QUEUE, {"level": 2}),
    ("teamleider1", QUEUE, {"status": "finished", "control_type": "pandenactie", "neighbourhood": "centrum",
                            "date_from": "2026-03-01", "date_to": "2026-03-31"}),
    ("teamleider1", "/api/v1/review/signals", {}),
    ("ketenregisseur1", "/api/v1/review/signals", {"open_only": True}),
    ("ketenregisseur1", "/api/v1/links/clusters", {}),
    ("teamleider1", "/api/v1/review/audit", {}),
    ("beheerder1", "/api/v1/review/audit", {}),
])
def test_office_list_pages_use_indexes(history: dict[str, Any], settings: Settings, http: httpx.Client,
                                       login_as: Callable[[str], Device], who: str, path: str,
                                       params: dict[str, Any]) -> None:
    device = login_as(who)
    with query_plans.capture_selects(settings.database_url) as captured:
        _pages(http, device, path, **params)
    query_plans.assert_no_seq_scan(settings.database_url, captured)


def test_queue_of_one_inspector_and_one_control_audit(history: dict[str, Any], settings: Settings,
                                                      http: httpx.Client, login_as: Callable[[str], Device]) -> None:
    lead = login_as("teamleider1")
    with query_plans.capture_selects(settings.database_url) as captured:
        _pages(http, lead, QUEUE, inspector_id=history["inspector"])
        _pages(http, lead, "/api/v1/review/audit", inspection_id=history["ids"][0])
    query_plans.assert_no_seq_scan(settings.database_url, captured)


def test_establishments_list(history: dict[str, Any], settings: Settings, http: httpx.Client,
                             login_as: Callable[[str], Device]) -> None:
    planner = login_as("planner1")
    with query_plans.capture_selects(settings.database_url) as captured:
        r = http.get("/api/v1/establishments", headers=planner.headers)
        assert r.status_code == 200, r.text
    query_plans.assert_no_seq_scan(settings.database_url, captured)
