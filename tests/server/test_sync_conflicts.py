"""Office corrections and finding conflicts: the seq rule, the conflict record both sides see, resolution,
and the role checks on every endpoint (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Answer, Inspection

LoginAs = Callable[[str], Any]
API = "/api/v1/review"


def _set(device: Any, iid: str, qid: str, value: Any, base: int | None, person: str | None = None) -> dict[str, Any]:
    m = device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid, "value": value})
    m["base_version"] = base
    return m


def _note(device: Any, iid: str, text: str, base: int | None) -> dict[str, Any]:
    m = device.mutation("inspection.update.v1", iid, {"note": text})
    m["base_version"] = base
    return m


def _answer(settings: Settings, iid: str, qid: str) -> Any:
    return in_transaction(settings, lambda s: s.scalar(select(Answer.value).where(
        Answer.inspection_id == uuid.UUID(iid), Answer.question_id == qid)))


def _started(login_as: LoginAs) -> tuple[Any, Any, str]:
    device, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = device.create_inspection()
    r = device.push([create, _set(device, iid, "occupants", 5, base=0)])
    assert r.json()["rejections"] == []
    return device, lead, iid


def _correct(lead: Any, iid: str, **body: Any) -> httpx.Response:
    return lead.http.patch(f"{API}/inspections/{iid}/answers", json=body, headers=lead.headers)


def test_unseen_office_correction_wins_and_a_conflict_is_kept(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    r = _correct(lead, iid, question_id="occupants", value=9)
    assert r.status_code == 200, r.text
    office_seq = r.json()["office_seq"]
    # the tablet changes the same answer without having pulled the correction (base below office_seq)
    body = device.push([_set(device, iid, "occupants", 7, base=office_seq - 1)]).json()
    assert body["rejections"] == []
    assert _answer(settings, iid, "occupants") == 9
    conflicts = lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()
    assert len(conflicts) == 1
    c = conflicts[0]
    assert (c["field"], c["question_id"], c["device_value"], c["office_value"], c["winner"], c["winner_value"],
            c["status"]) == ("answer", "occupants", 7, 9, "office", 9, "open")
    pulled = device.pull_all()
    corrections = [x for x in pulled if x["entity"] == "correction" and x["entity_id"] == iid]
    assert corrections and corrections[-1]["data"]["value"] == 9
    mine = [x for x in pulled if x["entity"] == "conflict" and x["data"]["inspection_id"] == iid]
    assert [x["data"]["device_value"] for x in mine] == [7]
    assert corrections[-1]["seq"] < mine[0]["seq"]  # ordered by server seq


def test_seen_correction_lets_the_tablet_win_without_conflict(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    office_seq = _correct(lead, iid, question_id="occupants", value=9).json()["office_seq"]
    device.push([_set(device, iid, "occupants", 11, base=office_seq)])
    assert _answer(settings, iid, "occupants") == 11
    assert lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json() == []


def test_same_value_on_both_sides_is_no_conflict(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    _correct(lead, iid, question_id="occupants", value=9)
    device.push([_set(device, iid, "occupants", 9, base=0)])
    assert lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json() == []


def test_old_client_without_base_counts_as_base_zero(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    _correct(lead, iid, question_id="occupants", value=9)
    device.push([_set(device, iid, "occupants", 4, base=None)])
    assert _answer(settings, iid, "occupants") == 9
    assert len(lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()) == 1


def test_note_conflict_and_resolution_taking_the_tablet_value(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, note="Notitie teamleider").json()["office_seq"]
    device.push([_note(device, iid, "Notitie inspecteur", base=seq - 1)])
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.note == "Notitie teamleider"
    conflict = lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()[0]
    r = lead.http.post(f"{API}/conflicts/{conflict['id']}/resolve", json={"keep": "device"}, headers=lead.headers)
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["resolution"] == "device"
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.note == "Notitie inspecteur"
    again = lead.http.post(f"{API}/conflicts/{conflict['id']}/resolve", json={"keep": "office"}, headers=lead.headers)
    assert again.status_code == 409 and again.json()["code"] == "conflict_resolved"
    pulled = [x for x in device.pull_all() if x["entity"] == "conflict" and x["entity_id"] == conflict["id"]]
    assert [x["data"]["status"] for x in pulled] == ["open", "resolved"]


def test_resolution_keeping_the_office_value(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="occupants", value=9).json()["office_seq"]
    device.push([_set(device, iid, "occupants", 1, base=seq - 1)])
    conflict = lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()[0]
    r = lead.http.post(f"{API}/conflicts/{conflict['id']}/resolve", json={"keep": "office"}, headers=lead.headers)
    assert r.status_code == 200 and r.json()["resolution"] == "office"
    assert _answer(settings, iid, "occupants") == 9


def test_office_clearing_an_answer_keeps_its_version(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="occupants", value=None).json()["office_seq"]
    detail = lead.http.get(f"{API}/inspections/{iid}", headers=lead.headers).json()
    assert "occupants" not in detail["answers"]
    device.push([_set(device, iid, "occupants", 3, base=seq - 1)])
    assert _answer(settings, iid, "occupants") is None
    assert len(lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()) == 1


def test_correction_of_a_finished_control_recomputes_the_flag(login_as: LoginAs, settings: Settings) -> None:
    device, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = device.create_inspection()
    device.push([create, _set(device, iid, "locked_in", False, base=0),
                 device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T10:00:00Z"})])
    assert in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid))).level == 0
    assert _correct(lead, iid, question_id="locked_in", value=True).status_code == 200
    assert in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid))).level == 1


def test_correction_input_is_checked(login_as: LoginAs) -> None:
    _device, lead, iid = _started(login_as)
    cases = [
        {"question_id": "occupants", "value": "veel"},
        {"question_id": "nope", "value": 1},
        {"question_id": "age", "person_id": "ghost", "value": 30},
        {"note": "x", "question_id": "occupants", "value": 1},
        {},
        {"person_id": "p1", "note": "x"},
    ]
    for body in cases:
        r = _correct(lead, iid, **body)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", body
    assert _correct(lead, str(uuid.uuid4()), question_id="occupants", value=1).status_code == 404


def test_roles_on_the_correction_and_conflict_endpoints(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="occupants", value=9).json()["office_seq"]
    device.push([_set(device, iid, "occupants", 1, base=seq - 1)])
    conflict_id = lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers).json()[0]["id"]
    keten = login_as("ketenregisseur1")
    assert keten.http.get(f"{API}/inspections/{iid}/conflicts", headers=keten.headers).status_code == 200
    for who in ("inspecteur1", "planner1", "beheerder1", "ketenregisseur1"):
        user = login_as(who)
        assert _correct(user, iid, question_id="occupants", value=2).status_code == 403, who
        r = user.http.post(f"{API}/conflicts/{conflict_id}/resolve", json={"keep": "office"}, headers=user.headers)
        assert r.status_code == 403, who
    for who in ("inspecteur1", "planner1"):
        user = login_as(who)
        assert user.http.get(f"{API}/inspections/{iid}/conflicts", headers=user.headers).status_code == 403
    assert lead.http.get(f"{API}/inspections/{iid}/conflicts").status_code == 401
    r = lead.http.post(f"{API}/conflicts/{uuid.uuid4()}/resolve", json={"keep": "office"}, headers=lead.headers)
    assert r.status_code == 404
    r = lead.http.post(f"{API}/conflicts/{conflict_id}/resolve", json={"keep": "both"}, headers=lead.headers)
    assert r.status_code == 422
    assert lead.http.get(f"{API}/inspections/{uuid.uuid4()}/conflicts", headers=lead.headers).status_code == 404


def test_conflicts_go_only_to_the_inspector(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="occupants", value=9).json()["office_seq"]
    device.push([_set(device, iid, "occupants", 1, base=seq - 1)])
    other = login_as("inspecteur2")
    assert not [x for x in other.pull_all() if x["entity"] in ("conflict", "correction")
                and (x["data"] or {}).get("inspection_id") == iid]
