"""The beheerder's indicator catalogue cycle and reference cases over the API (issue 15 part B), on SQLite and
PostgreSQL: a draft per organisation, its problems in Dutch (the CLI's fit check: a rule that reads a question a
checklist marks not scoring, or one no checklist has), the reference cases run against it, the margins, the dry run
of the re-evaluation (nothing written), publishing refused while a case fails unless a reason is signed; reference
cases seeded from the asset files, added, edited, retired and restored; the handhavingsmatrix with terms per step.
Beheerder only (403 for other roles), another organisation's draft and cases 404, every act audited."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_tenancy_boundary import OTHER_ORG, OTHER_TEAM, add_user

from schemas.templates import parse_template
from sync_server.auth.schemas import Role
from sync_server.auth.service import get_by_username
from sync_server.catalog import service as catalog
from sync_server.catalog.published import get_current_catalogue
from sync_server.config import Settings
from sync_server.db import in_transaction
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.review.models import AuditEntry
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

Device = Any
LoginAs = Callable[[str], Device]
CAT = "/api/v1/catalogue"

PASSPORT_CASE = {"description": "Paspoort ingehouden door de werkgever", "template": "testpand",
                 "persons": [{"id": "w1", "label": "Persoon 1", "answers": {"passport_withheld": True}}],
                 "expect": {"level": 2}}
QUIET_CASE = {"description": "Niets aan de hand", "template": "testpand", "premises": {"occupants": 2},
              "expect": {"level": 0}}


@pytest.fixture(scope="module", autouse=True)
def setup(settings: Settings) -> None:
    """Two case files to seed from, a checklist version with a question marked not scoring, and a beheerder of
    the other organisation."""
    folder = settings.assets_dir / "cases"
    folder.mkdir(exist_ok=True)
    for name, case in (("passport_kept", PASSPORT_CASE), ("nothing_found", QUIET_CASE)):
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    from tests.server.conftest import TEMPLATE

    v2 = copy.deepcopy(TEMPLATE)
    v2["version"], v2["format"] = 2, 2
    v2["sections"][0]["questions"].append({"id": "spoken_language", "type": "text", "evidence": "observed",
                                           "label": {"nl": "Gesproken taal", "en": "Language spoken"},
                                           "not_scoring": "proxy"})
    in_transaction(settings, lambda s: catalog.publish_template(session=s, template=parse_template(v2)))
    add_user(settings, "beheerder-vb", Role.BEHEERDER, OTHER_ORG, OTHER_TEAM)


@pytest.fixture
def admin(login_as: LoginAs) -> Device:
    return login_as("beheerder1")


def fresh_draft(http: httpx.Client, admin: Device) -> dict[str, Any]:
    http.delete(f"{CAT}/draft", headers=admin.headers)
    r = http.post(f"{CAT}/draft", headers=admin.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def save(http: httpx.Client, admin: Device, content: dict[str, Any]) -> dict[str, Any]:
    r = http.put(f"{CAT}/draft", json={"content": content}, headers=admin.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def actions(settings: Settings, prefix: str) -> list[str]:
    return in_transaction(settings, lambda s: list(s.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.id))))


def test_other_roles_are_refused(http: httpx.Client, login_as: LoginAs) -> None:
    for username in ("planner1", "teamleider1", "ketenregisseur1"):
        headers = login_as(username).headers
        assert http.get(f"{CAT}/versions", headers=headers).status_code == 403
        assert http.post(f"{CAT}/draft", headers=headers).status_code == 403
        assert http.get(f"{CAT}/cases", headers=headers).status_code == 403
        assert http.post(f"{CAT}/draft/publish", json={}, headers=headers).status_code == 403
    assert http.get(f"{CAT}/versions").status_code == 401


def test_draft_problems_are_in_dutch_and_nothing_typed_is_lost(http: httpx.Client, admin: Device,
                                                               settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    assert draft["problems"] == [] and draft["content"]["version"] == draft["base_version"] + 1
    again = http.post(f"{CAT}/draft", headers=admin.headers)
    assert again.status_code == 409 and again.json()["code"] == "catalogue_draft_exists"
    content = draft["content"]

    unknown = copy.deepcopy(content)
    unknown["rules"][0]["when"][0]["question"] = "pasport_witheld"  # a typo
    found = save(http, admin, unknown)["problems"]
    assert [p["where"] for p in found] == ["r_passport"]
    assert found[0]["message"].startswith("Regel r_passport leest vraag pasport_witheld bij een persoon, maar geen "
                                          "checklist stelt die vraag")
    assert http.get(f"{CAT}/draft", headers=admin.headers).json()["content"] == unknown  # stored as typed

    proxy = copy.deepcopy(content)
    proxy["rules"][1]["when"][0] = {"question": "spoken_language", "op": "eq", "value": "x"}
    found = save(http, admin, proxy)["problems"]
    assert any("spoken_language" in p["message"] and "niet meetellend" in p["message"] for p in found), found

    wrong = copy.deepcopy(content)
    wrong["rules"][0]["indicators"] = ["CD9"]
    wrong["norms"]["min_age"] = "achttien"
    found = save(http, admin, wrong)["problems"]
    assert found and all(p["message"] and p["message_en"] for p in found)
    assert found[0]["message"].startswith("Het veld norms.min_age")

    wrong["norms"]["min_age"] = 18
    found = save(http, admin, wrong)["problems"]
    assert [p["message"] for p in found] == ["Regel r_passport noemt indicator CD9, die de catalogus niet kent."]
    refused = http.post(f"{CAT}/draft/publish", json={"reason": "Ik weet wat ik doe, echt waar."},
                        headers=admin.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "catalogue_draft_invalid"
    assert http.post(f"{CAT}/draft/test", headers=admin.headers).json()["problems"][0]["where"] == "r_passport"
    assert http.post(f"{CAT}/draft/dry-run", headers=admin.headers).status_code == 409

    assert http.delete(f"{CAT}/draft", headers=admin.headers).status_code == 204
    assert http.get(f"{CAT}/draft", headers=admin.headers).status_code == 404
    assert http.put(f"{CAT}/draft", json={"content": content}, headers=admin.headers).status_code == 404
    assert actions(settings, "catalogue_draft")[-3:] == ["catalogue_draft_edit", "catalogue_draft_edit",
                                                         "catalogue_draft_discard"]


def test_cases_are_seeded_added_edited_retired_and_stay_in_the_organisation(
        http: httpx.Client, admin: Device, login_as: LoginAs, settings: Settings) -> None:
    cases = http.get(f"{CAT}/cases", headers=admin.headers).json()
    assert {(c["name"], c["source"], c["expected"]) for c in cases} >= {("passport_kept", "assets", "L2"),
                                                                        ("nothing_found", "assets", "L0")}
    bad = copy.deepcopy(QUIET_CASE)
    bad["premises"] = {"occupantz": 3}
    r = http.post(f"{CAT}/cases", json={"name": "app_case", "content": bad}, headers=admin.headers)
    assert r.status_code == 422 and r.json()["code"] == "case_invalid"
    assert r.json()["detail"] == "Pand: checklist testpand@2 heeft geen vraag occupantz."
    r = http.post(f"{CAT}/cases", json={"name": "app_case", "content": {"description": "x"}}, headers=admin.headers)
    assert r.status_code == 422 and "ontbreekt of klopt niet" in r.json()["detail"]
    assert http.post(f"{CAT}/cases", json={"name": "Geen Naam!", "content": QUIET_CASE},
                     headers=admin.headers).status_code == 422
    r = http.post(f"{CAT}/cases", json={"name": "app_case", "content": QUIET_CASE}, headers=admin.headers)
    assert r.status_code == 201 and r.json()["source"] == "app"
    r = http.post(f"{CAT}/cases", json={"name": "app_case", "content": QUIET_CASE}, headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "case_exists"
    edited = {**QUIET_CASE, "description": "Twee bewoners, niets gevonden", "expect": {"max_level": 1}}
    r = http.put(f"{CAT}/cases/app_case", json={"content": edited}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["expected"] == "L0-L1"
    assert http.put(f"{CAT}/cases/nope", json={"content": edited}, headers=admin.headers).status_code == 404

    assert http.post(f"{CAT}/cases/app_case/retire", headers=admin.headers).json()["retired"] is True
    fresh_draft(http, admin)
    run = http.post(f"{CAT}/draft/test", headers=admin.headers).json()
    assert "app_case" not in {r["name"] for r in run["results"]} and run["retired"] == 1
    assert http.post(f"{CAT}/cases/app_case/restore", headers=admin.headers).json()["retired"] is False
    run = http.post(f"{CAT}/draft/test", headers=admin.headers).json()
    assert "app_case" in {r["name"] for r in run["results"]} and run["failed"] == 0
    assert actions(settings, "reference_case") == ["reference_case_add", "reference_case_edit",
                                                   "reference_case_retire", "reference_case_restore"]

    other = login_as("beheerder-vb").headers  # the other organisation: its own seeded copy, never ours
    assert http.get(f"{CAT}/cases/app_case", headers=other).status_code == 404
    assert http.post(f"{CAT}/cases/app_case/retire", headers=other).status_code == 404
    assert http.get(f"{CAT}/cases/passport_kept", headers=other).json()["retired"] is False
    assert http.get(f"{CAT}/draft", headers=other).status_code == 404  # Arnhem has one
    assert http.delete(f"{CAT}/draft", headers=other).status_code == 404
    assert http.get(f"{CAT}/draft", headers=admin.headers).status_code == 200


def _finished_control(session: Session) -> uuid.UUID:
    inspector = get_by_username(session=session, username="inspecteur1")
    assert inspector is not None
    now = datetime.now(UTC)
    inspection = Inspection(id=uuid.uuid4(), template_id="testpand", template_version=1, control_type="pandenactie",
                            address={"street": "Voorbeeldstraat", "house_number": "7", "city": "Arnhem"},
                            inspector_id=inspector.id, organisation_id=DEFAULT_ORGANISATION_ID,
                            team_id=inspector.team_id, status="finished", started_at=now, received_at=now,
                            finished_at=now)
    session.add(inspection)
    session.flush()
    session.add(Person(inspection_id=inspection.id, person_id="p1", label="Persoon 1"))
    session.add(Answer(inspection_id=inspection.id, person_id="p1", question_id="passport_withheld", value=True))
    session.flush()
    assert inspections.compute_flag(session=session, inspection=inspection) and inspection.level == 2
    return inspection.id


def level_of(settings: Settings, control: uuid.UUID) -> int | None:
    return in_transaction(settings, lambda s: s.scalar(select(Inspection.level).where(Inspection.id == control)))


def test_a_failing_case_blocks_publishing_until_a_reason_is_signed(http: httpx.Client, admin: Device,
                                                                   settings: Settings) -> None:
    control = in_transaction(settings, _finished_control)
    content = fresh_draft(http, admin)["content"]
    for ind in content["indicators"]:
        if ind["code"] == "CD1":
            ind["strength"] = {"labour": "W", "sexual": "W"}  # passport kept: strong → weak
    assert save(http, admin, content)["problems"] == []

    run = http.post(f"{CAT}/draft/test", headers=admin.headers).json()
    failing = [r for r in run["results"] if not r["passed"]]
    assert [r["name"] for r in failing] == ["passport_kept"] and failing[0]["expected"] == "L2"
    assert run["failed"] == 1 and run["passed"] == len(run["results"]) - 1

    margins = http.get(f"{CAT}/draft/margins/passport_kept", headers=admin.headers).json()
    assert margins["lines"] == ["omhoog naar niveau 1: pand locked_in “Opgesloten”: (leeg) wordt ja"]
    assert http.get(f"{CAT}/draft/margins/no_such_case", headers=admin.headers).status_code == 404

    dry = http.post(f"{CAT}/draft/dry-run", headers=admin.headers).json()
    row = next(r for r in dry["changed"] if r["inspection_id"] == str(control))
    assert (row["from_level"], row["to_level"], row["address"]) == (2, 0, "Voorbeeldstraat 7, Arnhem")
    assert level_of(settings, control) == 2  # nothing written

    for body in ({}, {"reason": None}, {"reason": "   kort   "}):
        refused = http.post(f"{CAT}/draft/publish", json=body, headers=admin.headers)
        assert refused.status_code == 409 and refused.json()["code"] == "catalogue_cases_failed"
        assert "passport_kept" in refused.json()["detail"]
    before = http.get(f"{CAT}/versions", headers=admin.headers).json()[0]["version"]
    reason = "Paspoort inhouden weegt zwak tot het beleid van januari; afgestemd met de ketenregisseur."
    r = http.post(f"{CAT}/draft/publish", json={"reason": reason}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["reason"], r.json()["cases_failed"]) == (before + 1, reason, 1)
    listed = http.get(f"{CAT}/versions", headers=admin.headers).json()
    assert listed[0]["current"] and listed[0]["published_by"] == "beheerder1" and listed[0]["reason"] == reason
    assert http.get(f"{CAT}/draft", headers=admin.headers).status_code == 404  # the draft became the version
    assert level_of(settings, control) == 0  # publish re-judged it
    assert actions(settings, "catalogue_publish") == ["catalogue_publish"]
    assert actions(settings, "catalogue_dry_run") == ["catalogue_dry_run"]

    content = fresh_draft(http, admin)["content"]  # and a draft that passes needs no reason
    for ind in content["indicators"]:
        if ind["code"] == "CD1":
            ind["strength"] = {"labour": "S", "sexual": "S"}
    save(http, admin, content)
    r = http.post(f"{CAT}/draft/publish", json={}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["reason"] == "" and r.json()["cases_failed"] == 0


def test_a_draft_made_before_another_publication_is_refused(http: httpx.Client, admin: Device,
                                                           settings: Settings) -> None:
    """A draft of the version then in use, after another version was published: publishing it would silently undo
    that version, so it is refused until a new draft is made."""
    fresh_draft(http, admin)

    def publish_next(session: Session) -> None:  # another publication meanwhile (the files of a release, say)
        current = get_current_catalogue(session=session)
        assert current is not None
        newer = current.model_copy(update={"version": current.version + 1})
        catalog.publish_catalogue(session=session, catalogue=newer)

    in_transaction(settings, publish_next)
    refused = http.post(f"{CAT}/draft/publish", json={"reason": "Wij weten het beter, echt waar."},
                        headers=admin.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "catalogue_draft_outdated"
    assert http.delete(f"{CAT}/draft", headers=admin.headers).status_code == 204


def test_only_the_publishing_organisation_publishes(http: httpx.Client, admin: Device, login_as: LoginAs,
                                                    settings: Settings) -> None:
    """The catalogue is one for every organisation on the server: another organisation's beheerder drafts and runs
    the cases, but publishing is refused (403) and publishes nothing."""
    other = login_as("beheerder-vb").headers
    http.delete(f"{CAT}/draft", headers=other)
    assert http.post(f"{CAT}/draft", headers=other).status_code == 201
    assert http.post(f"{CAT}/draft/test", headers=other).status_code == 200
    before = http.get(f"{CAT}/versions", headers=admin.headers).json()
    refused = http.post(f"{CAT}/draft/publish", json={"reason": "Wij weten het beter, echt waar."}, headers=other)
    assert refused.status_code == 403 and refused.json()["code"] == "publish_central_only"
    assert "publiceren" in refused.json()["message"]
    assert http.get(f"{CAT}/versions", headers=admin.headers).json() == before
    assert http.delete(f"{CAT}/draft", headers=other).status_code == 204
    assert "catalogue_cases_run" in actions(settings, "catalogue_cases_run")


def test_the_handhavingsmatrix_takes_terms_per_step(http: httpx.Client, admin: Device, login_as: LoginAs,
                                                    settings: Settings) -> None:
    matrix = http.get("/api/v1/enforcement-matrix", headers=admin.headers).json()
    first = matrix["categories"][0]
    first["term_days"] = [14] * (len(first["steps"]) - 1)  # one term short
    r = http.put("/api/v1/enforcement-matrix", json=matrix, headers=admin.headers)
    assert r.status_code == 422
    first["term_days"] = [14] + [400] * (len(first["steps"]) - 1)
    assert http.put("/api/v1/enforcement-matrix", json=matrix, headers=admin.headers).status_code == 422
    first["term_days"] = [14] + [0] * (len(first["steps"]) - 1)
    r = http.put("/api/v1/enforcement-matrix", json=matrix, headers=admin.headers)
    assert r.status_code == 200 and r.json()["categories"][0]["term_days"][0] == 14
    assert http.put("/api/v1/enforcement-matrix", json=matrix,
                    headers=login_as("planner1").headers).status_code == 403
    assert http.get("/api/v1/enforcement-matrix", headers=login_as("planner1").headers).json()[
        "categories"][0]["term_days"][0] == 14
    assert actions(settings, "enforcement_matrix_save") == ["enforcement_matrix_save"]
