"""Push and pull against a real server: round trip, replay, gaps, rejections, scoping, schema window, flags."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from schemas.catalogue import Catalogue
from schemas.engine import evaluate
from schemas.records import PersonRecord
from schemas.sync import MIN_SUPPORTED_SCHEMA_VERSION, SCHEMA_VERSION
from schemas.templates import Template
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Answer, Inspection
from sync_server.sync.models import ChangeLog, Quarantine

LoginAs = Callable[[str], Any]


def _of(changes: list[dict[str, Any]], entity: str) -> list[dict[str, Any]]:
    return [c for c in changes if c["entity"] == entity]


def _count(settings: Settings, model: Any, *where: Any) -> int:
    return in_transaction(settings, lambda s: int(s.scalar(select(func.count()).select_from(model).where(*where))))


def _set(device: Any, iid: str, qid: str, value: Any, person: str | None = None) -> dict[str, Any]:
    return device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid, "value": value})


def test_pull_delivers_templates_catalogue_and_planned_controls(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    changes = device.pull_all()
    assert {c["entity_id"] for c in _of(changes, "template")} >= {"testpand@1"}
    assert [c["entity_id"] for c in _of(changes, "catalogue")] == ["testcat@1"]
    planned = _of(changes, "planned_control")
    assert len(planned) == 4
    assert planned[0]["data"]["address"]["street"] == "Voorbeeldstraat"
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_pull_is_scoped_by_user(login_as: LoginAs) -> None:
    other = login_as("inspecteur2")
    assert _of(other.pull_all(), "planned_control") == []  # the demo controls belong to inspecteur1


def test_pull_paginates_without_skipping(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    everything = device.pull_all()
    paged: list[dict[str, Any]] = []
    cursor = 0
    while True:
        body = device.pull(cursor, limit=2).json()
        paged += body["changes"]
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert [c["seq"] for c in paged] == [c["seq"] for c in everything]


def test_push_pull_round_trip(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    r = device.push([create, _set(device, iid, "occupants", 7),
                     device.mutation("inspection.update.v1", iid, {"note": "Veel matrassen"})])
    assert r.status_code == 200, r.text
    assert r.json() == {"last_mutation_id": 3, "rejections": []}
    pulled = device.pull().json()
    assert pulled["last_mutation_id"] == 3
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.note == "Veel matrassen" and stored.status == "draft"
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == 1


def test_replayed_push_changes_nothing(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    batch = [create, _set(device, iid, "occupants", 3), device.mutation("inspection.finish.v1", iid,
                                                                       {"finished_at": "2026-03-02T10:00:00Z"})]
    first = device.push(batch).json()
    log_before = _count(settings, ChangeLog)
    answers_before = _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid))
    again = device.push(batch)
    assert again.status_code == 200
    assert again.json() == {"last_mutation_id": first["last_mutation_id"], "rejections": []}
    assert _count(settings, ChangeLog) == log_before
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == answers_before


def test_partial_replay_applies_only_new_mutations(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    m2 = _set(device, iid, "occupants", 3)
    assert device.push([create, m2]).json()["last_mutation_id"] == 2
    m3 = _set(device, iid, "occupants", 9)
    assert device.push([create, m2, m3]).json()["last_mutation_id"] == 3
    value = in_transaction(settings, lambda s: s.scalar(select(Answer.value).where(
        Answer.inspection_id == uuid.UUID(iid), Answer.question_id == "occupants")))
    assert value == 9


def test_gap_stops_the_batch(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    device.next_id = 3  # skip id 2
    later = _set(device, iid, "occupants", 4)
    r = device.push([create, later])
    assert r.json()["last_mutation_id"] == 1
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == 0


def test_gap_at_start_applies_nothing(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    device.next_id = 5
    iid, create = device.create_inspection()
    assert device.push([create]).json()["last_mutation_id"] == 0
    assert _count(settings, Inspection, Inspection.id == uuid.UUID(iid)) == 0


def test_invalid_answer_is_rejected_and_syncs_back(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    bad = _set(device, iid, "occupants", "veel")
    good = _set(device, iid, "locked_in", True)
    body = device.push([create, bad, good]).json()
    assert body["last_mutation_id"] == 3
    assert [(r["mutation_id"], r["code"]) for r in body["rejections"]] == [(2, "invalid_answer")]
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == 1  # the good one still applied
    rejections = _of(device.pull_all(), "rejection")
    mine = [c for c in rejections if c["data"]["client_id"] == device.client_id]
    assert len(mine) == 1 and mine[0]["data"]["code"] == "invalid_answer"
    assert mine[0]["data"]["mutation_id"] == 2 and mine[0]["data"]["message"]


def test_rejections_are_private_to_the_user(login_as: LoginAs) -> None:
    device = login_as("inspecteur2")
    iid, create = device.create_inspection()
    device.push([create, _set(device, iid, "nope", 1)])
    stranger = login_as("inspecteur1")
    assert all(c["data"]["client_id"] != device.client_id for c in _of(stranger.pull_all(), "rejection"))


def test_other_users_inspection_is_rejected(login_as: LoginAs, settings: Settings) -> None:
    owner = login_as("inspecteur1")
    iid, create = owner.create_inspection()
    owner.push([create])
    intruder = login_as("inspecteur2")
    body = intruder.push([_set(intruder, iid, "occupants", 99),
                          intruder.mutation("inspection.update.v1", iid, {"note": "gewijzigd"})]).json()
    assert body["last_mutation_id"] == 2
    assert [r["code"] for r in body["rejections"]] == ["forbidden", "forbidden"]
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.note == ""
    assert _of(intruder.pull_all(), "rejection")


def test_rejection_codes_for_bad_mutations(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    dup_id, dup = iid, device.mutation("inspection.create.v1", iid, create["args"])
    cases = [
        create,
        dup,
        device.mutation("inspection.delete.v9", iid, {}),
        device.mutation("inspection.update.v1", iid, {"note": 5, "extra": 1}),
        _set(device, iid, "age", 30, person="ghost"),
        _set(device, iid, "occupants", 1000),
        device.mutation("person.delete.v1", iid, {"person_id": "ghost"}),
        device.mutation("inspection.update.v1", str(uuid.uuid4()), {"note": "x"}),
        device.create_inspection(template_version=99)[1],
        device.create_inspection(control_type="massagesalon")[1],
    ]
    assert dup_id
    body = device.push(cases).json()
    assert body["last_mutation_id"] == len(cases)
    assert [r["code"] for r in body["rejections"]] == [
        "already_exists", "unknown_mutation", "invalid_args", "unknown_person", "invalid_answer",
        "unknown_person", "not_found", "unknown_template", "invalid_args"]


def test_inspection_create_refused_for_non_inspector(login_as: LoginAs) -> None:
    lead = login_as("teamleider1")
    _iid, create = lead.create_inspection()
    body = lead.push([create]).json()
    assert body["rejections"][0]["code"] == "forbidden"


def test_client_id_of_another_user_is_refused(login_as: LoginAs) -> None:
    owner = login_as("inspecteur1")
    assert owner.push([]).status_code == 200
    other = login_as("inspecteur2")
    other.client_id = owner.client_id
    r = other.push([])
    assert r.status_code == 403 and r.json()["code"] == "client_id_taken"
    assert other.pull().json()["code"] == "client_id_taken"


def test_push_bad_body_is_422(login_as: LoginAs, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    r = http.post("/api/v1/sync/push", json={"client_id": "x", "schema_version": SCHEMA_VERSION, "mutations": []},
                  headers=device.headers)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = http.post("/api/v1/sync/push", json=[1, 2], headers=device.headers)
    assert r.status_code == 422


def test_sync_requires_auth(http: httpx.Client) -> None:
    r = http.post("/api/v1/sync/pull", json={"client_id": str(uuid.uuid4()), "schema_version": SCHEMA_VERSION})
    assert r.status_code == 401


def test_old_schema_pull_is_426(login_as: LoginAs, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    old = MIN_SUPPORTED_SCHEMA_VERSION - 1
    body = {"client_id": device.client_id, "schema_version": old, "cursor": 0}
    r = http.post("/api/v1/sync/pull", json=body, headers={**device.headers, "X-Schema-Version": str(old)})
    assert r.status_code == 426
    assert r.json()["code"] == "schema_unsupported" and "app" in r.json()["message"].lower()
    # the header alone is enough to be refused
    body["schema_version"] = SCHEMA_VERSION
    r = http.post("/api/v1/sync/pull", json=body, headers={**device.headers, "X-Schema-Version": str(old)})
    assert r.status_code == 426


def test_old_schema_push_is_quarantined_and_acknowledged(login_as: LoginAs, settings: Settings,
                                                         http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    old = MIN_SUPPORTED_SCHEMA_VERSION - 1
    iid = str(uuid.uuid4())
    payload = {"client_id": device.client_id, "schema_version": old,
               "mutations": [{"id": 1, "name": "inspection.create.v0", "entity_id": iid, "args": {"legacy": True}},
                             {"id": 2, "name": "answer.set.v0", "entity_id": iid, "args": {}}]}
    before = _count(settings, Quarantine)
    r = http.post("/api/v1/sync/push", json=payload, headers={**device.headers, "X-Schema-Version": str(old)})
    assert r.status_code == 200
    assert r.json()["last_mutation_id"] == 2
    assert _count(settings, Quarantine) == before + 1
    assert _count(settings, Inspection, Inspection.id == uuid.UUID(iid)) == 0
    stored = in_transaction(settings, lambda s: s.scalars(select(Quarantine).order_by(
        Quarantine.received_at.desc())).first())
    assert stored.payload == payload


def test_newer_schema_pull_is_refused(login_as: LoginAs, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION + 1}
    headers = {**device.headers, "X-Schema-Version": str(SCHEMA_VERSION + 1)}
    r = http.post("/api/v1/sync/pull", json=body, headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "schema_too_new"


def _finished_case(device: Any) -> tuple[str, list[dict[str, Any]]]:
    iid, create = device.create_inspection()
    return iid, [
        create,
        _set(device, iid, "occupants", 12),
        _set(device, iid, "locked_in", False),
        device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
        _set(device, iid, "age", 30, person="p1"),
        _set(device, iid, "passport_withheld", True, person="p1"),
        device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T11:00:00+01:00"}),
    ]


def test_flag_computed_on_finish(login_as: LoginAs, settings: Settings, test_template: Template,
                                 test_catalogue: Catalogue) -> None:
    device = login_as("inspecteur1")
    iid, batch = _finished_case(device)
    assert device.push(batch).json()["rejections"] == []
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))

    expected = evaluate(test_template, test_catalogue, {"occupants": 12, "locked_in": False},
                        [PersonRecord(id="p1", label="Persoon 1", answers={"age": 30, "passport_withheld": True})])
    assert stored.level == expected.level == 2  # CD1 is a strong indicator -> L2
    assert stored.catalogue_key == "testcat@1"
    flags = [c for c in _of(device.pull_all(), "inspection_flag") if c["entity_id"] == iid]
    assert flags[-1]["data"]["level"] == 2
    assert flags[-1]["data"]["flag"]["catalogue"] == "testcat@1"
    assert flags[-1]["data"]["photos_expected"] == 0


def test_flag_recomputed_when_finished_inspection_changes(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, batch = _finished_case(device)
    device.push(batch)
    device.push([device.mutation("person.delete.v1", iid, {"person_id": "p1"})])
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.level == 0
    flags = [c for c in _of(device.pull_all(), "inspection_flag") if c["entity_id"] == iid]
    assert [f["data"]["level"] for f in flags] == [2, 0]


def test_draft_has_no_flag(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, batch = _finished_case(device)
    device.push(batch[:-1])
    stored = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    assert stored.level is None and stored.flag is None
    assert not [c for c in _of(device.pull_all(), "inspection_flag") if c["entity_id"] == iid]


def test_flags_go_only_to_the_inspector(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    iid, batch = _finished_case(device)
    device.push(batch)
    other = login_as("inspecteur2")
    assert not [c for c in _of(other.pull_all(), "inspection_flag") if c["entity_id"] == iid]
