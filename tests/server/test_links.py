"""Links between controls through keyed hashes of identifiers: linked, not linked, clusters, lookup, privacy."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from review_helpers import flagged_control
from sqlalchemy import create_engine, text

from schemas.identifiers import IdentifierKind, hint, normalise
from sync_server.config import Settings

LoginAs = Callable[[str], Any]


@pytest.mark.parametrize(("kind", "a", "b"), [
    (IdentifierKind.PHONE, "06-12 34 56 78", "+31 6 12345678"),
    (IdentifierKind.PHONE, "0031612345678", "0612345678"),
    (IdentifierKind.URL, "https://www.Example.nl/advertentie/12/", "example.nl/advertentie/12"),
    (IdentifierKind.VEHICLE, "ab-123-c", "AB 123 C"),
    (IdentifierKind.UITZENDBUREAU, "KvK 1234 5678", "12345678"),
    (IdentifierKind.LANDLORD, "  Voorbeeld  Vastgoed B.V. ", "voorbeeld vastgoed bv"),
])
def test_normalise_makes_variants_equal(kind: IdentifierKind, a: str, b: str) -> None:
    assert normalise(kind, a) == normalise(kind, b) != ""


def test_hint_masks() -> None:
    assert hint(IdentifierKind.PHONE, "0612345678") == "06••••••"
    assert hint(IdentifierKind.VEHICLE, "AB1") == "••••••"
    assert hint(IdentifierKind.UITZENDBUREAU, "12345678") == "12345678"  # a public register number


@pytest.mark.parametrize(("kind", "value", "shown"), [
    (IdentifierKind.PHONE, "0698765470", 2), (IdentifierKind.PHONE, "+4915123456789", 2),
    (IdentifierKind.URL, "kinky.example/advertentie/123456", 1), (IdentifierKind.VEHICLE, "XX99YY", 1),
    (IdentifierKind.INTERMEDIARY, "jan jansen", 1), (IdentifierKind.LANDLORD, "voorbeeld vastgoed bv", 1),
    (IdentifierKind.PHONE, "11234", 0), (IdentifierKind.LANDLORD, "abcd", 0),
])
def test_a_hint_shows_at_most_the_start_and_never_the_length(kind: IdentifierKind, value: str, shown: int) -> None:
    """Issue 12 (8): ``06••••••70`` left 10⁶ phone numbers to someone holding the key; a hint now shows no digit
    beyond the prefix (``06``: mobile) and always six dots, so it narrows no guess down."""
    assert hint(kind, value) == value[:shown] + "••••••"


def test_two_controls_sharing_a_phone_number_are_linked(http: httpx.Client, login_as: LoginAs,
                                                        settings: Settings) -> None:
    one, two, keten = login_as("inspecteur1"), login_as("inspecteur2"), login_as("ketenregisseur1")
    a = flagged_control(one, street="Linkstraat", identifiers=[("phone", "06-98 76 54 32")])
    b = flagged_control(two, street="Koppelweg", identifiers=[("phone", "+31698765432"), ("vehicle", "XX-99-YY")])
    c = flagged_control(one, street="Losseweg", identifiers=[("phone", "0611111111"), ("url", "example.org/x")])
    d = flagged_control(one, street="Nergensweg")

    def linked(iid: str) -> list[dict[str, Any]]:
        r = http.get(f"/api/v1/links/inspections/{iid}", headers=keten.headers)
        assert r.status_code == 200, r.text
        return r.json()

    assert [(x["inspection_id"], x["kinds"]) for x in linked(a)] == [(b, ["phone"])]
    assert [x["inspection_id"] for x in linked(b)] == [a]
    assert linked(c) == [] and linked(d) == []
    clusters = http.get("/api/v1/links/clusters", headers=keten.headers).json()["items"]
    mine = [cl for cl in clusters if {x["inspection_id"] for x in cl["controls"]} & {a, b, c, d}]
    assert len(mine) == 1 and {x["inspection_id"] for x in mine[0]["controls"]} == {a, b}
    assert mine[0]["kinds"] == ["phone"] and mine[0]["hints"] == ["phone: 06••••••"]
    # the review state of a control shows its linked controls too
    lead = login_as("teamleider1")
    state = http.get(f"/api/v1/review/inspections/{a}/review", headers=lead.headers).json()
    assert [x["inspection_id"] for x in state["linked"]] == [b]

    # never plain: the database holds only the keyed hash and a masked hint
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, digest, hint, public_value FROM control_identifier")).all()
    engine.dispose()
    dump = repr(rows)
    for plain in ("98765432", "0698765432", "XX99YY", "example.org", "0611111111"):
        assert plain not in dump
    expected = hmac.new(settings.identifier_key.encode(), b"phone:0698765432", hashlib.sha256).hexdigest()
    assert ("phone", expected, "06••••••", None) in [tuple(r) for r in rows]


def test_lookup_is_audited_and_refused_to_others(http: httpx.Client, login_as: LoginAs) -> None:
    one, keten, lead = login_as("inspecteur1"), login_as("ketenregisseur1"), login_as("teamleider1")
    a = flagged_control(one, street="Zoekstraat", identifiers=[("url", "https://zoek.example/ad/7")])
    r = http.post("/api/v1/links/lookup", json={"kind": "url", "value": "zoek.example/ad/7/"}, headers=keten.headers)
    assert r.status_code == 200 and [x["inspection_id"] for x in r.json()] == [a]
    r = http.post("/api/v1/links/lookup", json={"kind": "url", "value": "ander.example"}, headers=keten.headers)
    assert r.json() == []
    trail = http.get("/api/v1/review/audit", headers=lead.headers).json()["items"]
    lookups = [e for e in trail if e["action"] == "lookup_identifier"]
    assert lookups[0]["username"] == "ketenregisseur1" and lookups[0]["object_id"] == "url"
    assert "zoek" not in repr(trail)
    for who in (lead, one, login_as("planner1")):
        assert http.post("/api/v1/links/lookup", json={"kind": "url", "value": "x"}, headers=who.headers
                         ).status_code == 403
        assert http.get("/api/v1/links/clusters", headers=who.headers).status_code == 403
    assert http.get(f"/api/v1/links/inspections/{a}", headers=one.headers).status_code == 403
    assert http.get(f"/api/v1/links/inspections/{uuid.uuid4()}", headers=keten.headers).status_code == 404
    r = http.post("/api/v1/links/lookup", json={"kind": "naam", "value": "x"}, headers=keten.headers)
    assert r.status_code == 422


def test_identifier_mutation_rejections(http: httpx.Client, login_as: LoginAs) -> None:
    one, two = login_as("inspecteur1"), login_as("inspecteur2")
    iid = flagged_control(one)
    ident = str(uuid.uuid4())
    body = one.push([one.mutation("identifier.add.v1", iid, {"identifier_id": ident, "kind": "phone",
                                                             "value": "06 1234 5612"}),
                     one.mutation("identifier.add.v1", iid, {"identifier_id": ident, "kind": "phone",
                                                             "value": "06 1234 5613"}),
                     one.mutation("identifier.add.v1", iid, {"identifier_id": str(uuid.uuid4()), "kind": "phone",
                                                             "value": "geen cijfers"}),
                     one.mutation("identifier.add.v1", iid, {"identifier_id": str(uuid.uuid4()), "kind": "bsn",
                                                             "value": "1"})]).json()
    assert [r["code"] for r in body["rejections"]] == ["already_exists", "identifier_empty", "invalid_args"]
    body = two.push([two.mutation("identifier.add.v1", iid, {"identifier_id": str(uuid.uuid4()), "kind": "phone",
                                                             "value": "0612"})]).json()
    assert [r["code"] for r in body["rejections"]] == ["forbidden"]
