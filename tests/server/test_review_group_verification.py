"""Verifying a group of signals in one request: all or nothing, a verification and an audit entry per signal,
one step in the history; the same role and organisation rules as verifying one signal."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from review_helpers import flagged_control

LoginAs = Callable[[str], Any]
API = "/api/v1/review/inspections"


def _group_control(inspector: Any) -> str:
    """Locked in (EX1 for everyone) with three persons, the first also without a passport: p1 at L2, p2 and p3
    at L1 with the same signals, the premises at L1."""
    return flagged_control(inspector, locked=True, persons=3)


def _verify_entries(http: httpx.Client, lead: Any, iid: str) -> list[dict[str, Any]]:
    trail = http.get("/api/v1/review/audit", params={"inspection_id": iid}, headers=lead.headers).json()["items"]
    return [e for e in trail if e["action"] == "verify"]


def test_group_verification_records_each_signal(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = _group_control(inspector)
    levels = {s["subject_id"]: s["level"] for s in http.get(f"{API}/{iid}/review", headers=lead.headers
                                                            ).json()["signals"]}
    assert levels == {"premises": 1, "p1": 2, "p2": 1, "p3": 1}

    r = http.post(f"{API}/{iid}/verifications/group", headers=lead.headers,
                  json={"subject_ids": ["p2", "p3"], "verdict": "ongegrond", "reason": "Eigen sleutel, vrij vertrek."})
    assert r.status_code == 201, r.text
    body = r.json()
    assert [v["subject_id"] for v in body] == ["p2", "p3"]
    assert all(v["verdict"] == "ongegrond" and v["by"] == "Teamleider Een" for v in body)
    assert len({v["id"] for v in body}) == 2

    state = http.get(f"{API}/{iid}/review", headers=lead.headers).json()
    verdicts = {s["subject_id"]: s["verdict"] for s in state["signals"]}
    assert verdicts == {"premises": None, "p1": None, "p2": "ongegrond", "p3": "ongegrond"}
    assert sorted(v["subject_id"] for v in state["verifications"]) == ["p2", "p3"]
    # one step in the control's history, one audit entry per signal
    [step] = [h for h in state["history"] if h["action"].startswith("verify")]
    assert step["action"] == "verify_group" and step["detail"]["subject_ids"] == ["p2", "p3"]
    assert step["detail"]["verdict"] == "ongegrond" and step["detail"]["group_size"] == 2
    entries = _verify_entries(http, lead, iid)
    assert sorted(e["object_id"] for e in entries) == [f"{iid}:p2", f"{iid}:p3"]
    assert len({e["detail"]["group"] for e in entries}) == 1

    # a person of the group can still be verified on their own afterwards
    r = http.post(f"{API}/{iid}/verifications", headers=lead.headers,
                  json={"subject_id": "p3", "verdict": "meer_info", "reason": "Navragen."})
    assert r.status_code == 201
    state = http.get(f"{API}/{iid}/review", headers=lead.headers).json()
    assert {s["subject_id"]: s["verdict"] for s in state["signals"]}["p3"] == "meer_info"
    assert [h["action"] for h in state["history"]][-2:] == ["verify_group", "verify"]
    row = next(x for x in http.get(API, headers=lead.headers).json()["items"] if x["id"] == iid)
    assert row["signals"] == 4 and row["unverified"] == 3  # premises, p1 and p3 (meer info keeps it open)


def test_group_with_an_unknown_subject_records_nothing(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = _group_control(inspector)
    calm = flagged_control(inspector, persons=2)  # p2 has no signal (level 0)
    for target, ids in ((iid, ["p2", "p9"]), (iid, ["premises", "p1", "nobody"]), (calm, ["p1", "p2"])):
        r = http.post(f"{API}/{target}/verifications/group", headers=lead.headers,
                      json={"subject_ids": ids, "verdict": "gegrond", "reason": "Bevestigd."})
        assert r.status_code == 409 and r.json()["code"] == "no_such_signal", (ids, r.text)
        state = http.get(f"{API}/{target}/review", headers=lead.headers).json()
        assert state["verifications"] == [] and all(s["verdict"] is None for s in state["signals"])
        assert _verify_entries(http, lead, target) == []


def test_group_bad_input(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = _group_control(inspector)
    good = {"subject_ids": ["p2", "p3"], "verdict": "gegrond", "reason": "x"}
    for change in ({"subject_ids": []}, {"subject_ids": ["p2", "p2"]}, {"subject_ids": ["p2", ""]},
                   {"subject_ids": [f"p{n}" for n in range(501)]}, {"subject_ids": ["x" * 65]},
                   {"subject_ids": "p2"}, {"verdict": "misschien"}, {"reason": ""}, {"reason": "x" * 4001},
                   {"subject_id": "p2"}):
        r = http.post(f"{API}/{iid}/verifications/group", headers=lead.headers, json={**good, **change})
        assert r.status_code == 422 and r.json()["code"] == "validation_error", change
    r = http.post(f"{API}/{iid}/verifications/group", headers=lead.headers,
                  json={k: v for k, v in good.items() if k != "reason"})
    assert r.status_code == 422
    assert http.get(f"{API}/{iid}/review", headers=lead.headers).json()["verifications"] == []
    r = http.post(f"{API}/{uuid.uuid4()}/verifications/group", headers=lead.headers, json=good)
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_group_roles_and_organisation(http: httpx.Client, login_as: LoginAs) -> None:
    inspector = login_as("inspecteur1")
    iid = _group_control(inspector)
    url, body = f"{API}/{iid}/verifications/group", {"subject_ids": ["p2", "p3"], "verdict": "gegrond",
                                                     "reason": "x"}
    for username in ("inspecteur1", "planner1", "ketenregisseur1", "beheerder1"):
        who = inspector if username == "inspecteur1" else login_as(username)
        r = http.post(url, json=body, headers=who.headers)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", username
    assert http.post(url, json=body).status_code == 401
    foreign = login_as("teamleider-vb")  # another organisation: the control does not exist for them
    r = http.post(url, json=body, headers=foreign.headers)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    lead = login_as("teamleider1")
    assert http.get(f"{API}/{iid}/review", headers=lead.headers).json()["verifications"] == []
