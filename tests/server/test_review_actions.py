"""Verify, refer, comment (to the tablet), review state and history, audit trail, signals, role refusals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from review_helpers import flagged_control

LoginAs = Callable[[str], Any]
API = "/api/v1/review/inspections"


def test_team_lead_verifies_refers_and_comments(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = flagged_control(inspector)
    state = http.get(f"{API}/{iid}/review", headers=lead.headers).json()
    [signal] = state["signals"]
    assert signal["subject_id"] == "p1" and signal["level"] == 2 and signal["verdict"] is None
    assert signal["label"] == "Persoon 1"

    r = http.post(f"{API}/{iid}/verifications", headers=lead.headers,
                  json={"subject_id": "p1", "verdict": "meer_info", "reason": "Navragen bij de werkgever."})
    assert r.status_code == 201, r.text
    r = http.post(f"{API}/{iid}/verifications", headers=lead.headers,
                  json={"subject_id": "p1", "verdict": "gegrond", "reason": "Paspoort ligt bij de werkgever."})
    assert r.status_code == 201 and r.json()["by"] == "Teamleider Een"
    r = http.post(f"{API}/{iid}/referrals", headers=lead.headers, json={"partner": "politie_avim", "note": "Spoed"})
    assert r.status_code == 201 and r.json()["partner"] == "politie_avim"
    r = http.post(f"{API}/{iid}/comments", headers=lead.headers, json={"body": "Goed gezien, dank je."})
    assert r.status_code == 201
    comment = r.json()

    state = http.get(f"{API}/{iid}/review", headers=lead.headers).json()
    [signal] = state["signals"]
    assert signal["verdict"] == "gegrond" and signal["referrals"] == ["politie_avim"] and not signal["overdue"]
    assert [v["verdict"] for v in state["verifications"]] == ["meer_info", "gegrond"]
    assert [c["body"] for c in state["comments"]] == ["Goed gezien, dank je."]
    actions = [h["action"] for h in state["history"]]
    assert actions[:3] == ["started", "finished", "received"]
    assert actions[3:] == ["verify", "verify", "refer", "comment"]

    # the comment reaches the inspector's devices, nobody else's
    changes = [c for c in inspector.pull_all() if c["entity"] == "comment"]
    assert [c["data"] for c in changes if c["entity_id"] == comment["id"]] == [{
        "id": comment["id"], "inspection_id": iid, "author_name": "Teamleider Een", "author_role": "teamleider",
        "body": "Goed gezien, dank je.", "created_at": comment["created_at"]}]
    other = login_as("inspecteur2")
    assert [c for c in other.pull_all() if c["entity"] == "comment"] == []

    # queue row: verified, nothing open
    rows = {r["id"]: r for r in http.get(API, headers=lead.headers).json()["items"]}
    assert rows[iid]["signals"] == 1 and rows[iid]["unverified"] == 0


def test_verify_bad_input(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    clean = flagged_control(inspector, passport=False)
    r = http.post(f"{API}/{clean}/verifications", headers=lead.headers,
                  json={"subject_id": "p1", "verdict": "gegrond", "reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "no_such_signal"
    r = http.post(f"{API}/{clean}/referrals", headers=lead.headers, json={"partner": "riec"})
    assert r.status_code == 409
    iid = flagged_control(inspector)
    for body in ({"subject_id": "p1", "verdict": "misschien", "reason": "x"},
                 {"subject_id": "p1", "verdict": "gegrond", "reason": ""},
                 {"subject_id": "p1", "verdict": "gegrond"}):
        r = http.post(f"{API}/{iid}/verifications", headers=lead.headers, json=body)
        assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = http.post(f"{API}/{iid}/referrals", headers=lead.headers, json={"partner": "buurman"})
    assert r.status_code == 422
    r = http.post(f"{API}/{iid}/comments", headers=lead.headers, json={"body": ""})
    assert r.status_code == 422
    missing = uuid.uuid4()
    for path, body in (("verifications", {"subject_id": "p1", "verdict": "gegrond", "reason": "x"}),
                       ("referrals", {"partner": "riec"}), ("comments", {"body": "x"})):
        r = http.post(f"{API}/{missing}/{path}", headers=lead.headers, json=body)
        assert r.status_code == 404
    assert http.get(f"{API}/{missing}/review", headers=lead.headers).status_code == 404


def test_role_refusals(http: httpx.Client, login_as: LoginAs) -> None:
    inspector = login_as("inspecteur1")
    iid = flagged_control(inspector)
    acts = [("post", f"{API}/{iid}/verifications", {"subject_id": "p1", "verdict": "gegrond", "reason": "x"}),
            ("post", f"{API}/{iid}/referrals", {"partner": "riec"}),
            ("post", f"{API}/{iid}/comments", {"body": "x"})]
    reads = [("get", API, None), ("get", f"{API}/{iid}", None), ("get", f"{API}/{iid}/review", None),
             ("get", f"{API}/{iid}/report.pdf", None), ("get", "/api/v1/review/signals", None)]
    for username in ("inspecteur1", "planner1", "ketenregisseur1", "beheerder1"):
        who = inspector if username == "inspecteur1" else login_as(username)
        for method, url, body in acts:
            r = http.request(method, url, json=body, headers=who.headers)
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (username, url)
    for username in ("inspecteur1", "planner1"):
        who = inspector if username == "inspecteur1" else login_as(username)
        for method, url, body in reads:
            assert http.request(method, url, json=body, headers=who.headers).status_code == 403, (username, url)
    for method, url, _body in acts + reads:
        assert http.request(method, url).status_code == 401
    keten = login_as("ketenregisseur1")
    for _method, url, _body in reads:
        assert http.get(url, headers=keten.headers).status_code == 200, url
    assert http.get("/api/v1/review/audit", headers=keten.headers).status_code == 403
    assert http.get("/api/v1/review/audit", headers=login_as("beheerder1").headers).status_code == 200


def test_signals_overview_and_audit_trail(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead, keten = login_as("inspecteur1"), login_as("teamleider1"), login_as("ketenregisseur1")
    old = flagged_control(inspector, started="2020-01-06T09:00:00+01:00")
    fresh = flagged_control(inspector)
    signals = http.get("/api/v1/review/signals", headers=keten.headers).json()["items"]
    mine = {s["inspection_id"]: s for s in signals if s["inspection_id"] in {old, fresh}}
    assert set(mine) == {old, fresh}
    # both finished on 02-03-2026, longer ago than the 5 days the setting allows: red
    assert all(s["verdict"] is None and s["overdue"] and s["age_days"] > 5 for s in mine.values())
    assert [s["overdue"] for s in signals] == sorted((s["overdue"] for s in signals), reverse=True)
    http.post(f"{API}/{fresh}/verifications", headers=lead.headers,
              json={"subject_id": "p1", "verdict": "ongegrond", "reason": "Paspoort in eigen kluisje."})
    open_ids = {s["inspection_id"] for s in http.get("/api/v1/review/signals", params={"open_only": True},
                                                       headers=keten.headers).json()["items"]}
    assert fresh not in open_ids and old in open_ids

    assert http.get(f"{API}/{fresh}", headers=keten.headers).status_code == 200
    trail = http.get("/api/v1/review/audit", params={"inspection_id": fresh}, headers=lead.headers).json()["items"]
    assert [(e["username"], e["action"]) for e in trail[:2]] == [("ketenregisseur1", "read_detail"),
                                                                  ("teamleider1", "verify")]
    # reads are audited but are not steps in the control's history
    history = http.get(f"{API}/{fresh}/review", headers=lead.headers).json()["history"]
    assert "read_detail" not in [h["action"] for h in history]


def test_review_filters(http: httpx.Client, login_as: LoginAs) -> None:
    one, two, lead = login_as("inspecteur1"), login_as("inspecteur2"), login_as("teamleider1")
    a = flagged_control(one, neighbourhood="Klarendal", started="2025-05-10T10:00:00+02:00")
    b = flagged_control(two, passport=False, neighbourhood="Klarendal", started="2025-05-20T10:00:00+02:00")

    def ids(**params: Any) -> set[str]:
        r = http.get(API, params=params, headers=lead.headers)
        assert r.status_code == 200, r.text
        return {row["id"] for row in r.json()["items"]} & {a, b}

    assert ids(neighbourhood="klarendal") == {a, b}
    assert ids(neighbourhood="Klarendal", level=2) == {a}
    assert ids(neighbourhood="Klarendal", level=0) == {b}
    assert ids(inspector_id=two.user["id"]) == {b}
    assert ids(date_from="2025-05-15", date_to="2025-05-31") == {b}
    assert ids(date_from="2025-05-01", date_to="2025-05-10") == {a}
    assert ids(control_type="pandenactie", status="finished", neighbourhood="Klarendal") == {a, b}
    assert ids(control_type="massagesalon") == set()
    row = next(r for r in http.get(API, params={"neighbourhood": "Klarendal"}, headers=lead.headers).json()["items"]
               if r["id"] == a)
    assert row["unverified"] == 1 and row["unverified_since"] is not None and row["overdue"] is True
    assert http.get(API, params={"level": 7}, headers=lead.headers).status_code == 422
    assert http.get(API, params={"date_from": "31-05-2025"}, headers=lead.headers).status_code == 422
