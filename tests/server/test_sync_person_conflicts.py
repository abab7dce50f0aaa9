"""A person deleted on the tablet after the team lead corrected one of that person's answers (SQLite and
PostgreSQL): the delete stands, a ``person`` conflict keeps the corrections the tablet had not seen, both
people see it, it is recorded once however often the push is replayed, and it can only be accepted. Also the
siblings: a correction of an already deleted person, and an answer conflict whose person was deleted later."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from schemas.conflicts import ConflictRead
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Answer, FindingConflict, Person

LoginAs = Callable[[str], Any]
API = "/api/v1/review"
P1 = "11111111-0000-4000-8000-000000000001"
P2 = "11111111-0000-4000-8000-000000000002"


def _with_base(m: dict[str, Any], base: int | None) -> dict[str, Any]:
    m["base_version"] = base
    return m


def _set(device: Any, iid: str, qid: str, value: Any, person: str | None, base: int | None = 0) -> dict[str, Any]:
    return _with_base(device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid,
                                                             "value": value}), base)


def _delete(device: Any, iid: str, person: str, base: int | None) -> dict[str, Any]:
    return _with_base(device.mutation("person.delete.v1", iid, {"person_id": person}), base)


def _started(login_as: LoginAs) -> tuple[Any, Any, str]:
    """A control with two persons, each with an age; person 1 also has a passport answer."""
    device, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = device.create_inspection()
    r = device.push([create,
                     device.mutation("person.create.v1", iid, {"person_id": P1, "label": "Persoon 1"}),
                     device.mutation("person.create.v1", iid, {"person_id": P2, "label": "Persoon 2"}),
                     _set(device, iid, "age", 30, P1), _set(device, iid, "passport_withheld", False, P1),
                     _set(device, iid, "age", 40, P2)])
    assert r.json()["rejections"] == [], r.text
    return device, lead, iid


def _correct(lead: Any, iid: str, **body: Any) -> httpx.Response:
    return lead.http.patch(f"{API}/inspections/{iid}/answers", json=body, headers=lead.headers)


def _conflicts(lead: Any, iid: str) -> list[dict[str, Any]]:
    r = lead.http.get(f"{API}/inspections/{iid}/conflicts", headers=lead.headers)
    assert r.status_code == 200, r.text
    return list(r.json())


def _resolve(lead: Any, conflict_id: str, keep: str) -> httpx.Response:
    return lead.http.post(f"{API}/conflicts/{conflict_id}/resolve", json={"keep": keep}, headers=lead.headers)


def _person_answers(settings: Settings, iid: str, person: str) -> dict[str, Any]:
    rows = in_transaction(settings, lambda s: list(s.execute(select(Answer.question_id, Answer.value).where(
        Answer.inspection_id == uuid.UUID(iid), Answer.person_id == person))))
    return {q: v for q, v in rows}


def _deleted(settings: Settings, iid: str, person: str) -> bool:
    return bool(in_transaction(settings, lambda s: s.scalar(select(Person.deleted).where(
        Person.inspection_id == uuid.UUID(iid), Person.person_id == person))))


def _pulled_conflicts(device: Any, iid: str) -> list[dict[str, Any]]:
    return [x for x in device.pull_all() if x["entity"] == "conflict" and x["data"]["inspection_id"] == iid]


def test_delete_after_an_unseen_correction_keeps_it_in_a_person_conflict(login_as: LoginAs,
                                                                         settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq_age = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    seq_pass = _correct(lead, iid, question_id="passport_withheld", person_id=P1, value=True).json()["office_seq"]
    # the tablet deletes person 1 without having pulled either correction
    body = device.push([_delete(device, iid, P1, base=seq_age - 1)]).json()
    assert body["rejections"] == []
    assert _deleted(settings, iid, P1) and _person_answers(settings, iid, P1) == {}  # the inspector's delete stands
    assert _person_answers(settings, iid, P2) == {"age": 40}
    [c] = _conflicts(lead, iid)
    assert (c["field"], c["person_id"], c["question_id"], c["device_value"], c["winner"], c["winner_value"],
            c["status"], c["office_seq"], c["base_version"]) == ("person", P1, None, None, "device", None, "open",
                                                                 seq_pass, seq_age - 1)
    assert c["office_value"] == {"label": "Persoon 1", "answers": {
        "age": {"value": 16, "office_seq": seq_age}, "passport_withheld": {"value": True, "office_seq": seq_pass}}}
    dropped = ConflictRead.model_validate(c).dropped_person()
    assert dropped is not None and dropped.answers["age"].value == 16
    # the inspector sees it too, after the corrections in server order
    pulled = device.pull_all()
    mine = [x for x in pulled if x["entity"] == "conflict" and x["data"]["inspection_id"] == iid]
    assert [x["data"]["field"] for x in mine] == ["person"]
    same = ("id", "field", "person_id", "office_value", "winner", "status", "office_seq")
    assert {k: mine[0]["data"][k] for k in same} == {k: c[k] for k in same}
    last_correction = max(x["seq"] for x in pulled if x["entity"] == "correction" and x["entity_id"] == iid)
    assert last_correction < mine[0]["seq"]
    # and nobody else
    other = login_as("inspecteur2")
    assert not [x for x in other.pull_all() if x["entity"] == "conflict" and x["data"]["inspection_id"] == iid]
    # the review detail no longer lists the person
    detail = lead.http.get(f"{API}/inspections/{iid}", headers=lead.headers).json()
    assert [p["id"] for p in detail["persons"]] == [P2]


def test_delete_after_a_seen_correction_is_no_conflict(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    assert device.push([_delete(device, iid, P1, base=seq)]).json()["rejections"] == []
    assert _deleted(settings, iid, P1) and _person_answers(settings, iid, P1) == {}
    assert _conflicts(lead, iid) == []


def test_only_the_unseen_corrections_are_kept(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seen = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    unseen = _correct(lead, iid, question_id="passport_withheld", person_id=P1, value=True).json()["office_seq"]
    device.push([_delete(device, iid, P1, base=seen)])
    [c] = _conflicts(lead, iid)
    assert c["office_value"]["answers"] == {"passport_withheld": {"value": True, "office_seq": unseen}}


def test_no_conflict_without_corrections_of_that_person(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    _correct(lead, iid, question_id="age", person_id=P2, value=41)
    _correct(lead, iid, question_id="occupants", value=3)
    device.push([_delete(device, iid, P1, base=0)])
    assert _conflicts(lead, iid) == []
    assert _person_answers(settings, iid, P2) == {"age": 41}


def test_an_office_clearing_counts_as_a_correction(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=None).json()["office_seq"]
    device.push([_delete(device, iid, P1, base=seq - 1)])
    [c] = _conflicts(lead, iid)
    assert c["office_value"]["answers"] == {"age": {"value": None, "office_seq": seq}}


def test_old_client_without_base_counts_as_base_zero(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    _correct(lead, iid, question_id="age", person_id=P1, value=16)
    device.push([_delete(device, iid, P1, base=None)])
    assert [c["field"] for c in _conflicts(lead, iid)] == ["person"]


def test_replayed_push_records_exactly_one_conflict(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    batch = [_delete(device, iid, P1, base=seq - 1)]
    for _ in range(3):
        r = device.push(batch)
        assert r.status_code == 200 and r.json()["rejections"] == []
    assert len(_conflicts(lead, iid)) == 1
    assert len(_pulled_conflicts(device, iid)) == 1
    count = in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(FindingConflict).where(
        FindingConflict.inspection_id == uuid.UUID(iid))))
    assert count == 1


def test_same_push_edits_then_deletes_and_goes_on(login_as: LoginAs, settings: Settings) -> None:
    """The per-push answer cache stays right: answers set before the delete in the same push, the unseen
    correction of one of them, and answers of another person after it."""
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    body = device.push([
        _set(device, iid, "age", 17, P1, base=seq - 1),  # an answer conflict: the correction stands
        _set(device, iid, "passport_withheld", True, P1, base=seq - 1),
        _delete(device, iid, P1, base=seq - 1),
        _set(device, iid, "age", 42, P2, base=seq - 1),
        _set(device, iid, "age", 18, P1, base=seq - 1),  # the person is gone
        _set(device, iid, "occupants", 4, None, base=seq - 1),
    ]).json()
    assert [r["code"] for r in body["rejections"]] == ["unknown_person"]
    assert _person_answers(settings, iid, P1) == {}
    assert _person_answers(settings, iid, P2) == {"age": 42}
    kinds = [(c["field"], c["device_value"], c["office_value"]) for c in _conflicts(lead, iid)]
    assert kinds == [("answer", 17, 16),
                     ("person", None, {"label": "Persoon 1", "answers": {"age": {"value": 16, "office_seq": seq}}})]


def test_person_conflict_can_only_be_accepted(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    device.push([_delete(device, iid, P1, base=seq - 1)])
    [c] = _conflicts(lead, iid)
    r = _resolve(lead, c["id"], "office")
    assert r.status_code == 409 and r.json()["code"] == "person_not_restorable"
    assert _conflicts(lead, iid)[0]["status"] == "open"
    r = _resolve(lead, c["id"], "device")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["resolution"]) == ("resolved", "device")
    assert r.json()["office_value"] == c["office_value"]  # the corrections stay on the record
    assert _deleted(settings, iid, P1) and _person_answers(settings, iid, P1) == {}
    assert _resolve(lead, c["id"], "device").json()["code"] == "conflict_resolved"
    assert [x["data"]["status"] for x in _pulled_conflicts(device, iid)] == ["open", "resolved"]
    keten = login_as("ketenregisseur1")
    assert _resolve(keten, c["id"], "device").status_code == 403


def test_correcting_a_person_the_tablet_deleted_is_a_clear_409(login_as: LoginAs, settings: Settings) -> None:
    device, lead, iid = _started(login_as)
    device.push([_delete(device, iid, P1, base=0)])  # the office has not refreshed its detail since
    r = _correct(lead, iid, question_id="age", person_id=P1, value=16)
    assert r.status_code == 409 and r.json()["code"] == "person_deleted", r.text
    assert r.json()["message"] and r.json()["message_en"]
    assert _person_answers(settings, iid, P1) == {}
    ghost = _correct(lead, iid, question_id="age", person_id="nooit-gezien", value=16)
    assert ghost.status_code == 422 and ghost.json()["code"] == "validation_error"


def test_answer_conflict_of_a_person_deleted_later(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    device.push([_set(device, iid, "age", 17, P1, base=seq - 1)])
    cursor = max(x["seq"] for x in device.pull_all())  # the tablet now saw the correction and the conflict
    device.push([_delete(device, iid, P1, base=cursor)])
    [c] = _conflicts(lead, iid)  # no person conflict: the tablet had seen the correction
    assert c["field"] == "answer"
    r = _resolve(lead, c["id"], "device")  # taking the tablet's value is impossible now
    assert r.status_code == 409 and r.json()["code"] == "person_deleted"
    r = _resolve(lead, c["id"], "office")
    assert r.status_code == 200 and r.json()["status"] == "resolved"


def test_v1_client_never_receives_the_person_conflict(login_as: LoginAs) -> None:
    device, lead, iid = _started(login_as)
    seq = _correct(lead, iid, question_id="age", person_id=P1, value=16).json()["office_seq"]
    device.push([_delete(device, iid, P1, base=seq - 1)])
    body = {"client_id": device.client_id, "schema_version": 1, "cursor": 0, "limit": 1000}
    r = device.http.post("/api/v1/sync/pull", json=body, headers={**device.headers, "X-Schema-Version": "1"})
    assert r.status_code == 200
    assert not [x for x in r.json()["changes"] if x["entity"] in ("conflict", "correction")]
