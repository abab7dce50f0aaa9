"""Input no database can store (NUL, lone surrogates, other C0 control characters, numbers beyond 64 bits, times
that cannot be read back) is refused, never a 500 (issue 12, finding 1), on SQLite and PostgreSQL.

In a sync push it is a rejection of that one mutation, which syncs back: the mutations after it in the same push
and in later pushes still apply. On the office endpoints it is a 422 ``input_unstorable`` with a Dutch message, and
nothing is stored.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select

from schemas.inputs import InputModel, clean, problem
from schemas.sync import SCHEMA_VERSION
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections import schemas as args
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.links.mutations import IdentifierAddArgs, IdentifierAddArgsV1, IdentifierRemoveArgs
from sync_server.review.models import Comment
from sync_server.sync.registry import HANDLERS

LoginAs = Any
NUL = "Fictieve\x00notitie"
SURROGATE = "Fictieve\ud800notitie"


def _raw_post(http: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    """POST JSON as an attacker writes it: ``json.dumps`` escapes a lone surrogate (httpx's encoder cannot)."""
    return http.post(url, content=json.dumps(body), headers={**headers, "Content-Type": "application/json"})


def _push(device: Any, mutations: list[dict[str, Any]]) -> httpx.Response:
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
    return _raw_post(device.http, "/api/v1/sync/push", body, device.headers)


def _count(settings: Settings, model: Any, *where: Any) -> int:
    return int(in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(model).where(*where))))


def _answers(settings: Settings, iid: str) -> dict[str, Any]:
    rows = in_transaction(settings, lambda s: list(s.scalars(select(Answer).where(
        Answer.inspection_id == uuid.UUID(iid)))))
    return {a.question_id: a.value for a in rows}


def test_the_rule() -> None:
    assert problem("a\x00b") == "value: a NUL character at position 1"
    assert problem({"note": "x\ud800"}) == "note: a lone surrogate U+D800 at position 1"
    assert problem({"a": [1, {"b\x01": 2}]}) == "a[1]: a key with the control character U+0001 at position 1"
    assert problem({"n": 2**63}) == "n: a number beyond 64 bits"
    assert problem({"n": float("nan")}) == "n: a number that is not finite"
    assert problem({"ok": ["tab\tnewline\ncr\r", 2**63 - 1, -(2**63), 1.5, True, None, "ëñ€😀"]}) is None
    assert clean("a\x00b\ud800") == "a\ufffdb\ufffd"
    nested: Any = 1
    for _ in range(40):
        nested = [nested]
    assert problem(nested) is not None and "nested" in problem(nested)  # type: ignore[operator]


def test_a_nul_note_is_rejected_and_the_rest_of_the_queue_applies(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    batch = [
        create,
        device.mutation("inspection.update.v1", iid, {"note": NUL}),
        device.mutation("answer.set.v1", iid, {"question_id": "occupants", "value": 4}),
        device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
    ]
    other, create_other = device.create_inspection()  # another control, later in the same push
    batch += [create_other, device.mutation("answer.set.v1", other, {"question_id": "locked_in", "value": True})]
    r = _push(device, batch)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["last_mutation_id"] == 6  # the queue moved past the bad note: the tablet deletes all six
    assert [(x["mutation_id"], x["code"]) for x in body["rejections"]] == [(2, "input_unstorable")]
    assert "niet kan worden opgeslagen" in body["rejections"][0]["message"]
    assert "\x00" not in body["rejections"][0]["message"]
    assert _answers(settings, iid) == {"occupants": 4} and _answers(settings, other) == {"locked_in": True}
    assert _count(settings, Person, Person.inspection_id == uuid.UUID(iid)) == 1
    later = _push(device, [device.mutation("inspection.update.v1", iid, {"note": "Fictieve notitie"})])
    assert later.json() == {"last_mutation_id": 7, "rejections": []}
    assert in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid))).note == "Fictieve notitie"
    pulled = [c for c in device.pull_all() if c["entity"] == "rejection"]
    assert [(c["data"]["mutation_id"], c["data"]["code"]) for c in pulled] == [(2, "input_unstorable")]


def test_a_lone_surrogate_and_a_control_character_are_rejected_too(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    batch = [create,
             device.mutation("inspection.update.v1", iid, {"note": SURROGATE}),
             device.mutation("answer.set.v1", iid, {"question_id": "remarks", "value": "bel\x07"}),
             device.mutation("answer.set.v1", iid, {"question_id": "remarks", "value": "regel 1\nregel 2\ttab"})]
    body = _push(device, batch).json()
    assert [(x["mutation_id"], x["code"]) for x in body["rejections"]] == [(2, "input_unstorable"),
                                                                           (3, "input_unstorable")]
    assert _answers(settings, iid) == {"remarks": "regel 1\nregel 2\ttab"}


# --- every field of every mutation's arguments ------------------------------------------------------------------

ARGS: dict[str, tuple[type[BaseModel], dict[str, Any]]] = {
    "inspection.create.v1": (args.InspectionCreateArgs, {
        "template_id": "testpand", "template_version": 1, "control_type": "pandenactie",
        "address": {"street": "Voorbeeldstraat", "house_number": "12", "postcode": "6811AA", "city": "Arnhem",
                    "neighbourhood": "Centrum", "addition": "A"},
        "planned_control_id": None, "started_at": "2026-03-02T09:00:00+01:00"}),
    "inspection.update.v1": (args.InspectionUpdateArgs, {"note": "Fictief"}),
    "inspection.finish.v1": (args.InspectionFinishArgs, {"finished_at": "2026-03-02T10:00:00+01:00"}),
    "answer.set.v1": (args.AnswerSetArgs, {"person_id": "p1", "question_id": "age", "value": 30}),
    "person.create.v1": (args.PersonCreateArgs, {"person_id": "p2", "label": "Persoon 2"}),
    "person.delete.v1": (args.PersonDeleteArgs, {"person_id": "p1"}),
    "photo.attach.v1": (args.PhotoAttachArgs, {"photo_id": "", "sha256": "b" * 64, "size": 10, "caption": "Gang"}),
    "identifier.add.v1": (IdentifierAddArgsV1, {"identifier_id": "", "kind": "phone", "value": "0612345678"}),
    "identifier.add.v2": (IdentifierAddArgs, {"identifier_id": "", "kind": "phone", "value": "0612345678",
                                              "question_id": "remarks"}),
    "identifier.remove.v1": (IdentifierRemoveArgs, {"identifier_id": ""}),
}


def _paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every field of ``model``, nested models' fields included (each can carry a string on the wire)."""
    out: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out += _paths(kind, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


def _with(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(base)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def _fresh(name: str, base: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key in ("photo_id", "identifier_id"):
        if key in out:
            out[key] = str(uuid.uuid4())
    return out


FUZZ = [(name, path) for name, (model, _base) in ARGS.items() for path in [*_paths(model), ("extra\x00key",)]]


def test_the_fuzz_table_covers_every_mutation() -> None:
    assert set(ARGS) == set(HANDLERS)
    for name, (model, base) in ARGS.items():  # every base is valid, so each case fails on the NUL alone
        model.model_validate(_fresh(name, base))
        assert set(model.model_fields) <= set(base) | {"base_version"}, name


@pytest.mark.parametrize(("name", "path"), FUZZ, ids=[f"{n}:{'.'.join(p)}" for n, p in FUZZ])
def test_nul_in_any_field_of_any_mutation_is_a_rejection(login_as: LoginAs, settings: Settings, name: str,
                                                         path: tuple[str, ...]) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    target = str(uuid.uuid4()) if name == "inspection.create.v1" else iid
    bad_args = _with(_fresh(name, ARGS[name][1]), path, "x\x00y")
    batch = [create, device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
             device.mutation(name, target, bad_args),
             device.mutation("answer.set.v1", iid, {"question_id": "occupants", "value": 7})]
    r = _push(device, batch)
    assert r.status_code == 200, r.text
    assert [(x["mutation_id"], x["code"]) for x in r.json()["rejections"]] == [(3, "input_unstorable")]
    assert r.json()["last_mutation_id"] == 4
    assert _answers(settings, iid) == {"occupants": 7}
    assert _count(settings, Inspection, Inspection.id == uuid.UUID(target)) == (name != "inspection.create.v1")


def test_numbers_and_times_no_database_reads_back_are_rejections(login_as: LoginAs, http: httpx.Client,
                                                                 settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    _year_one_id, year_one = device.create_inspection(started_at="0001-01-01T00:00:00+14:00")
    batch = [create, year_one,
             device.mutation("inspection.finish.v1", iid, {"finished_at": "9999-12-31T23:59:59-14:00"}),
             device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": "c" * 64,
                                                      "size": 10**20, "caption": ""}),
             {**device.mutation("inspection.update.v1", iid, {"note": "x"}), "base_version": 10**20},
             device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T10:00:00+01:00"})]
    body = _push(device, batch).json()
    assert [(x["mutation_id"], x["code"]) for x in body["rejections"]] == [
        (2, "input_unstorable"), (3, "input_unstorable"), (4, "input_unstorable"), (5, "input_unstorable")]
    assert in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid))).status == "finished"
    lead = login_as("teamleider1")
    assert http.get("/api/v1/review/inspections", headers=lead.headers).status_code == 200  # no poisoned row


def test_a_quarantined_push_with_unstorable_text_is_acknowledged(login_as: LoginAs, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    body = {"client_id": "\x00" + device.client_id, "schema_version": 0,
            "mutations": [{"id": 3, "note": SURROGATE, "k\x00": NUL}, {"id": 2**70}]}
    r = _raw_post(http, "/api/v1/sync/push", body, device.headers)
    assert r.status_code == 200, r.text
    assert r.json()["last_mutation_id"] == 3


# --- office endpoints, login, parameters and headers ------------------------------------------------------------

def _office_cases(iid: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    address = {"street": "Voorbeeldstraat", "house_number": "1", "postcode": "6811AA", "city": "Arnhem"}
    return [
        ("teamleider1", "POST", f"/api/v1/review/inspections/{iid}/comments", {"body": NUL}),
        ("teamleider1", "POST", f"/api/v1/review/inspections/{iid}/referrals",
         {"partner": "politie_avim", "note": NUL}),
        ("teamleider1", "POST", f"/api/v1/review/inspections/{iid}/verifications",
         {"subject_id": "premises", "verdict": "gegrond", "reason": NUL}),
        ("teamleider1", "PATCH", f"/api/v1/review/inspections/{iid}/answers", {"note": SURROGATE}),
        ("teamleider1", "PATCH", f"/api/v1/review/inspections/{iid}/answers",
         {"question_id": "remarks", "value": ["a", "b\x00"]}),
        ("planner1", "POST", "/api/v1/establishments", {"name": NUL, "kind": "massagesalon", "address": address}),
        ("planner1", "POST", "/api/v1/establishments",
         {"name": "Salon", "kind": "massagesalon", "address": {**address, "street": NUL}}),
        ("planner1", "POST", "/api/v1/planning/controls",
         {"control_type": "pandenactie", "scheduled_on": "2026-12-10", "address": address,
          "inspector_ids": [str(uuid.uuid4())], "briefing": NUL}),
        ("beheerder1", "PUT", "/api/v1/enforcement-matrix",
         {"categories": [{"id": "a", "label": {"nl": NUL, "en": "b"}, "steps": [{"nl": "a", "en": "b"}]}]}),
        ("beheerder1", "PUT", "/api/v1/planning/years/2026/targets", {"kwetsbare_branches": [NUL]}),
        ("ketenregisseur1", "POST", "/api/v1/links/lookup", {"kind": "phone", "value": "06\x0012345678"}),
    ]


def test_office_endpoints_answer_422_and_store_nothing(login_as: LoginAs, http: httpx.Client,
                                                        settings: Settings) -> None:
    inspector = login_as("inspecteur1")
    iid, create = inspector.create_inspection()
    assert inspector.push([create]).json()["rejections"] == []
    tokens = {name: login_as(name).headers for name in ("teamleider1", "planner1", "beheerder1", "ketenregisseur1")}
    comments_before = _count(settings, Comment)
    for user, method, url, body in _office_cases(iid):
        r = http.request(method, url, content=json.dumps(body),
                         headers={**tokens[user], "Content-Type": "application/json"})
        assert r.status_code == 422, (url, r.text)
        error = r.json()
        assert error["code"] == "input_unstorable", (url, error)
        assert "niet kan worden opgeslagen" in error["message"] and error["message_en"]
    assert _count(settings, Comment) == comments_before


def test_login_with_unstorable_text_is_422(http: httpx.Client) -> None:
    for body in ({"username": "inspecteur1\x00", "password": "x"},
                 {"username": "inspecteur1", "password": "x", "device_name": "tablet\ud800"}):
        r = _raw_post(http, "/api/v1/auth/login", body, {})
        assert r.status_code == 422 and r.json()["code"] == "input_unstorable", r.text


def test_query_parameters_are_checked_too(login_as: LoginAs, http: httpx.Client) -> None:
    lead, planner = login_as("teamleider1"), login_as("planner1")
    for device, url, params in ((lead, "/api/v1/review/inspections", {"neighbourhood": "Centrum\x00"}),
                                (lead, "/api/v1/review/inspections", {"control_type": "\x00"}),
                                (planner, "/api/v1/establishments", {"kind": "massage\x00salon"})):
        r = http.get(url, params=params, headers=device.headers)
        assert r.status_code == 422 and r.json()["code"] == "input_unstorable", (url, r.text)
    assert http.get("/api/v1/review/inspections", params={"neighbourhood": "Centrum"},
                    headers=lead.headers).status_code == 200


def test_upload_headers_take_ascii_digits_only(login_as: LoginAs, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    sha = "d" * 64
    iid, create = device.create_inspection()
    attach = device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha, "size": 3,
                                                      "caption": ""})
    assert device.push([create, attach]).json()["rejections"] == []
    for offset, length in ((b"\xb2", b"3"), (b"0", b"\xb2"), (b"0", b"9" * 5000), (b"\xd9\xa0", b"3"),
                           (b"0", b"+3")):
        headers = {**device.headers, "Upload-Offset": offset, "Upload-Length": length}
        r = http.patch(f"/api/v1/blobs/{sha}", content=b"abc", headers=headers)  # type: ignore[arg-type]
        assert r.status_code == 400, (offset, length, r.text)
        assert r.json()["code"] == "upload_headers_invalid"
    r = http.head(f"/api/v1/blobs/{sha}%0A", headers=device.headers)
    assert r.status_code == 400  # "$" alone let a trailing newline through as part of the hash


RAW_BODIES = {
    "/api/v1/sync/push",  # a dict: each mutation's arguments are checked alone (a rejection, not a 422)
    "/api/v1/sync/handover",  # a revoked tablet's outbox, kept raw in quarantine (``schemas.inputs.cleaned``)
}


def _input_models(cls: type[BaseModel] = InputModel) -> set[str]:
    return {cls.__name__}.union(*(_input_models(sub) for sub in cls.__subclasses__()))


def test_every_request_body_is_an_input_model(settings: Settings) -> None:
    """One mechanism: a new endpoint's body model refuses unstorable text because it inherits ``InputModel``."""
    from sync_server.app import create_app

    app = create_app(settings)
    bodies: dict[str, str] = {}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema is not None and path not in RAW_BODIES:
                bodies[f"{method.upper()} {path}"] = schema.get("$ref", "").rpartition("/")[2]
    app.state.engine.dispose()
    assert bodies["POST /api/v1/auth/login"] == "LoginRequest"
    assert "POST /api/v1/review/inspections/{inspection_id}/comments" in bodies
    assert {route: name for route, name in bodies.items() if name not in _input_models()} == {}
