"""Establishments register, control history, violations and the handhavingsmatrix's next step; the
matrix edited by the beheerder; the PDOK address lookup from a recorded response; ranking over the API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from sync_server.app import create_app
from sync_server.config import Settings

LoginAs = Callable[[str], Any]
TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
EST = "/api/v1/establishments"
PDOK_FILE = Path(__file__).with_name("pdok_free_response.json")


def _est(name: str, number: str, **over: Any) -> dict[str, Any]:
    return {"name": name, "kind": "seksinrichting", "licence_status": "vergund", "licence_number": "SI-2026-001",
            "licence_date": "2026-01-05",
            "address": {"street": "Registerweg", "house_number": number, "postcode": "6822 BB"}, **over}


def test_register_and_roles(http: httpx.Client, login_as: LoginAs) -> None:
    planner, lead, keten, admin, one = (login_as(u) for u in
                                        ("planner1", "teamleider1", "ketenregisseur1", "beheerder1", "inspecteur1"))
    r = http.post(EST, json=_est("Club Fictief", "1"), headers=planner.headers)
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert r.json()["address"]["postcode"] == "6822 BB" and r.json()["last_control_on"] is None
    for who in (lead, keten, one):
        assert http.post(EST, json=_est("X", "2"), headers=who.headers).status_code == 403
        assert http.put(f"{EST}/{eid}", json=_est("X", "2"), headers=who.headers).status_code == 403
    assert http.get(EST, headers=one.headers).status_code == 403
    for who in (planner, lead, keten, admin):
        assert eid in [e["id"] for e in http.get(EST, headers=who.headers).json()]
    changed = http.put(f"{EST}/{eid}", json=_est("Club Fictief", "1", licence_status="ingetrokken"),
                       headers=admin.headers)
    assert changed.status_code == 200 and changed.json()["licence_status"] == "ingetrokken"
    only_horeca = http.get(EST, params={"kind": "horeca"}, headers=planner.headers).json()
    assert eid not in [e["id"] for e in only_horeca]
    assert http.get(f"{EST}/{uuid.uuid4()}", headers=planner.headers).status_code == 404


@pytest.mark.parametrize(("over", "code"), [
    ({"licence_number": ""}, "validation_error"),  # vergund needs a licence number
    ({"kind": "casino"}, "validation_error"),
    ({"address": {"street": "Registerweg", "house_number": "1", "postcode": "6822 SA"}}, "address_invalid"),
    ({"name": ""}, "validation_error"),
])
def test_register_validation(http: httpx.Client, login_as: LoginAs, over: dict[str, Any], code: str) -> None:
    r = http.post(EST, json={**_est("Y", "3"), **over}, headers=login_as("planner1").headers)
    assert r.status_code == 422 and r.json()["code"] == code, r.text


def test_history_violations_and_next_step(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one, lead = login_as("planner1"), login_as("inspecteur1"), login_as("teamleider1")
    eid = http.post(EST, json=_est("Salon Voorbeeld", "10", kind="massagesalon", licence_status="geen",
                                   licence_number=""), headers=planner.headers).json()["id"]
    plan = {"control_type": "pandenactie", "scheduled_on": TODAY.isoformat(), "establishment_id": eid,
            "inspector_ids": [one.user["id"]], "partners": ["politie"]}
    r = http.post("/api/v1/planning/controls", json=plan, headers=planner.headers)
    assert r.status_code == 201, r.text
    cid = r.json()
    assert cid["address"]["street"] == "Registerweg" and cid["establishment_name"] == "Salon Voorbeeld"
    iid, create = one.create_inspection(planned_control_id=cid["id"],
                                        address={"street": "Registerweg", "house_number": "10"})
    finish = one.mutation("inspection.finish.v1", iid, {"finished_at": datetime.now(ZoneInfo("UTC")).isoformat()})
    assert one.push([create, finish]).json()["rejections"] == []
    url = f"{EST}/{eid}/violations"
    v1 = {"occurred_on": (TODAY - timedelta(days=40)).isoformat(), "category": "vergunningvoorschriften",
          "description": "Geen register aanwezig.", "inspection_id": iid}
    r = http.post(url, json=v1, headers=lead.headers)
    assert r.status_code == 201, r.text
    assert r.json()["step_taken"] == "Schriftelijke waarschuwing met hersteltermijn"
    r = http.post(url, json={**v1, "occurred_on": TODAY.isoformat(), "step_taken": "Gesprek met exploitant"},
                  headers=planner.headers)
    assert r.status_code == 201 and r.json()["step_taken"] == "Gesprek met exploitant"
    detail = http.get(f"{EST}/{eid}", headers=planner.headers).json()
    assert [h["status"] for h in detail["history"]] == ["finished"]
    assert detail["history"][0]["planned_control_id"] == cid["id"]
    assert detail["establishment"]["last_control_on"] == TODAY.isoformat()
    assert [v["recorded_by"] for v in detail["violations"]] == ["Planner Een", "Teamleider Een"]
    [step] = detail["next_steps"]
    assert (step["prior_violations"], step["step_number"]) == (2, 3)
    assert step["step"]["nl"] == "Schorsing van de vergunning"
    bad = [({**v1, "category": "onbekend"}, 422), ({**v1, "occurred_on": (TODAY + timedelta(days=2)).isoformat()},
                                                   422), ({**v1, "inspection_id": str(uuid.uuid4())}, 422)]
    for body, status in bad:
        assert http.post(url, json=body, headers=planner.headers).status_code == status
    assert http.post(url, json=v1, headers=one.headers).status_code == 403
    assert http.post(url, json=v1, headers=login_as("ketenregisseur1").headers).status_code == 403
    assert http.post(f"{EST}/{uuid.uuid4()}/violations", json=v1, headers=planner.headers).status_code == 404


def test_matrix_edit_by_beheerder(http: httpx.Client, login_as: LoginAs) -> None:
    admin, planner = login_as("beheerder1"), login_as("planner1")
    url = "/api/v1/enforcement-matrix"
    current = http.get(url, headers=planner.headers).json()
    assert current["version"] >= 1 and any(c["id"] == "brandveiligheid" for c in current["categories"])
    edited = {**current, "categories": [*current["categories"], {
        "id": "geluidsoverlast", "label": {"nl": "Geluidsoverlast", "en": "Noise"},
        "steps": [{"nl": "Waarschuwing", "en": "Warning"}, {"nl": "Sluiting", "en": "Closure"}]}]}
    assert http.put(url, json=edited, headers=planner.headers).status_code == 403
    r = http.put(url, json=edited, headers=admin.headers)
    assert r.status_code == 200 and r.json()["version"] == current["version"] + 1
    assert http.get(url, headers=planner.headers).json()["version"] == current["version"] + 1
    dupes = {**current, "categories": current["categories"] * 2}
    missing_en = {**current, "categories": [{"id": "x", "label": {"nl": "X"}, "steps": [{"nl": "a", "en": "a"}]}]}
    no_steps = {**current, "categories": [{"id": "x", "label": {"nl": "X", "en": "X"}, "steps": []}]}
    for body in (dupes, missing_en, no_steps, {**current, "lookback_months": 0}):
        r = http.put(url, json=body, headers=admin.headers)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", r.text
    assert http.get(url, headers=login_as("inspecteur1").headers).status_code == 403


def test_suggestions_over_the_api(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one = login_as("planner1"), login_as("inspecteur1")
    http.post(EST, json=_est("Club Nooit Gezien", "77"), headers=planner.headers)
    iid, create = one.create_inspection(address={"street": "Signaalstraat", "house_number": "3",
                                                 "postcode": "6833 CC"})
    batch = [create, one.mutation("answer.set.v1", iid, {"person_id": None, "question_id": "locked_in",
                                                         "value": True}),
             one.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-03T12:00:00Z"})]
    assert one.push(batch).json()["rejections"] == []
    ranked = http.get("/api/v1/planning/suggestions", headers=planner.headers).json()
    by_key = {s["key"]: s for s in ranked}
    never = by_key["6822BB|77"]
    assert {r["code"] for r in never["reasons"]} >= {"never_controlled", "licence_due", "vulnerable_branch"}
    signal = by_key["6833CC|3"]
    assert {r["code"] for r in signal["reasons"]} >= {"signal_level", "open_signals"}
    assert [s["score"] for s in ranked] == sorted((s["score"] for s in ranked), reverse=True)
    assert all(s["score"] == sum(r["points"] for r in s["reasons"]) for s in ranked)
    lead = login_as("teamleider1")
    verdict = {"subject_id": "premises", "verdict": "meer_info", "reason": "Navragen bij de politie."}
    url = f"/api/v1/review/inspections/{iid}/verifications"
    assert http.post(url, json=verdict, headers=lead.headers).status_code == 201
    ranked = {s["key"]: s for s in http.get("/api/v1/planning/suggestions", headers=lead.headers).json()}
    assert "open_signals" in {r["code"] for r in ranked["6833CC|3"]["reasons"]}  # meer info: still open
    assert http.post(url, json={**verdict, "verdict": "gegrond"}, headers=lead.headers).status_code == 201
    ranked = {s["key"]: s for s in http.get("/api/v1/planning/suggestions", headers=planner.headers).json()}
    assert "open_signals" not in {r["code"] for r in ranked["6833CC|3"]["reasons"]}
    assert "signal_level" in {r["code"] for r in ranked["6833CC|3"]["reasons"]}  # the history still counts


async def test_pdok_lookup_recorded_and_offline(settings: Settings) -> None:
    seen: list[httpx.URL] = []

    def recorded(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=json.loads(PDOK_FILE.read_text(encoding="utf-8")))

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)

    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        login = await client.post("/api/v1/auth/login", json={"username": "planner1", "password": "demo-wachtwoord"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        app.state.pdok_transport = httpx.MockTransport(recorded)
        r = await client.get("/api/v1/addresses/lookup", params={"q": "Voorbeeldstraat 12"}, headers=headers)
        assert r.status_code == 200, r.text
        first, second = r.json()
        assert first == {"street": "Voorbeeldstraat", "house_number": "12", "addition": "A2", "postcode": "6811 AA",
                         "city": "Arnhem", "neighbourhood": "Centrum"}
        assert second["house_number"] == "14" and second["addition"] == ""
        assert seen[0].host == "api.pdok.nl" and seen[0].params["q"] == "Voorbeeldstraat 12"
        assert "gemeentenaam:Arnhem" in seen[0].params["fq"]
        app.state.pdok_transport = httpx.MockTransport(offline)
        r = await client.get("/api/v1/addresses/lookup", params={"q": "Voorbeeldstraat 12"}, headers=headers)
        assert r.status_code == 503 and r.json()["code"] == "address_lookup_unavailable"
        app.state.pdok_transport = httpx.MockTransport(lambda req: httpx.Response(200, text="<html>"))
        r = await client.get("/api/v1/addresses/lookup", params={"q": "Voorbeeldstraat 12"}, headers=headers)
        assert r.status_code == 503
        assert (await client.get("/api/v1/addresses/lookup", params={"q": "ab"}, headers=headers)).status_code == 422
        login = await client.post("/api/v1/auth/login", json={"username": "inspecteur1",
                                                              "password": "demo-wachtwoord"})
        other = {"Authorization": f"Bearer {login.json()['token']}"}
        r = await client.get("/api/v1/addresses/lookup", params={"q": "Voorbeeldstraat"}, headers=other)
        assert r.status_code == 403
    app.state.engine.dispose()
