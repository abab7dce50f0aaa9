"""The beheerder's checklists (issue 15 part A; SQLite and PostgreSQL): the published versions, a draft per checklist
and organisation, its problems placed on their fields, the compare with the version it came from, and publication
as the next version that a tablet pulls — refused while the draft has problems, after a newer version was published,
and when the current catalogue reads a question the draft removes or marks not scoring. Beheerder only (403), another
organisation's draft 404, every act audited."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from test_tenancy_boundary import OTHER_ORG, OTHER_TEAM, add_user

from schemas.checklist_drafts import compare, draft_problems
from schemas.templates import parse_template
from sync_server.auth.schemas import Role
from sync_server.catalog.published import get_template
from sync_server.catalog.service import publish_template
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.review.models import AuditEntry
from tests.server.conftest import TEMPLATE

Device = Any
LoginAs = Callable[[str], Device]
BASE = "/api/v1/admin/checklists"


@pytest.fixture(scope="module", autouse=True)
def other_beheerder(settings: Settings) -> None:
    add_user(settings, "beheerder-vb", Role.BEHEERDER, OTHER_ORG, OTHER_TEAM)


@pytest.fixture
def admin(login_as: LoginAs) -> Device:
    return login_as("beheerder1")


def fresh_draft(http: httpx.Client, admin: Device) -> dict[str, Any]:
    """A new draft of ``testpand`` (an open one is thrown away first)."""
    listed = next(c for c in http.get(BASE, headers=admin.headers).json() if c["template_id"] == "testpand")
    if listed["draft"]:
        assert http.delete(f"{BASE}/drafts/{listed['draft']['id']}", headers=admin.headers).status_code == 204
    r = http.post(f"{BASE}/testpand/drafts", headers=admin.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def save(http: httpx.Client, admin: Device, draft: dict[str, Any], content: dict[str, Any]) -> httpx.Response:
    """Save as the office app does: with the revision last read, which the answer moves on."""
    r = http.put(f"{BASE}/drafts/{draft['id']}", json={"content": content, "revision": draft["revision"]},
                 headers=admin.headers)
    if r.status_code == 200:
        draft["revision"] = r.json()["revision"]
    return r


def question(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "yes_no", "label": {"nl": "Vraag", "en": "Question"}, "evidence": "observed", **extra}


def audited(settings: Settings, action: str) -> list[dict[str, Any]]:
    return in_transaction(settings, lambda s: [dict(e.detail) | {"object_id": e.object_id, "username": e.username}
                                               for e in s.scalars(select(AuditEntry).where(
                                                   AuditEntry.action == action).order_by(AuditEntry.id))])


def test_the_beheerder_lists_published_versions_newest_first(http: httpx.Client, admin: Device) -> None:
    r = http.get(BASE, headers=admin.headers)
    assert r.status_code == 200
    [entry] = [c for c in r.json() if c["template_id"] == "testpand"]
    assert entry["control_type"] == "pandenactie" and entry["title"]["nl"] == "Testpand"
    versions = [v["version"] for v in entry["versions"]]
    assert versions == sorted(versions, reverse=True) and versions[-1] == 1
    assert entry["versions"][-1]["questions"] == 5 and entry["versions"][-1]["published_at"]
    content = http.get(f"{BASE}/testpand/versions/1", headers=admin.headers).json()
    assert content["id"] == "testpand" and content["version"] == 1
    assert http.get(f"{BASE}/testpand/versions/99", headers=admin.headers).status_code == 404
    assert http.get(f"{BASE}/onbekend/versions/1", headers=admin.headers).status_code == 404


def test_only_the_beheerder_may(http: httpx.Client, admin: Device, login_as: LoginAs) -> None:
    draft = fresh_draft(http, admin)
    calls = [("GET", BASE), ("GET", f"{BASE}/testpand/versions/1"), ("POST", f"{BASE}/testpand/drafts"),
             ("GET", f"{BASE}/drafts/{draft['id']}"), ("PUT", f"{BASE}/drafts/{draft['id']}"),
             ("DELETE", f"{BASE}/drafts/{draft['id']}"), ("GET", f"{BASE}/drafts/{draft['id']}/check"),
             ("POST", f"{BASE}/drafts/{draft['id']}/publish")]
    for username in ("inspecteur1", "teamleider1", "planner1", "ketenregisseur1"):
        device = login_as(username)
        for method, path in calls:
            body = {"content": draft["content"], "revision": 1} if method == "PUT" else None
            r = http.request(method, path, headers=device.headers, json=body)
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (username, method, path)
    assert http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).status_code == 200  # untouched
    assert http.get(BASE).status_code == 401


def test_a_draft_starts_from_the_newest_version_once_per_organisation(http: httpx.Client, admin: Device,
                                                                      settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    listed = next(c for c in http.get(BASE, headers=admin.headers).json() if c["template_id"] == "testpand")
    newest = listed["versions"][0]["version"]
    assert draft["base_version"] == newest and draft["newest_version"] == newest
    assert draft["content"]["version"] == newest + 1 and draft["content"]["format"] == 2
    assert draft["problems"] == [] and draft["updated_by"]
    assert listed["draft"]["id"] == draft["id"]
    again = http.post(f"{BASE}/testpand/drafts", headers=admin.headers)
    assert again.status_code == 409 and again.json()["code"] == "checklist_draft_exists"
    assert again.json()["message"].startswith("Voor deze checklist bestaat al een concept")
    assert http.post(f"{BASE}/onbekend/drafts", headers=admin.headers).status_code == 404
    assert http.post(f"{BASE}/1-bad/drafts", headers=admin.headers).status_code == 422
    assert any(e["object_id"] == draft["id"] and e["template"] == "testpand"
               for e in audited(settings, "create_checklist_draft"))


def listed_versions(listed: dict[str, Any]) -> list[int]:
    return [v["version"] for v in listed["versions"]]


def test_another_organisation_never_sees_the_draft(http: httpx.Client, admin: Device, login_as: LoginAs) -> None:
    draft = fresh_draft(http, admin)
    other = login_as("beheerder-vb")
    listed = next(c for c in http.get(BASE, headers=other.headers).json() if c["template_id"] == "testpand")
    assert listed["draft"] is None  # the published versions are everyone's; the draft is not
    for method, path in [("GET", f"{BASE}/drafts/{draft['id']}"), ("PUT", f"{BASE}/drafts/{draft['id']}"),
                         ("DELETE", f"{BASE}/drafts/{draft['id']}"), ("GET", f"{BASE}/drafts/{draft['id']}/check"),
                         ("POST", f"{BASE}/drafts/{draft['id']}/publish")]:
        body = {"content": draft["content"], "revision": 1} if method == "PUT" else None
        r = http.request(method, path, headers=other.headers, json=body)
        assert r.status_code == 404 and r.json()["code"] == "not_found", (method, path)
    own = http.post(f"{BASE}/testpand/drafts", headers=other.headers)  # their own draft of the same checklist
    assert own.status_code == 201
    # checklists are one for every organisation's tablets: only the publishing organisation publishes them
    refused = http.post(f"{BASE}/drafts/{own.json()['id']}/publish", headers=other.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "publish_central_only", refused.text
    assert [v["version"] for v in next(c for c in http.get(BASE, headers=admin.headers).json()
                                       if c["template_id"] == "testpand")["versions"]] == listed_versions(listed)
    assert http.delete(f"{BASE}/drafts/{own.json()['id']}", headers=other.headers).status_code == 204
    assert http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).status_code == 200


def test_problems_are_placed_on_their_field_and_nothing_typed_is_lost(http: httpx.Client, admin: Device,
                                                                      settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    questions = content["sections"][0]["questions"]
    questions.insert(0, question("early", show_if={"question": "locked_in", "equals": True}))  # points forward
    questions.append(question("locked_in"))  # an id that exists
    questions.append(question("nowhere", show_if={"question": "no_such", "equals": True}))
    questions.append({**question("pick"), "type": "choice", "options": []})
    content["id"], content["control_type"], content["version"] = "stolen", "horeca", 77  # the server's fields
    r = save(http, admin, draft, content)
    assert r.status_code == 200, r.text
    body = r.json()
    placed = {(p["code"], p["section"], p["question"], p["field"]) for p in body["problems"]}
    assert placed == {("show_if_later", 0, 0, "show_if"), ("question_duplicate", 0, 4, "id"),
                      ("show_if_unknown", 0, 5, "show_if"), ("options_too_few", 0, 6, "options")}
    assert body["content"]["sections"][0]["questions"][4]["id"] == "locked_in"  # kept as typed
    assert (body["content"]["id"], body["content"]["control_type"]) == ("testpand", "pandenactie")
    assert body["content"]["version"] == draft["content"]["version"]
    reread = http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).json()
    assert reread["content"] == body["content"] and len(reread["problems"]) == 4
    assert audited(settings, "save_checklist_draft")[-1]["object_id"] == draft["id"]


def test_a_save_over_someone_elses_newer_save_is_refused(http: httpx.Client, admin: Device,
                                                         login_as: LoginAs) -> None:
    draft = fresh_draft(http, admin)
    other = login_as("beheerder1")  # the same organisation, another session
    theirs, mine = dict(draft), dict(draft)
    content = copy.deepcopy(draft["content"])
    content["title"] = {"nl": "Eerst opgeslagen", "en": "Saved first"}
    assert save(http, other, theirs, content).status_code == 200 and theirs["revision"] == 2
    r = save(http, admin, mine, draft["content"])  # read at revision 1
    assert r.status_code == 409 and r.json()["code"] == "checklist_draft_changed"
    assert r.json()["message"].startswith("Een andere beheerder heeft dit concept intussen opgeslagen")
    stored = http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).json()
    assert stored["content"]["title"]["nl"] == "Eerst opgeslagen" and stored["revision"] == 2


def test_a_draft_that_is_no_template_yet_is_stored_and_explained(http: httpx.Client, admin: Device) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["questions"][0]["id"] = "1 begint met een cijfer"
    content["sections"][0]["questions"][1]["label"]["nl"] = ""
    r = save(http, admin, draft, content)
    assert r.status_code == 200
    placed = {(p["code"], p["question"], p["field"]) for p in r.json()["problems"]}
    assert placed == {("id_invalid", 0, "id"), ("text_missing", 1, "label.nl")}
    r = save(http, admin, draft, {"sections": 5})  # not even the shape of a checklist: stored, explained
    assert r.status_code == 200 and r.json()["problems"]
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert not check["publishable"] and check["problems"]
    refused = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert refused.status_code == 422 and refused.json()["code"] == "checklist_draft_invalid"


@pytest.mark.parametrize("body", [b'{"content": {"title": {"nl": "a\\u0000b", "en": "x"}}, "revision": 1}',
                                  b'{"content": [], "revision": 1}', b'{"inhoud": {}, "revision": 1}',
                                  b'{"content": {"n": 1e400}, "revision": 1}',
                                  b'{"content": {"n": NaN}, "revision": 1}',
                                  b'{"content": {"n": 99999999999999999999999}, "revision": 1}',
                                  b'{"content": {}}', b'{"content": {}, "revision": 0}'])
def test_bad_bodies_are_refused_with_a_code(http: httpx.Client, admin: Device, body: bytes) -> None:
    draft = fresh_draft(http, admin)
    r = http.put(f"{BASE}/drafts/{draft['id']}", content=body,
                 headers={**admin.headers, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] in ("input_unstorable", "validation_error"), r.text
    assert http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).json()["content"] == draft["content"]


def test_removing_a_question_the_catalogue_reads_is_refused(http: httpx.Client, admin: Device) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["questions"] = [q for q in content["sections"][0]["questions"] if q["id"] != "locked_in"]
    assert save(http, admin, draft, content).json()["problems"] == []
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert [(c["code"], c["rule"], c["question"]) for c in check["conflicts"]] == [("removed", "r_locked",
                                                                                    "locked_in")]
    assert {"kind": "removed", "what": "question", "part": "sections", "id": "locked_in", "fields": []} \
        in check["changes"]
    assert not check["publishable"]
    r = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "checklist_catalogue_conflict"
    assert "r_locked" in r.json()["detail"]


def test_marking_a_read_question_not_scoring_is_refused(http: httpx.Client, admin: Device) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    content["person_module"][0]["questions"][1]["not_scoring"] = "context"  # passport_withheld, read by r_passport
    assert save(http, admin, draft, content).json()["problems"] == []
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert [(c["code"], c["rule"], c["question"]) for c in check["conflicts"]] == [
        ("not_scoring", "r_passport", "passport_withheld")]
    changed = next(c for c in check["changes"] if c["id"] == "passport_withheld")
    assert changed["kind"] == "changed" and changed["fields"] == ["not_scoring"]
    r = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "checklist_catalogue_conflict"


def test_a_question_the_catalogue_can_no_longer_compare_is_refused(http: httpx.Client, admin: Device) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    locked_in = next(q for q in content["sections"][0]["questions"] if q["id"] == "locked_in")
    locked_in["type"] = "number"  # rule r_locked compares it with True: the check of catalogue test says so
    assert save(http, admin, draft, content).json()["problems"] == []
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert [(c["code"], c["raw"]) for c in check["conflicts"]] == [
        ("other", "rule r_locked: locked_in is a number, compared with True")]
    r = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "checklist_catalogue_conflict"


def test_publishing_reaches_the_tablet_and_older_versions_stay(http: httpx.Client, admin: Device,
                                                               login_as: LoginAs, settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    content = copy.deepcopy(draft["content"])
    content["sections"][0]["questions"].append(question("back_door", required=True,
                                                        help={"nl": "Achteringang", "en": "Back entrance"}))
    content["sections"][0]["questions"][0]["label"] = {"nl": "Aantal bewoners", "en": "Number of occupants"}
    content["sections"][0]["questions"] = [q for q in content["sections"][0]["questions"] if q["id"] != "remarks"]
    assert save(http, admin, draft, content).json()["problems"] == []
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert check["publishable"] and check["conflicts"] == []
    assert {(c["kind"], c["id"]) for c in check["changes"]} == {("added", "back_door"), ("changed", "occupants"),
                                                                ("removed", "remarks")}
    tablet = login_as("inspecteur1")
    cursor = tablet.pull().json()["cursor"]
    r = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    assert version == check["next_version"] == draft["base_version"] + 1
    pulled = [c for c in tablet.pull_all(cursor) if c["entity"] == "template"]
    assert [c["entity_id"] for c in pulled] == [f"testpand@{version}"]
    template = parse_template(pulled[0]["data"])
    assert [q.id for q in template.sections[0].questions][-1] == "back_door"
    old = in_transaction(settings, lambda s: get_template(session=s, template_id="testpand",
                                                          version=draft["base_version"]))
    assert old is not None and any(q.id == "remarks" for q in old.sections[0].questions)  # answers stay readable
    assert http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).status_code == 404  # the draft is gone
    entry = audited(settings, "publish_checklist")[-1]
    assert entry["object_id"] == f"testpand@{version}" and (entry["added"], entry["changed"], entry["removed"]) == (
        1, 1, 1)


def test_a_draft_made_before_a_newer_version_is_refused(http: httpx.Client, admin: Device,
                                                        settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    newer = {**draft["content"], "version": draft["base_version"] + 1}
    in_transaction(settings, lambda s: publish_template(session=s, template=parse_template(newer)))
    check = http.get(f"{BASE}/drafts/{draft['id']}/check", headers=admin.headers).json()
    assert check["outdated"] and not check["publishable"] and check["next_version"] == draft["base_version"] + 2
    r = http.post(f"{BASE}/drafts/{draft['id']}/publish", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "checklist_draft_outdated"
    assert http.get(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).json()["newest_version"] == \
        draft["base_version"] + 1


def test_deleting_a_draft_is_audited(http: httpx.Client, admin: Device, settings: Settings) -> None:
    draft = fresh_draft(http, admin)
    assert http.delete(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).status_code == 204
    assert http.delete(f"{BASE}/drafts/{draft['id']}", headers=admin.headers).status_code == 404
    assert audited(settings, "delete_checklist_draft")[-1]["object_id"] == draft["id"]


# --- the pure functions behind the screens ----------------------------------------------------------------------

def test_compare_names_sections_and_moved_questions() -> None:
    base = {"title": {"nl": "A", "en": "A"}, "sections": [
        {"id": "s1", "title": {"nl": "S", "en": "S"}, "questions": [question("a"), question("b")]}],
        "person_module": [{"id": "p", "title": {"nl": "P", "en": "P"}, "questions": [question("c")]}]}
    draft = copy.deepcopy(base)
    draft["title"] = {"nl": "B", "en": "B"}
    draft["sections"].append({"id": "s2", "title": {"nl": "T", "en": "T"}, "questions": [draft["sections"][0][
        "questions"].pop()]})
    draft["person_module"][0]["questions"][0]["required"] = False  # the default: no change
    changes = {(c.kind, c.what, c.id, tuple(c.fields)) for c in compare(base, draft)}
    assert changes == {("changed", "title", "title", ("title",)), ("added", "section", "s2", ()),
                       ("changed", "question", "b", ("section",))}
    assert compare(None, "x") == []
    with_min = {"sections": [{"id": "s", "questions": [{**question("n"), "type": "number", "min": 0}]}]}
    without = {"sections": [{"id": "s", "questions": [{**question("n"), "type": "number"}]}]}
    assert [c.fields for c in compare(with_min, without)] == [["min"]]  # 0 is a value, not an absent field


def test_every_problem_of_the_validator_is_reported() -> None:
    template = copy.deepcopy(draft_content())
    template["sections"][0]["questions"] += [
        {**question("n"), "type": "number", "min": 5, "max": 1},
        {**question("ident"), "type": "identifier", "required": True},
        question("opt", options=[{"value": "a", "label": {"nl": "A", "en": "A"}}]),
        question("cond", show_if={"question": "n", "contains": "x"}),
    ]
    template["sections"].append(copy.deepcopy(template["sections"][0]) | {"questions": [question("solo")]})
    codes = {p.code for p in draft_problems(template)}
    assert {"min_above_max", "identifier_kind_missing", "identifier_required", "identifier_not_scoring",
            "options_not_allowed", "show_if_operator", "section_duplicate"} <= codes
    assert "other" not in codes


def draft_content() -> dict[str, Any]:
    return {**copy.deepcopy(TEMPLATE), "format": 2}
