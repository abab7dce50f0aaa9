"""Planning API: scheduling with time, establishment and partners; moving, reassigning and cancelling
reach the tablets; validation errors; role refusals; the year plan and its targets; the iCalendar export."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

LoginAs = Callable[[str], Any]
AMS = ZoneInfo("Europe/Amsterdam")
TODAY = datetime.now(AMS).date()
CONTROLS = "/api/v1/planning/controls"


def _body(inspectors: list[str], **over: Any) -> dict[str, Any]:
    return {"control_type": "pandenactie", "scheduled_on": (TODAY + timedelta(days=7)).isoformat(),
            "start_time": "19:30", "address": {"street": "Planstraat", "house_number": "4", "addition": "b",
                                                 "postcode": "6811ab", "neighbourhood": "Centrum"},
            "inspector_ids": inspectors, "partners": ["politie", " brandweer ", "politie"],
            "briefing": "Achteringang gebruiken.", **over}


def _planned(device: Any, control_id: str) -> list[dict[str, Any]]:
    return [c for c in device.pull_all() if c["entity"] == "planned_control" and c["entity_id"] == control_id]


def test_schedule_reaches_only_the_assigned_inspector(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one, two = login_as("planner1"), login_as("inspecteur1"), login_as("inspecteur2")
    r = http.post(CONTROLS, json=_body([one.user["id"]]), headers=planner.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["template_id"] == "testpand"  # the type's newest published checklist
    assert body["address"]["postcode"] == "6811 AB" and body["address"]["addition"] == "B"
    assert body["partners"] == ["politie", "brandweer"] and body["start_time"] == "19:30:00"
    assert body["inspector_names"] == ["Inspecteur Een"]
    [change] = _planned(one, body["id"])
    # a schema-1 tablet forbids unknown address keys: the toevoeging travels inside the house number
    assert change["data"]["address"]["house_number"] == "4-B" and "addition" not in change["data"]["address"]
    assert change["data"]["start_time"] == "19:30:00" and change["data"]["briefing"] == "Achteringang gebruiken."
    assert _planned(two, body["id"]) == []


def test_move_reassign_and_cancel_update_the_tablets(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one, two = login_as("planner1"), login_as("inspecteur1"), login_as("inspecteur2")
    cid = http.post(CONTROLS, json=_body([one.user["id"]]), headers=planner.headers).json()["id"]
    new_day = (TODAY + timedelta(days=9)).isoformat()
    r = http.patch(f"{CONTROLS}/{cid}", json={"scheduled_on": new_day, "inspector_ids": [two.user["id"]],
                                              "start_time": None}, headers=planner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["scheduled_on"] == new_day and r.json()["start_time"] is None
    assert [c["op"] for c in _planned(one, cid)] == ["put", "delete"]  # removed inspector: gone from the tablet
    [put] = _planned(two, cid)
    assert put["op"] == "put" and put["data"]["scheduled_on"] == new_day
    r = http.patch(f"{CONTROLS}/{cid}", json={"inspector_ids": [one.user["id"], two.user["id"]]},
                   headers=planner.headers)
    assert r.status_code == 200 and r.json()["scheduled_on"] == new_day  # untouched fields stay
    assert http.delete(f"{CONTROLS}/{cid}", headers=planner.headers).status_code == 204
    assert [c["op"] for c in _planned(two, cid)] == ["put", "put", "delete"]
    listed = [c["id"] for c in http.get(CONTROLS, params={"limit": 200}, headers=planner.headers).json()["items"]]
    assert cid not in listed
    everything = http.get(CONTROLS, params={"include_cancelled": "true", "limit": 200},
                          headers=planner.headers).json()["items"]
    assert [c["status"] for c in everything if c["id"] == cid] == ["cancelled"]
    r = http.patch(f"{CONTROLS}/{cid}", json={"briefing": "x"}, headers=planner.headers)
    assert r.status_code == 409 and r.json()["code"] == "planned_control_cancelled"


@pytest.mark.parametrize(("over", "code"), [
    ({"scheduled_on": (TODAY - timedelta(days=400)).isoformat()}, "planning_date_out_of_range"),
    ({"scheduled_on": (TODAY + timedelta(days=800)).isoformat()}, "planning_date_out_of_range"),
    ({"control_type": "kermis"}, "unknown_control_type"),
    ({"template_id": "bestaat_niet"}, "unknown_control_type"),
    ({"address": {"street": "Planstraat", "house_number": "4", "postcode": "68111AB"}}, "address_invalid"),
    ({"address": {"street": "Planstraat", "house_number": "4", "postcode": "0811 AB"}}, "address_invalid"),
    ({"address": {"street": "Planstraat", "house_number": "vier"}}, "address_invalid"),
    ({"address": {"street": "Planstraat", "house_number": "4", "addition": "b-12"}}, "address_invalid"),
    ({"address": None}, "validation_error"),
    ({"establishment_id": str(uuid.uuid4()), "address": None}, "not_found"),
    ({"inspector_ids": []}, "validation_error"),
    ({"start_time": "25:00"}, "validation_error"),
    ({"duration_minutes": 5}, "validation_error"),
])
def test_schedule_validation(http: httpx.Client, login_as: LoginAs, over: dict[str, Any], code: str) -> None:
    planner, one = login_as("planner1"), login_as("inspecteur1")
    r = http.post(CONTROLS, json=_body([one.user["id"]], **over), headers=planner.headers)
    assert r.status_code in (404, 422) and r.json()["code"] == code, r.text
    assert r.json()["message"]  # a Dutch sentence for the planner


def test_past_dates_within_a_year_are_allowed(http: httpx.Client, login_as: LoginAs) -> None:
    """Registering a control that already took place, so it counts for the year plan."""
    planner, one = login_as("planner1"), login_as("inspecteur1")
    r = http.post(CONTROLS, json=_body([one.user["id"]], scheduled_on=(TODAY - timedelta(days=3)).isoformat()),
                  headers=planner.headers)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    moved = http.patch(f"{CONTROLS}/{cid}", json={"scheduled_on": (TODAY - timedelta(days=500)).isoformat()},
                       headers=planner.headers)
    assert moved.status_code == 422 and moved.json()["code"] == "planning_date_out_of_range"


def test_planning_roles(http: httpx.Client, login_as: LoginAs) -> None:
    one, lead, keten, admin = (login_as(u) for u in ("inspecteur1", "teamleider1", "ketenregisseur1", "beheerder1"))
    body = _body([one.user["id"]])
    for who in (one, lead, keten, admin):
        assert http.post(CONTROLS, json=body, headers=who.headers).status_code == 403
        assert http.patch(f"{CONTROLS}/{uuid.uuid4()}", json={}, headers=who.headers).status_code == 403
        assert http.delete(f"{CONTROLS}/{uuid.uuid4()}", headers=who.headers).status_code == 403
    assert http.get(CONTROLS, headers=one.headers).status_code == 403
    for who in (lead, keten, admin):
        assert http.get(CONTROLS, headers=who.headers).status_code == 200
        assert http.get("/api/v1/planning/calendar.ics", headers=who.headers).status_code == 200
    assert http.get("/api/v1/planning/calendar.ics", headers=one.headers).status_code == 403
    assert http.get(CONTROLS).status_code == 401
    assert http.get("/api/v1/planning/suggestions", headers=one.headers).status_code == 403
    assert http.get("/api/v1/planning/suggestions", headers=admin.headers).status_code == 403
    planner = login_as("planner1")
    r = http.patch(f"{CONTROLS}/{uuid.uuid4()}", json={"briefing": "x"}, headers=planner.headers)
    assert r.status_code == 404


def test_year_plan_targets_and_progress(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one, lead, admin = (login_as(u) for u in ("planner1", "inspecteur1", "teamleider1", "beheerder1"))
    year = TODAY.year
    url = f"/api/v1/planning/years/{year}"
    plan = http.get(url, headers=lead.headers).json()
    assert plan["targets"]["pandenacties"] == 6 and plan["targets"]["integrale_controles"] == 2
    before = {p["key"]: p for p in plan["progress"]}
    # a planned pandenactie, carried out and finished on the tablet
    cid = http.post(CONTROLS, json=_body([one.user["id"]], scheduled_on=TODAY.isoformat()),
                    headers=planner.headers).json()["id"]
    iid, create = one.create_inspection(planned_control_id=cid)
    finish = one.mutation("inspection.finish.v1", iid, {"finished_at": datetime.now(AMS).isoformat()})
    assert one.push([create, finish]).json()["rejections"] == []
    after = {p["key"]: p for p in http.get(url, headers=planner.headers).json()["progress"]}
    assert after["pandenacties"]["done"] == before["pandenacties"]["done"] + 1
    listed = {c["id"]: c["status"]
              for c in http.get(CONTROLS, params={"limit": 200}, headers=planner.headers).json()["items"]}
    assert listed[cid] == "done"
    targets = {"pandenacties": 8, "integrale_controles": 3, "kwetsbare_branches": ["massagesalon"],
               "seksinrichtingen_jaarlijks": False}
    assert http.put(f"{url}/targets", json=targets, headers=lead.headers).status_code == 403
    assert http.put(f"{url}/targets", json=targets, headers=one.headers).status_code == 403
    r = http.put(f"{url}/targets", json=targets, headers=admin.headers)
    assert r.status_code == 200 and r.json()["targets"]["pandenacties"] == 8 and r.json()["updated_by"] == "beheerder1"
    assert [p["key"] for p in r.json()["progress"]] == ["pandenacties", "integrale_controles"]
    r = http.put(f"{url}/targets", json={**targets, "pandenacties": -1}, headers=planner.headers)
    assert r.status_code == 422
    next_year = http.get(f"/api/v1/planning/years/{year + 1}", headers=planner.headers).json()
    assert next_year["targets"]["pandenacties"] == 6
    assert http.get("/api/v1/planning/years/1900", headers=planner.headers).status_code == 422


def test_calendar_export_in_amsterdam_time(http: httpx.Client, login_as: LoginAs) -> None:
    planner, one = login_as("planner1"), login_as("inspecteur1")
    summer, winter = date(TODAY.year + 1, 7, 1), date(TODAY.year + 1, 1, 15)
    ids = {}
    for day, when in ((summer, "summer"), (winter, "winter")):
        r = http.post(CONTROLS, json=_body([one.user["id"]], scheduled_on=day.isoformat(), start_time="19:30",
                                           duration_minutes=90), headers=planner.headers)
        assert r.status_code == 201, r.text
        ids[when] = r.json()["id"]
    allday = http.post(CONTROLS, json=_body([one.user["id"]], start_time=None), headers=planner.headers).json()["id"]
    r = http.get("/api/v1/planning/calendar.ics", headers=planner.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert any(str(tz["tzid"]) == "Europe/Amsterdam" for tz in cal.walk("VTIMEZONE"))
    start = events[ids["summer"]].decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=2) and (start.hour, start.minute) == (19, 30)  # CEST
    assert events[ids["summer"]].decoded("dtend") - start == timedelta(minutes=90)
    assert events[ids["winter"]].decoded("dtstart").utcoffset() == timedelta(hours=1)  # CET
    assert "Planstraat 4-B" in str(events[ids["summer"]]["location"])
    # partners and the control type in words, not as codes (schemas.texts)
    assert "Partners: Politie, Brandweer" in str(events[ids["summer"]]["description"])
    assert str(events[ids["summer"]]["summary"]).startswith("Pandenactie: ")
    assert isinstance(events[allday].decoded("dtstart"), date)
    assert not isinstance(events[allday].decoded("dtstart"), datetime)
