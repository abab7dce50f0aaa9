"""Organisations and teams enforced on the server: another organisation's controls, photos, establishments,
planned controls and clusters answer 404 or are absent from lists and counts; a teamleider reviews only their
own team; the ketenregisseur the whole organisation (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from photo_helpers import fake_photo, upload
from review_helpers import flagged_control
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.auth import service as users
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.seed import DEMO_PASSWORD
from sync_server.tenancy import service as tenancy

LoginAs = Callable[[str], Any]
OTHER_ORG, OTHER_TEAM = "gemeente-voorbeeldstad", "handhaving"  # the second demo organisation
SECOND_TEAM = "recherche"  # a second team in the default organisation, made here


def add_user(settings: Settings, username: str, role: Role, org_key: str, team_key: str) -> None:
    """Create ``username`` in team ``org_key/team_key`` (the team too, when missing); idempotent."""

    def work(s: Session) -> None:
        team = tenancy.get_team(session=s, organisation_key=org_key, team_key=team_key)
        if team is None:
            team, _ = tenancy.create_team(session=s, organisation_key=org_key, team_key=team_key, team_name=team_key)
        if users.get_by_username(session=s, username=username) is None:
            users.create(session=s, username=username, password=DEMO_PASSWORD, role=role, display_name=username,
                         team_id=team.id)

    in_transaction(settings, work)


@pytest.fixture(scope="module", autouse=True)
def tenants(settings: Settings) -> None:
    for name, role in (("keten-vb", Role.KETENREGISSEUR), ("planner-vb", Role.PLANNER),
                       ("beheerder-vb", Role.BEHEERDER)):
        add_user(settings, name, role, OTHER_ORG, OTHER_TEAM)
    add_user(settings, "teamleider-rc", Role.TEAMLEIDER, tenancy.DEFAULT_ORGANISATION_KEY, SECOND_TEAM)
    add_user(settings, "inspecteur-rc", Role.INSPECTEUR, tenancy.DEFAULT_ORGANISATION_KEY, SECOND_TEAM)


def _control_with_photo(http: httpx.Client, device: Any, *, street: str) -> tuple[str, str]:
    """A finished, flagged control with one uploaded photo and a phone number; returns (id, sha256)."""
    iid = flagged_control(device, street=street, identifiers=[("phone", "06-55 44 33 22")])
    data, sha = fake_photo(2003)
    attach = device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                      "size": len(data), "caption": "gevel"})
    assert device.push([attach]).json()["rejections"] == []
    assert upload(http, device, data, sha).status_code == 201
    return iid, sha


@pytest.fixture
def arnhem_control(http: httpx.Client, login_as: LoginAs) -> tuple[str, str]:
    """A control of the default organisation (team interventieteam) with a photo."""
    return _control_with_photo(http, login_as("inspecteur1"), street="Grensstraat")


def _ids(r: httpx.Response, key: str = "id") -> set[str]:
    assert r.status_code == 200, r.text
    body = r.json()
    return {str(row[key]) for row in (body["items"] if isinstance(body, dict) else body)}  # a page or a list


def test_another_organisation_reads_none_of_the_controls(http: httpx.Client, login_as: LoginAs,
                                                         arnhem_control: tuple[str, str]) -> None:
    iid, sha = arnhem_control
    for username in ("teamleider-vb", "keten-vb"):
        other = login_as(username)
        h = other.headers
        assert iid not in _ids(http.get("/api/v1/review/inspections", headers=h))
        for path in (f"/review/inspections/{iid}", f"/review/inspections/{iid}/review",
                     f"/review/inspections/{iid}/report.pdf", f"/review/inspections/{iid}/conflicts",
                     f"/links/inspections/{iid}", f"/blobs/{sha}", f"/review/audit?inspection_id={iid}"):
            r = http.get(f"/api/v1{path}", headers=h)
            assert r.status_code in (404, 403), (username, path, r.status_code)
            if r.status_code == 403:
                assert username == "keten-vb" and "audit" in path  # the ketenregisseur has no audit screen at all
            else:
                assert r.json()["code"] == "not_found"
        assert iid not in _ids(http.get("/api/v1/review/signals", headers=h), "inspection_id")
        assert iid not in http.get("/api/v1/review/audit", headers=h).text


def test_another_organisations_teamleider_cannot_act_on_a_control(http: httpx.Client, login_as: LoginAs,
                                                                  arnhem_control: tuple[str, str]) -> None:
    iid, _sha = arnhem_control
    lead = login_as("teamleider-vb")
    h = lead.headers
    acts = [("post", f"/review/inspections/{iid}/verifications",
             {"subject_id": "p1", "verdict": "gegrond", "reason": "x"}),
            ("post", f"/review/inspections/{iid}/referrals", {"partner": "riec", "note": ""}),
            ("post", f"/review/inspections/{iid}/comments", {"body": "niet van u"}),
            ("patch", f"/review/inspections/{iid}/answers", {"question_id": "locked_in", "value": False}),
            ("patch", f"/review/inspections/{iid}/answers", {"note": "overschreven"})]
    for method, path, body in acts:
        r = http.request(method.upper(), f"/api/v1{path}", json=body, headers=h)
        assert r.status_code == 404 and r.json()["code"] == "not_found", (path, r.text)
    own = login_as("teamleider1")  # the control is untouched
    detail = http.get(f"/api/v1/review/inspections/{iid}", headers=own.headers).json()
    assert detail["note"] == "" and detail["answers"]["locked_in"] is False
    review = http.get(f"/api/v1/review/inspections/{iid}/review", headers=own.headers).json()
    assert review["verifications"] == [] and review["referrals"] == [] and review["comments"] == []


def test_resolving_another_organisations_conflict_is_404(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead, foreign = login_as("inspecteur1"), login_as("teamleider1"), login_as("teamleider-vb")
    iid, create = inspector.create_inspection()
    assert inspector.push([create]).json()["rejections"] == []
    r = http.patch(f"/api/v1/review/inspections/{iid}/answers", json={"note": "kantoor"}, headers=lead.headers)
    assert r.status_code == 200
    note = inspector.mutation("inspection.update.v1", iid, {"note": "tablet"})
    assert inspector.push([note]).json()["rejections"] == []
    conflicts = http.get(f"/api/v1/review/inspections/{iid}/conflicts", headers=lead.headers).json()
    assert len(conflicts) == 1
    r = http.post(f"/api/v1/review/conflicts/{conflicts[0]['id']}/resolve", json={"keep": "device"},
                  headers=foreign.headers)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    still = http.get(f"/api/v1/review/inspections/{iid}/conflicts", headers=lead.headers).json()
    assert still[0]["status"] == "open"


def test_counts_exports_and_clusters_are_per_organisation(http: httpx.Client, login_as: LoginAs,
                                                          arnhem_control: tuple[str, str]) -> None:
    iid, _sha = arnhem_control
    keten_a, keten_b = login_as("ketenregisseur1"), login_as("keten-vb")
    a = http.get("/api/v1/reporting/overview", headers=keten_a.headers).json()
    b_before = http.get("/api/v1/reporting/overview", headers=keten_b.headers).json()
    assert a["controls"] >= 1
    inspector_b = login_as("inspecteur-vb")
    b_iid = flagged_control(inspector_b, street="Voorbeeldlaan", identifiers=[("phone", "06-55 44 33 22")])
    b_after = http.get("/api/v1/reporting/overview", headers=keten_b.headers).json()
    assert b_after["controls"] == b_before["controls"] + 1  # its own control counts ...
    assert http.get("/api/v1/reporting/overview", headers=keten_a.headers).json()["controls"] == a["controls"]
    for purpose in ("mdo", "riec"):
        text = http.get(f"/api/v1/reporting/exports/{purpose}.csv", headers=keten_b.headers).content.decode("utf-8-sig")
        assert "Voorbeeldlaan" in text and "Grensstraat" not in text
    # the same phone number in both organisations links nothing across the boundary
    assert http.get(f"/api/v1/links/inspections/{b_iid}", headers=keten_b.headers).json() == []
    assert all(b_iid not in {c["inspection_id"] for c in cl["controls"]}
               for cl in http.get("/api/v1/links/clusters", headers=keten_a.headers).json()["items"])
    for cl in http.get("/api/v1/links/clusters", headers=keten_b.headers).json()["items"]:
        assert iid not in {c["inspection_id"] for c in cl["controls"]}
    found = http.post("/api/v1/links/lookup", json={"kind": "phone", "value": "0655443322"},
                      headers=keten_b.headers).json()
    assert {c["inspection_id"] for c in found} == {b_iid}
    assert iid in {c["inspection_id"] for c in http.post("/api/v1/links/lookup", json={
        "kind": "phone", "value": "0655443322"}, headers=keten_a.headers).json()}
    agencies = http.get("/api/v1/reporting/agencies", headers=keten_b.headers).text
    assert iid not in agencies


def test_a_teamleider_sees_only_their_own_team_the_ketenregisseur_the_organisation(
        http: httpx.Client, login_as: LoginAs, arnhem_control: tuple[str, str]) -> None:
    iid, sha = arnhem_control
    team_b_inspector = login_as("inspecteur-rc")
    b_iid = flagged_control(team_b_inspector, street="Teamweg")
    lead_a, lead_b, keten = login_as("teamleider1"), login_as("teamleider-rc"), login_as("ketenregisseur1")
    queue_a = _ids(http.get("/api/v1/review/inspections", headers=lead_a.headers))
    queue_b = _ids(http.get("/api/v1/review/inspections", headers=lead_b.headers))
    assert iid in queue_a and b_iid not in queue_a
    assert b_iid in queue_b and iid not in queue_b
    assert {iid, b_iid} <= _ids(http.get("/api/v1/review/inspections", headers=keten.headers))
    assert http.get(f"/api/v1/review/inspections/{iid}", headers=lead_b.headers).status_code == 404
    assert http.get(f"/api/v1/blobs/{sha}", headers=lead_b.headers).status_code == 404
    assert http.get(f"/api/v1/blobs/{sha}", headers=lead_a.headers).status_code == 200
    assert http.get(f"/api/v1/blobs/{sha}", headers=keten.headers).status_code == 200
    r = http.post(f"/api/v1/review/inspections/{iid}/verifications",
                  json={"subject_id": "p1", "verdict": "gegrond", "reason": "x"}, headers=lead_b.headers)
    assert r.status_code == 404
    r = http.post(f"/api/v1/review/inspections/{b_iid}/verifications",
                  json={"subject_id": "p1", "verdict": "gegrond", "reason": "eigen team"}, headers=lead_b.headers)
    assert r.status_code == 201, r.text
    assert http.get(f"/api/v1/review/inspections/{b_iid}", headers=keten.headers).status_code == 200
    signals_b = _ids(http.get("/api/v1/review/signals", headers=lead_b.headers), "inspection_id")
    assert iid not in signals_b and b_iid in signals_b
    http.post(f"/api/v1/review/inspections/{iid}/comments", json={"body": "alleen voor team A"},
              headers=lead_a.headers)
    audit_b = http.get("/api/v1/review/audit", headers=lead_b.headers).text
    assert "alleen voor team A" not in audit_b and "eigen team" in audit_b
    assert "alleen voor team A" in http.get("/api/v1/review/audit", headers=lead_a.headers).text


def test_same_photo_in_two_organisations_is_two_blobs(http: httpx.Client, login_as: LoginAs,
                                                      settings: Settings) -> None:
    from sync_server.blobs.models import Blob

    a, b = login_as("inspecteur1"), login_as("inspecteur-vb")
    data, sha = fake_photo(2003)
    assert upload(http, a, data, sha).status_code == 201
    assert http.head(f"/api/v1/blobs/{sha}", headers=a.headers).status_code == 200
    head = http.head(f"/api/v1/blobs/{sha}", headers=b.headers)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"  # nothing said about org A's photo
    half = upload(http, b, data, sha)  # one PATCH with all bytes: org B stores its own copy
    assert half.status_code == 201
    assert http.head(f"/api/v1/blobs/{sha}", headers=b.headers).status_code == 200
    rows = in_transaction(settings, lambda s: list(s.scalars(select(Blob.organisation_id).where(Blob.sha256 == sha))))
    assert len(rows) == 2 and len(set(rows)) == 2
    files = sorted(p.relative_to(settings.blobs).parts[0] for p in settings.blobs.rglob(sha))
    assert files == sorted(str(o) for o in rows)  # one file in each organisation's folder


def test_a_partial_upload_of_one_organisation_is_not_resumed_by_another(http: httpx.Client,
                                                                        login_as: LoginAs) -> None:
    a, b = login_as("inspecteur1"), login_as("inspecteur-vb")
    data, sha = fake_photo(2003)
    headers = {**a.headers, "Upload-Offset": "0", "Upload-Length": str(len(data))}
    assert http.patch(f"/api/v1/blobs/{sha}", content=data[:500], headers=headers).status_code == 204
    assert http.head(f"/api/v1/blobs/{sha}", headers=b.headers).headers["Upload-Offset"] == "0"
    r = http.patch(f"/api/v1/blobs/{sha}", content=data[500:],
                   headers={**b.headers, "Upload-Offset": "500", "Upload-Length": str(len(data))})
    assert r.status_code == 409 and r.headers["Upload-Offset"] == "0"


def test_pushing_into_another_organisations_control_is_rejected_as_not_found(
        login_as: LoginAs, arnhem_control: tuple[str, str]) -> None:
    iid, _sha = arnhem_control
    other = login_as("inspecteur-vb")
    body = other.push([other.mutation("inspection.update.v1", iid, {"note": "x"})]).json()
    assert [r["code"] for r in body["rejections"]] == ["not_found"]


def test_planning_and_register_are_per_organisation(http: httpx.Client, login_as: LoginAs) -> None:
    planner_a, planner_b = login_as("planner1"), login_as("planner-vb")
    inspectors_a = {u["username"] for u in http.get("/api/v1/planning/inspectors", headers=planner_a.headers).json()}
    inspectors_b = http.get("/api/v1/planning/inspectors", headers=planner_b.headers).json()
    assert "inspecteur-vb" not in inspectors_a and {u["username"] for u in inspectors_b} == {"inspecteur-vb"}
    a_inspector = login_as("inspecteur1").user["id"]
    day = (date.today() + timedelta(days=3)).isoformat()
    control = {"control_type": "pandenactie", "scheduled_on": day, "inspector_ids": [a_inspector],
               "address": {"street": "Planstraat", "house_number": "4", "postcode": "6811 AA", "city": "Arnhem"}}
    refused = http.post("/api/v1/planning/controls", json=control, headers=planner_b.headers)
    assert refused.status_code == 422 and refused.json()["code"] == "inspector_other_organisation"
    unknown = http.post("/api/v1/planning/controls", json={**control, "inspector_ids": [str(uuid.uuid4())]},
                        headers=planner_b.headers)
    assert unknown.json()["code"] == "inspector_other_organisation"  # the same answer: nothing confirmed
    made = http.post("/api/v1/planning/controls", json=control, headers=planner_a.headers)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert cid not in _ids(http.get("/api/v1/planning/controls", headers=planner_b.headers))
    assert "Planstraat" not in http.get("/api/v1/planning/calendar.ics", headers=planner_b.headers).text
    assert http.patch(f"/api/v1/planning/controls/{cid}", json={"briefing": "x"},
                      headers=planner_b.headers).status_code == 404
    assert http.delete(f"/api/v1/planning/controls/{cid}", headers=planner_b.headers).status_code == 404
    reassign = http.patch(f"/api/v1/planning/controls/{cid}", json={"inspector_ids": [inspectors_b[0]["id"]]},
                          headers=planner_a.headers)
    assert reassign.status_code == 422 and reassign.json()["code"] == "inspector_other_organisation"
    suggestions = http.get("/api/v1/planning/suggestions", headers=planner_b.headers).text
    assert "Planstraat" not in suggestions and "Grensstraat" not in suggestions
    est = http.get("/api/v1/establishments", headers=planner_a.headers).json()
    assert est and http.get("/api/v1/establishments", headers=planner_b.headers).json() == []
    eid = est[0]["id"]
    assert http.get(f"/api/v1/establishments/{eid}", headers=planner_b.headers).status_code == 404
    body = {"name": "Overname", "kind": "horeca", "address": control["address"]}
    assert http.put(f"/api/v1/establishments/{eid}", json=body, headers=planner_b.headers).status_code == 404
    violation = {"occurred_on": date.today().isoformat(), "category": "vergunningvoorschriften", "description": ""}
    assert http.post(f"/api/v1/establishments/{eid}/violations", json=violation,
                     headers=planner_b.headers).status_code == 404


def test_year_plan_and_matrix_are_per_organisation(http: httpx.Client, login_as: LoginAs) -> None:
    planner_a, planner_b, admin_b = login_as("planner1"), login_as("planner-vb"), login_as("beheerder-vb")
    year = date.today().year
    before = http.get(f"/api/v1/planning/years/{year}", headers=planner_a.headers).json()
    targets = {**before["targets"], "pandenacties": before["targets"]["pandenacties"] + 17}
    r = http.put(f"/api/v1/planning/years/{year}/targets", json=targets, headers=planner_b.headers)
    assert r.status_code == 200, r.text
    assert http.get(f"/api/v1/planning/years/{year}", headers=planner_a.headers).json()["targets"] == before["targets"]
    assert http.get(f"/api/v1/planning/years/{year}", headers=planner_b.headers).json()["targets"] == targets
    matrix_a = http.get("/api/v1/enforcement-matrix", headers=planner_a.headers).json()
    edited = {**matrix_a, "lookback_months": matrix_a["lookback_months"] + 1}
    saved = http.put("/api/v1/enforcement-matrix", json=edited, headers=admin_b.headers)
    assert saved.status_code == 200, saved.text
    assert http.get("/api/v1/enforcement-matrix", headers=planner_a.headers).json() == matrix_a
    assert http.get("/api/v1/enforcement-matrix", headers=planner_b.headers).json()["lookback_months"] == \
        edited["lookback_months"]


def test_users_and_devices_are_per_organisation(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    """Another organisation's beheerder neither lists nor acts on this organisation's users and devices (404), and a
    revoke, disable or reset by them changes nothing here (issue 12, part B)."""
    tablet = login_as("inspecteur1")
    target = in_transaction(settings, lambda s: users.get_by_username(session=s, username="inspecteur1"))
    assert target is not None
    foreign = login_as("beheerder-vb")
    listed = http.get("/api/v1/admin/users", headers=foreign.headers)
    assert listed.status_code == 200 and "inspecteur1" not in listed.text and "beheerder-vb" in listed.text
    for method, path in (("GET", f"/admin/users/{target.id}"), ("POST", f"/admin/devices/{tablet.device_id}/revoke"),
                         ("POST", f"/admin/users/{target.id}/disable"), ("POST", f"/admin/users/{target.id}/enable"),
                         ("POST", f"/admin/users/{target.id}/reset-password")):
        r = http.request(method, f"/api/v1{path}", headers=foreign.headers)
        assert r.status_code == 404 and r.json()["code"] == "not_found", path
    assert http.get("/api/v1/me", headers=tablet.headers).status_code == 200  # untouched
    own = login_as("beheerder1").headers
    assert "beheerder-vb" not in http.get("/api/v1/admin/users", headers=own).text


def test_a_photo_hash_is_not_a_download_key(http: httpx.Client, login_as: LoginAs,
                                            arnhem_control: tuple[str, str]) -> None:
    """Issue 12 (7): an inspector who learns the hash of a colleague's photo and attaches it to a control of their
    own gets neither the photo nor, for their team lead, a way to it: a control's photo is present only when its
    own inspector uploaded every byte (dedupe per uploader)."""
    iid, sha = arnhem_control  # inspecteur1's control and photo
    for attacker_name, lead_name in (("inspecteur2", "teamleider1"), ("inspecteur-rc", "teamleider-rc")):
        attacker, lead = login_as(attacker_name), login_as(lead_name)
        assert http.get(f"/api/v1/blobs/{sha}", headers=attacker.headers).status_code == 404
        own, create = attacker.create_inspection()
        attach = attacker.mutation("photo.attach.v1", own, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                            "size": 2003, "caption": "niet van mij"})
        assert attacker.push([create, attach]).json()["rejections"] == []
        got = http.get(f"/api/v1/blobs/{sha}", headers=attacker.headers)
        assert got.status_code == 404 and got.json()["code"] == "not_found"  # was 200
        head = http.head(f"/api/v1/blobs/{sha}", headers=attacker.headers)
        assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"  # "send it yourself"
        detail = http.get(f"/api/v1/review/inspections/{own}", headers=lead.headers).json()
        assert detail["summary"]["photos_present"] == 0 and [p["present"] for p in detail["photos"]] == [False]
        if lead_name == "teamleider-rc":  # another team: the attack would have crossed the team boundary
            assert http.get(f"/api/v1/blobs/{sha}", headers=lead.headers).status_code == 404
    for reader in ("inspecteur1", "teamleider1", "ketenregisseur1"):  # the photo's own control still shows it
        assert http.get(f"/api/v1/blobs/{sha}", headers=login_as(reader).headers).status_code == 200


def test_a_revoked_tablets_handover_is_no_shortcut_to_a_stored_photo(http: httpx.Client, login_as: LoginAs,
                                                                      arnhem_control: tuple[str, str]) -> None:
    """The handover of a revoked tablet (``PUT /sync/handover/photos/{sha}``) also has to carry the photo's bytes:
    a stored copy of a colleague's photo is no "complete" for it (issue 12, 7)."""
    _iid, sha = arnhem_control  # inspecteur1's photo, 2003 bytes
    tablet, admin = login_as("inspecteur2"), login_as("beheerder1")
    own, create = tablet.create_inspection()
    attach = tablet.mutation("photo.attach.v1", own, {"photo_id": str(uuid.uuid4()), "sha256": sha, "size": 2003,
                                                      "caption": ""})
    assert http.post(f"/api/v1/admin/devices/{tablet.device_id}/revoke", headers=admin.headers).status_code == 200
    body = {"client_id": tablet.client_id, "schema_version": 2, "mutations": [create, attach]}
    assert http.post("/api/v1/sync/handover", json=body, headers=tablet.headers).status_code == 200
    r = http.put(f"/api/v1/sync/handover/photos/{sha}", content=b"\x00" * 2003, headers=tablet.headers)
    assert r.status_code == 422 and r.json()["code"] == "hash_mismatch"  # was 204: the stored file counted
    again = login_as("inspecteur2")
    own2, create2 = again.create_inspection()
    attach2 = again.mutation("photo.attach.v1", own2, {"photo_id": str(uuid.uuid4()), "sha256": sha, "size": 2003,
                                                       "caption": ""})
    assert again.push([create2, attach2]).json()["rejections"] == []
    assert http.get(f"/api/v1/blobs/{sha}", headers=again.headers).status_code == 404
