"""Correcting and removing identifiers on the server (SQLite and PostgreSQL, issue 14): ``identifier.remove.v1``
removes one identifier of the caller's own control (exactly once on a retried push, audited, the links follow); a
correction is a remove and an add in one push; a refused add names the rule of ``schemas.identifiers.problem`` as
its code, with a Dutch message, and the rest of the push applies."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from schemas.identifiers import PROBLEMS
from sync_server.errors import REJECTIONS

LoginAs = Callable[[str], Any]


def control(device: Any, street: str) -> tuple[str, dict[str, Any]]:
    return device.create_inspection(address={"street": street, "house_number": "3"})


def add(device: Any, iid: str, kind: str, value: str, identifier_id: str | None = None) -> dict[str, Any]:
    return device.mutation("identifier.add.v2", iid, {"identifier_id": identifier_id or str(uuid.uuid4()),
                                                      "kind": kind, "value": value, "question_id": None})


def remove(device: Any, iid: str, identifier_id: str) -> dict[str, Any]:
    return device.mutation("identifier.remove.v1", iid, {"identifier_id": identifier_id})


def lookup(http: httpx.Client, keten: Any, kind: str, value: str) -> list[str]:
    r = http.post("/api/v1/links/lookup", json={"kind": kind, "value": value}, headers=keten.headers)
    assert r.status_code == 200, r.text
    return [x["inspection_id"] for x in r.json()]


def hints(http: httpx.Client, lead: Any, iid: str) -> list[str]:
    r = http.get(f"/api/v1/links/inspections/{iid}/identifiers", headers=lead.headers)
    assert r.status_code == 200, r.text
    return [f"{x['kind']}:{x['hint']}" for x in r.json()]


def test_correct_an_identifier_links_only_the_corrected_value(http: httpx.Client, login_as: LoginAs) -> None:
    one, two, keten, lead = (login_as(u) for u in ("inspecteur1", "inspecteur2", "ketenregisseur1", "teamleider1"))
    a, create_a = control(one, "Correctieweg")
    wrong = str(uuid.uuid4())
    assert one.push([create_a, add(one, a, "uitzendbureau", "KvK 1111 2222", wrong)]).json()["rejections"] == []
    b, create_b = control(two, "Vergelijkweg")
    assert two.push([create_b, add(two, b, "uitzendbureau", "33334444")]).json()["rejections"] == []
    assert lookup(http, keten, "uitzendbureau", "11112222") == [a]

    # the correction: remove the wrong value, add the right one, in one push
    body = one.push([remove(one, a, wrong), add(one, a, "uitzendbureau", "3333 4444")]).json()
    assert body["rejections"] == [] and body["last_mutation_id"] == 4
    assert lookup(http, keten, "uitzendbureau", "11112222") == []
    assert sorted(lookup(http, keten, "uitzendbureau", "33334444")) == sorted([a, b])
    assert hints(http, lead, a) == ["uitzendbureau:33334444"]
    [linked] = http.get(f"/api/v1/links/inspections/{b}", headers=keten.headers).json()
    assert linked["inspection_id"] == a

    # audited: who removed which identifier of which control, with its masked hint only
    trail = http.get("/api/v1/review/audit", params={"inspection_id": a}, headers=lead.headers).json()["items"]
    [entry] = [e for e in trail if e["action"] == "remove_identifier" and e["object_id"] == wrong]
    assert entry["username"] == "inspecteur1" and entry["object_type"] == "identifier"
    assert entry["detail"]["kind"] == "uitzendbureau" and entry["detail"]["hint"] == "11112222"


def test_remove_is_applied_exactly_once_on_a_retried_push(http: httpx.Client, login_as: LoginAs) -> None:
    one, keten, lead = login_as("inspecteur1"), login_as("ketenregisseur1"), login_as("teamleider1")
    iid, create = control(one, "Herhaalweg")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [create, add(one, iid, "phone", "06 9876 1234", first), add(one, iid, "vehicle", "HH-01-AA", second),
             remove(one, iid, first)]
    replies = [one.push(batch).json() for _ in range(3)]  # the reply was lost twice: the tablet sends it again
    assert [r["last_mutation_id"] for r in replies] == [4, 4, 4]
    assert all(r["rejections"] == [] for r in replies)
    assert hints(http, lead, iid) == ["vehicle:H••••••"]
    assert lookup(http, keten, "phone", "0698761234") == []
    trail = http.get("/api/v1/review/audit", headers=lead.headers).json()["items"]
    assert len([e for e in trail if e["action"] == "remove_identifier" and e["object_id"] == first]) == 1
    # removing it again, or one that was never stored (its add was refused), changes nothing and is no rejection
    again = one.push([remove(one, iid, first), remove(one, iid, str(uuid.uuid4()))]).json()
    assert again["rejections"] == [] and hints(http, lead, iid) == ["vehicle:H••••••"]


def test_a_refused_add_can_be_cleared_by_its_remove(http: httpx.Client, login_as: LoginAs) -> None:
    one, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = control(one, "Weigerweg")
    refused = str(uuid.uuid4())
    body = one.push([create, add(one, iid, "uitzendbureau", "abc 😀", refused), remove(one, iid, refused),
                     add(one, iid, "uitzendbureau", "87654321")]).json()
    assert [(r["mutation_id"], r["code"]) for r in body["rejections"]] == [(2, "identifier_empty")]
    message = body["rejections"][0]["message"]
    assert message.startswith("Kenmerk geweigerd") and "normalis" not in message
    assert hints(http, lead, iid) == ["uitzendbureau:87654321"]
    [change] = [c for c in one.pull_all() if c["entity"] == "rejection"]
    assert change["data"]["code"] == "identifier_empty" and change["data"]["mutation_name"] == "identifier.add.v2"
    assert change["data"]["inspection_id"] == iid


def test_only_the_owner_removes_and_another_organisation_sees_nothing(http: httpx.Client,
                                                                      login_as: LoginAs) -> None:
    one, two, other, lead = (login_as(u) for u in ("inspecteur1", "inspecteur2", "inspecteur-vb", "teamleider1"))
    iid, create = control(one, "Eigenweg")
    kept = str(uuid.uuid4())
    assert one.push([create, add(one, iid, "landlord", "Voorbeeld Verhuur BV", kept)]).json()["rejections"] == []
    body = two.push([remove(two, iid, kept)]).json()
    assert [r["code"] for r in body["rejections"]] == ["forbidden"]
    body = other.push([remove(other, iid, kept)]).json()
    assert [r["code"] for r in body["rejections"]] == ["not_found"]  # another organisation: not confirmed to exist
    # an identifier id of another control, removed through one's own control, is not found there: nothing changes
    mine, create_mine = control(one, "Andereweg")
    assert one.push([create_mine, remove(one, mine, kept)]).json()["rejections"] == []
    assert hints(http, lead, iid) == ["landlord:v••••••"]


@pytest.mark.parametrize("args", [{}, {"identifier_id": "geen-uuid"}, {"identifier_id": str(uuid.uuid4()), "x": 1},
                                  {"identifier_id": None}])
def test_malformed_remove_is_a_rejection_and_the_push_goes_on(http: httpx.Client, login_as: LoginAs,
                                                              args: dict[str, Any]) -> None:
    one, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = control(one, "Vormweg")
    body = one.push([create, one.mutation("identifier.remove.v1", iid, args), add(one, iid, "vehicle", "ZZ-12-ZZ")])
    assert body.status_code == 200, body.text
    assert [(r["mutation_id"], r["code"]) for r in body.json()["rejections"]] == [(2, "invalid_args")]
    assert hints(http, lead, iid) == ["vehicle:Z••••••"]


@pytest.mark.parametrize(("kind", "value", "code"), [
    ("uitzendbureau", "abc 😀", "identifier_empty"),
    ("uitzendbureau", "KvK 123", "identifier_kvk_invalid"),
    ("phone", "112", "identifier_phone_invalid"),
    ("vehicle", "X", "identifier_plate_invalid"),
    ("url", "advertentie op de site", "identifier_url_invalid"),
    ("intermediary", "😀 !!", "identifier_empty"),
])
def test_each_rule_of_the_one_validator_is_a_dutch_rejection(http: httpx.Client, login_as: LoginAs, kind: str,
                                                             value: str, code: str) -> None:
    one, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = control(one, "Regelweg")
    body = one.push([create, add(one, iid, kind, value), add(one, iid, "phone", "0612121212")]).json()
    assert [(r["mutation_id"], r["code"]) for r in body["rejections"]] == [(2, code)]
    assert body["rejections"][0]["message"] == REJECTIONS[code][0]  # Dutch, no English detail
    assert hints(http, lead, iid) == ["phone:06••••••"]


def test_every_problem_has_a_rejection_text() -> None:
    assert set(PROBLEMS) <= set(REJECTIONS)
    for code in PROBLEMS:
        nl, en = REJECTIONS[code]
        assert nl.startswith("Kenmerk geweigerd") and en.startswith("Identifier refused")
