"""Identifiers asked by checklist questions, on the server (SQLite and PostgreSQL): ``identifier.add.v2`` keeps the
question id, every answer listing a control's identifiers returns it with the question's label; an old tablet's
``identifier.add.v1`` is still accepted; a malformed question id or an impossible value is a rejection that syncs
back while the rest of the push applies."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import Uuid, bindparam, create_engine, text

from schemas.templates import parse_template
from sync_server.catalog.service import publish_template
from sync_server.cli import in_transaction
from sync_server.config import Settings

LoginAs = Callable[[str], Any]

TEMPLATE_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "identifier_template.yaml").read_text(encoding="utf-8"))
PHONE_LABEL = {"nl": "Telefoonnummer in de advertentie", "en": "Phone number in the advertisement"}


@pytest.fixture(scope="module", autouse=True)
def identifier_template(settings: Settings) -> None:
    """The format-2 test checklist with identifier questions, published on this module's server."""
    in_transaction(settings, lambda s: publish_template(session=s, template=parse_template(TEMPLATE_DATA)))


def control(device: Any, street: str) -> tuple[str, dict[str, Any]]:
    return device.create_inspection(template_id=TEMPLATE_DATA["id"], control_type=TEMPLATE_DATA["control_type"],
                                    address={"street": street, "house_number": "1"})


def v2(device: Any, iid: str, kind: str, value: str, question_id: Any = None) -> dict[str, Any]:
    return device.mutation("identifier.add.v2", iid, {"identifier_id": str(uuid.uuid4()), "kind": kind,
                                                      "value": value, "question_id": question_id})


def v1(device: Any, iid: str, kind: str, value: str) -> dict[str, Any]:
    return device.mutation("identifier.add.v1", iid, {"identifier_id": str(uuid.uuid4()), "kind": kind,
                                                      "value": value})


def stored(settings: Settings, iid: str) -> list[tuple[str, str, str | None]]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        query = text("SELECT kind, hint, question_id FROM control_identifier WHERE inspection_id = :i "
                     "ORDER BY created_at").bindparams(bindparam("i", type_=Uuid))
        rows = conn.execute(query, {"i": uuid.UUID(iid)}).all()
    engine.dispose()
    return [(kind, h, qid) for kind, h, qid in rows]


def test_question_id_is_stored_and_returned(http: httpx.Client, login_as: LoginAs, settings: Settings) -> None:
    one, two, keten, lead = (login_as(u) for u in ("inspecteur1", "inspecteur2", "ketenregisseur1", "teamleider1"))
    a, create_a = control(one, "Advertentieweg")
    body = one.push([create_a, v2(one, a, "phone", "06-55 44 33 22", "advertentie_telefoon"),
                     v2(one, a, "vehicle", "ab-123-c", "vervoer_kenteken"),
                     v2(one, a, "landlord", "Voorbeeld Vastgoed", "vraag_die_er_niet_is"),
                     v2(one, a, "url", "example.org/ad/1")]).json()
    assert body["rejections"] == []
    b, create_b = control(two, "Koppelweg")
    assert two.push([create_b, v1(two, b, "phone", "+31 6 55443322")]).json()["rejections"] == []  # an old tablet
    assert stored(settings, a) == [("phone", "06••••••", "advertentie_telefoon"), ("vehicle", "A••••••",
                                   "vervoer_kenteken"), ("landlord", "v••••••", "vraag_die_er_niet_is"),
                                   ("url", "e••••••", None)]
    assert stored(settings, b) == [("phone", "06••••••", None)]

    r = http.get(f"/api/v1/links/inspections/{a}/identifiers", headers=lead.headers)
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"kind": "phone", "hint": "06••••••", "question_id": "advertentie_telefoon", "question": PHONE_LABEL},
        {"kind": "vehicle", "hint": "A••••••", "question_id": "vervoer_kenteken",
         "question": {"nl": "Kenteken van de auto die haar bracht", "en": "Plate of the car that brought her"}},
        {"kind": "landlord", "hint": "v••••••", "question_id": "vraag_die_er_niet_is", "question": None},
        {"kind": "url", "hint": "e••••••", "question_id": None, "question": None},
    ]
    assert http.get(f"/api/v1/links/inspections/{a}/identifiers", headers=one.headers).status_code == 403
    assert http.get(f"/api/v1/links/inspections/{uuid.uuid4()}/identifiers", headers=keten.headers).status_code == 404

    # the links name the identifiers that make them, with their question
    [linked] = http.get(f"/api/v1/links/inspections/{b}", headers=keten.headers).json()
    assert linked["inspection_id"] == a and linked["identifiers"] == [
        {"kind": "phone", "hint": "06••••••", "question_id": "advertentie_telefoon", "question": PHONE_LABEL}]
    [back] = http.get(f"/api/v1/review/inspections/{a}/review", headers=lead.headers).json()["linked"]
    assert back["inspection_id"] == b and back["identifiers"] == [
        {"kind": "phone", "hint": "06••••••", "question_id": None, "question": None}]
    [cluster] = [c for c in http.get("/api/v1/links/clusters", headers=keten.headers).json()["items"]
                 if {x["inspection_id"] for x in c["controls"]} == {a, b}]
    by_control = {x["inspection_id"]: [i["question_id"] for i in x["identifiers"]] for x in cluster["controls"]}
    assert by_control == {a: ["advertentie_telefoon"], b: [None]}
    found = http.post("/api/v1/links/lookup", json={"kind": "phone", "value": "0655443322"}, headers=keten.headers)
    assert {x["inspection_id"]: x["identifiers"][0]["question"] for x in found.json()} == {a: PHONE_LABEL, b: None}


def test_v1_keeps_its_signature(login_as: LoginAs) -> None:
    one = login_as("inspecteur1")
    iid, create = control(one, "Oudeweg")
    args = {"identifier_id": str(uuid.uuid4()), "kind": "phone", "value": "0612345678",
            "question_id": "advertentie_telefoon"}
    body = one.push([create, one.mutation("identifier.add.v1", iid, args), v1(one, iid, "phone", "0612345678")]).json()
    assert [(r["mutation_id"], r["code"]) for r in body["rejections"]] == [(2, "invalid_args")]


@pytest.mark.parametrize("question_id", ["1vraag", "vraag-met-streepje", "q" * 65, "", 42, ["a"]])
def test_malformed_question_id_is_a_rejection_and_the_push_goes_on(http: httpx.Client, login_as: LoginAs,
                                                                   settings: Settings, question_id: Any) -> None:
    one = login_as("inspecteur1")
    iid, create = control(one, "Foutweg")
    bad = v2(one, iid, "phone", "0611112222", question_id)
    body = one.push([create, bad, v2(one, iid, "vehicle", "XX-99-YY", "vervoer_kenteken"),
                     one.mutation("answer.set.v1", iid, {"person_id": None, "question_id": "advertentie_gevonden",
                                                         "value": True})])
    assert body.status_code == 200, body.text
    reply = body.json()
    assert reply["last_mutation_id"] == 4
    assert [(r["mutation_id"], r["code"]) for r in reply["rejections"]] == [(bad["id"], "invalid_args")]
    assert "question_id" in reply["rejections"][0]["message"]
    assert stored(settings, iid) == [("vehicle", "X••••••", "vervoer_kenteken")]
    rejections = [c for c in one.pull_all() if c["entity"] == "rejection"]
    assert [c["data"]["mutation_name"] for c in rejections][-1] == "identifier.add.v2"


def test_impossible_kvk_number_is_a_rejection_not_a_server_error(login_as: LoginAs, settings: Settings) -> None:
    one = login_as("inspecteur1")
    iid, create = control(one, "Kvkweg")
    body = one.push([create, v2(one, iid, "uitzendbureau", "1" * 41, "uitzendbureau_kvk"),
                     v2(one, iid, "uitzendbureau", "KvK 1234 5678", "uitzendbureau_kvk")])
    assert body.status_code == 200, body.text
    assert [(r["mutation_id"], r["code"]) for r in body.json()["rejections"]] == [(2, "identifier_kvk_invalid")]
    assert stored(settings, iid) == [("uitzendbureau", "12345678", "uitzendbureau_kvk")]
