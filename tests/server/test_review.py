"""Review API: worst level first then newest, detail with answers, persons, photos and flag; planning API."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import httpx

LoginAs = Callable[[str], Any]


def _set(device: Any, iid: str, qid: str, value: Any, person: str | None = None) -> dict[str, Any]:
    return device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid, "value": value})


def _finish(device: Any, iid: str) -> dict[str, Any]:
    return device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-03T12:00:00Z"})


def _inspection(device: Any, started: str, *, passport: bool | None, locked: bool = False) -> str:
    iid, create = device.create_inspection(started_at=started)
    batch = [create, _set(device, iid, "locked_in", locked)]
    if passport is not None:
        batch += [device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
                  _set(device, iid, "passport_withheld", passport, person="p1"), _finish(device, iid)]
    body = device.push(batch).json()
    assert body["rejections"] == []
    return iid


def test_review_list_ordering(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    low_old = _inspection(device, "2026-01-01T09:00:00Z", passport=False)
    high = _inspection(device, "2026-01-02T09:00:00Z", passport=True)
    low_new = _inspection(device, "2026-01-03T09:00:00Z", passport=False)
    draft = _inspection(device, "2026-01-04T09:00:00Z", passport=None)
    lead = login_as("teamleider1")
    r = http.get("/api/v1/review/inspections", headers=lead.headers)
    assert r.status_code == 200
    mine = [row for row in r.json()["items"] if row["id"] in {low_old, high, low_new, draft}]
    assert [row["id"] for row in mine] == [high, low_new, low_old, draft]
    assert [row["level"] for row in mine] == [2, 0, 0, None]
    assert mine[0]["inspector"] == "Inspecteur Een"
    finished = http.get("/api/v1/review/inspections", params={"status": "finished"},
                        headers=lead.headers).json()["items"]
    assert draft not in {row["id"] for row in finished}


def test_review_detail(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    data = b"\xff\xd8\xff fake jpeg"
    sha = hashlib.sha256(data).hexdigest()
    iid, create = device.create_inspection()
    photo_id = str(uuid.uuid4())
    device.push([create, _set(device, iid, "occupants", 5),
                 device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
                 _set(device, iid, "passport_withheld", True, person="p1"),
                 device.mutation("photo.attach.v1", iid, {"photo_id": photo_id, "sha256": sha, "size": len(data),
                                                          "caption": "Slaapkamer"}),
                 device.mutation("inspection.update.v1", iid, {"note": "Notitie"}), _finish(device, iid)])
    lead = login_as("ketenregisseur1")
    detail = http.get(f"/api/v1/review/inspections/{iid}", headers=lead.headers).json()
    assert detail["summary"]["level"] == 2
    assert detail["summary"]["photos_expected"] == 1 and detail["summary"]["photos_present"] == 0
    assert detail["answers"] == {"occupants": 5}
    assert detail["persons"] == [{"id": "p1", "label": "Persoon 1", "answers": {"passport_withheld": True}}]
    assert detail["photos"][0]["present"] is False and detail["photos"][0]["caption"] == "Slaapkamer"
    assert detail["note"] == "Notitie"
    assert detail["template"]["id"] == "testpand"
    assert detail["flag"]["level"] == 2
    headers = {**device.headers, "Upload-Offset": "0", "Upload-Length": str(len(data))}
    assert http.patch(f"/api/v1/blobs/{sha}", content=data, headers=headers).status_code == 201
    again = http.get(f"/api/v1/review/inspections/{iid}", headers=lead.headers).json()
    assert again["summary"]["photos_present"] == 1 and again["photos"][0]["present"] is True


def test_review_detail_unknown_and_malformed_id(http: httpx.Client, login_as: LoginAs) -> None:
    lead = login_as("teamleider1")
    r = http.get(f"/api/v1/review/inspections/{uuid.uuid4()}", headers=lead.headers)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = http.get("/api/v1/review/inspections/not-a-uuid", headers=lead.headers)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"


def test_review_detail_refused_for_inspector(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    r = http.get(f"/api/v1/review/inspections/{uuid.uuid4()}", headers=device.headers)
    assert r.status_code == 403


def test_planner_schedules_and_cancels_a_control(http: httpx.Client, login_as: LoginAs) -> None:
    planner, inspector = login_as("planner1"), login_as("inspecteur2")
    body = {"control_type": "pandenactie", "template_id": "testpand", "scheduled_on": "2026-04-01",
            "address": {"street": "Proefstraat", "house_number": "1"}, "inspector_ids": [inspector.user["id"]],
            "partners": ["politie"]}
    r = http.post("/api/v1/planning/controls", json=body, headers=planner.headers)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert http.delete(f"/api/v1/planning/controls/{cid}", headers=planner.headers).status_code == 204
    ops = [c["op"] for c in inspector.pull_all() if c["entity"] == "planned_control" and c["entity_id"] == cid]
    assert ops == ["put", "delete"]


def test_planning_refusals(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, planner = login_as("inspecteur1"), login_as("planner1")
    body = {"control_type": "pandenactie", "template_id": "testpand", "scheduled_on": "2026-04-01",
            "address": {"street": "Proefstraat"}, "inspector_ids": [planner.user["id"]]}
    assert http.post("/api/v1/planning/controls", json=body, headers=inspector.headers).status_code == 403
    r = http.post("/api/v1/planning/controls", json=body, headers=planner.headers)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"  # a planner is not an inspecteur
    assert http.delete(f"/api/v1/planning/controls/{uuid.uuid4()}", headers=planner.headers).status_code == 404
