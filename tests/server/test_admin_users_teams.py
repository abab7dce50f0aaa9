"""The beheerder's users, teams and settings in the API (issue 15 part C; SQLite and PostgreSQL): create a team and a
user (a temporary password shown once, chosen anew at the first login), move a user, filter the list; every refusal
in Dutch (username taken or impossible, an empty name, a bad team code, a team that exists, another organisation's
team or user: 404, the last active beheerder); the organisation's retention periods and verification deadline
(never above the server's maximum), used by the purge and the review; every act audited; the command line goes the
same way and says the same things."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.admin import settings as org_settings
from sync_server.auth import service as auth
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction, main
from sync_server.config import Settings
from sync_server.review.models import AuditEntry
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Team
from tests.server.conftest import login
from tests.server.review_helpers import flagged_control
from tests.server.test_retention import _purge

ADMIN = "/api/v1/admin"
PASSWORD = "wachtwoord-123"
MAXIMA = {"retention_controls_without_signals_days": 3650, "retention_referred_days": 7300,
          "retention_photos_days": 365}


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    """The server's retention periods (the maxima) for some kinds; the audit trail and unfounded signals: kept."""
    return settings.model_copy(update=MAXIMA)


class Org:
    """An organisation of its own with a team, a beheerder and an inspector, logged in."""

    def __init__(self, settings: Settings, http: httpx.Client, beheerders: int = 1) -> None:
        self.key = f"adm-{uuid.uuid4().hex[:8]}"

        def work(s: Session) -> tuple[uuid.UUID, uuid.UUID]:
            team, _ = tenancy.create_team(session=s, organisation_key=self.key, team_key="t1", team_name="Team een",
                                          organisation_name=self.key)
            for n in range(beheerders):
                auth.create(session=s, username=f"beh{n}-{self.key}", password=PASSWORD, role=Role.BEHEERDER,
                            display_name=f"Beheerder {n}", team_id=team.id)
            auth.create(session=s, username=f"insp-{self.key}", password=PASSWORD, role=Role.INSPECTEUR,
                        display_name="Inspecteur", team_id=team.id)
            return team.organisation_id, team.id

        self.id, self.team_id = in_transaction(settings, work)
        self.http = http
        self.admin = login(http, f"beh0-{self.key}", PASSWORD)
        self.inspector = login(http, f"insp-{self.key}", PASSWORD)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(f"{ADMIN}{path}", json=body, headers=self.admin.headers)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{ADMIN}{path}", params=params, headers=self.admin.headers)

    def put(self, path: str, body: Any) -> httpx.Response:
        return self.http.put(f"{ADMIN}{path}", json=body, headers=self.admin.headers)

    def new_user(self, username: str, team_id: uuid.UUID | None = None, role: str = "inspecteur") -> httpx.Response:
        return self.post("/users", {"username": username, "display_name": f"Naam {username}", "role": role,
                                    "team_id": str(team_id or self.team_id)})


@pytest.fixture
def org(settings: Settings, http: httpx.Client) -> Org:
    return Org(settings, http)


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    return str(r.json()["message"])


def audited(settings: Settings, org: Org, action: str) -> list[AuditEntry]:
    return in_transaction(settings, lambda s: list(s.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == org.id, AuditEntry.action == action).order_by(AuditEntry.id))))


def test_a_team_and_a_user_with_a_temporary_password(settings: Settings, http: httpx.Client, org: Org) -> None:
    r = org.post("/teams", {"key": " Recherche ", "name": "Recherche"})
    assert r.status_code == 201 and r.json()["key"] == "recherche" and r.json()["users"] == 0
    team = r.json()["id"]
    teams = {t["key"]: t["users"] for t in org.get("/teams").json()}
    assert teams == {"t1": 2, "recherche": 0}
    r = org.new_user(f"Nieuw-{org.key}", uuid.UUID(team), role="teamleider")
    assert r.status_code == 201, r.text
    body = r.json()
    name = f"nieuw-{org.key}"  # the one normalisation of usernames: case folded
    assert body["account"]["username"] == name and body["account"]["team"] == "recherche"
    assert body["account"]["role"] == "teamleider" and body["account"]["must_change_password"] is True
    temporary = body["temporary_password"]
    assert len(temporary) >= 10
    first = http.post("/api/v1/auth/login", json={"username": name, "password": temporary, "device_name": "t"})
    assert first.json()["must_change_password"] is True
    headers = {"Authorization": f"Bearer {first.json()['token']}"}
    refused(http.get("/api/v1/review/inspections", headers=headers), 403, "password_change_required")
    assert http.post("/api/v1/auth/password", headers=headers, json={
        "current_password": temporary, "new_password": "zelf-gekozen-wachtwoord"}).status_code == 204
    assert http.get("/api/v1/review/inspections", headers=headers).status_code == 200
    assert [e.object_id for e in audited(settings, org, "create_team")] == ["recherche"]
    [entry] = audited(settings, org, "create_user")
    assert entry.object_id == name and entry.detail == {"role": "teamleider", "team": "recherche"}
    assert temporary not in str(entry.detail)


def test_every_refusal_of_a_new_user_or_team(settings: Settings, http: httpx.Client, org: Org) -> None:
    assert "bestaat al" in refused(org.new_user("inspecteur1"), 409, "username_taken")
    assert "gebruikersnaam" in refused(org.new_user(f"ab\u200bc-{org.key}"), 422, "username_invalid")
    refused(org.new_user("x" * 101), 422, "username_invalid")
    refused(org.post("/users", {"username": f"leeg-{org.key}", "display_name": "   ", "role": "inspecteur",
                                "team_id": str(org.team_id)}), 422, "display_name_invalid")
    refused(org.post("/users", {"username": f"rol-{org.key}", "display_name": "R", "role": "baas",
                                "team_id": str(org.team_id)}), 422, "validation_error")
    refused(org.new_user(f"nergens-{org.key}", uuid.uuid4()), 404, "not_found")
    other = Org(settings, http)
    refused(org.new_user(f"ander-{org.key}", other.team_id), 404, "not_found")  # another organisation's team
    assert "teamcode" in refused(org.post("/teams", {"key": "met spatie", "name": "X"}), 422, "team_key_invalid")
    refused(org.post("/teams", {"key": "T1", "name": "Dubbel"}), 409, "team_exists")
    refused(org.post("/teams", {"key": "leeg", "name": "  "}), 422, "display_name_invalid")
    assert org.post("/teams", {"key": "t1", "name": "Elders"}).status_code == 409
    assert other.post("/teams", {"key": "t9", "name": "Elders"}).status_code == 201  # keys are per organisation
    names = in_transaction(settings, lambda s: list(s.scalars(select(User.username).where(
        User.username.like(f"%{org.key}")))))
    assert sorted(names) == sorted([f"beh0-{org.key}", f"insp-{org.key}"])  # nothing half-made
    assert audited(settings, org, "create_user") == []


def test_moving_a_user_within_the_organisation(settings: Settings, http: httpx.Client, org: Org) -> None:
    team = org.post("/teams", {"key": "t2", "name": "Team twee"}).json()["id"]
    user_id = org.inspector.user["id"]
    r = org.post(f"/users/{user_id}/move", {"team_id": team})
    assert r.status_code == 200 and r.json()["team"] == "t2"
    assert "al in dit team" in refused(org.post(f"/users/{user_id}/move", {"team_id": team}), 409,
                                       "user_already_in_team")
    other = Org(settings, http)
    refused(org.post(f"/users/{user_id}/move", {"team_id": str(other.team_id)}), 404, "not_found")
    refused(org.post(f"/users/{other.inspector.user['id']}/move", {"team_id": team}), 404, "not_found")
    refused(org.post(f"/users/{uuid.uuid4()}/move", {"team_id": team}), 404, "not_found")
    [entry] = audited(settings, org, "move_user")
    assert entry.username == org.admin.user["username"] and entry.detail["to_team"] == team
    assert in_transaction(settings, lambda s: s.get(Team, s.get(User, uuid.UUID(user_id)).team_id).key) == "t2"


def test_the_list_filters_by_name_and_team(org: Org) -> None:
    team = org.post("/teams", {"key": "t3", "name": "Drie"}).json()["id"]
    assert org.new_user(f"zoek-{org.key}", uuid.UUID(team)).status_code == 201
    assert [a["username"] for a in org.get("/users", q="ZOEK-").json()] == [f"zoek-{org.key}"]
    assert [a["username"] for a in org.get("/users", q="naam zoek").json()] == [f"zoek-{org.key}"]  # display name
    assert [a["username"] for a in org.get("/users", team_id=team).json()] == [f"zoek-{org.key}"]
    assert len(org.get("/users", limit=2).json()) == 2
    assert org.get("/users", team_id=str(uuid.uuid4())).json() == []
    assert org.get("/users", q="%").json() == [] and org.get("/users", q="zoek_").json() == []  # no wildcards
    assert org.get("/users", limit=0).status_code == 422


def test_the_last_active_beheerder_stays(settings: Settings, http: httpx.Client, cli_env: Settings,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    org = Org(settings, http, beheerders=2)
    second = in_transaction(settings, lambda s: str(s.scalar(select(User.id).where(
        User.username == f"beh1-{org.key}"))))
    refused(org.post(f"/users/{org.admin.user['id']}/disable"), 409, "cannot_disable_self")
    assert org.post(f"/users/{second}/disable").status_code == 200  # one beheerder is left: may
    assert main(["disable-user", f"beh0-{org.key}"]) == 1
    assert "last active beheerder" in capsys.readouterr().err
    other = Org(settings, http)
    assert main(["move-user", f"beh0-{org.key}", "--organisation", other.key, "--team", "t1"]) == 1
    assert "last active beheerder" in capsys.readouterr().err
    assert org.post(f"/users/{second}/enable").status_code == 200
    assert main(["disable-user", f"beh0-{org.key}"]) == 0  # now another is active


def test_only_the_beheerder_may(http: httpx.Client, org: Org) -> None:
    headers = org.inspector.headers
    user_id = org.inspector.user["id"]
    for method, path, body in (("GET", "/teams", None), ("POST", "/teams", {"key": "x", "name": "X"}),
                               ("POST", "/users", {"username": "x", "display_name": "X", "role": "inspecteur",
                                                   "team_id": str(org.team_id)}),
                               ("POST", f"/users/{user_id}/move", {"team_id": str(org.team_id)}),
                               ("GET", "/settings", None),
                               ("PUT", "/settings", {"retention": {}, "verify_within_days": 5})):
        r = http.request(method, f"{ADMIN}{path}", json=body, headers=headers)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), path


def test_settings_shorter_than_the_server_are_saved_and_used(settings: Settings, http: httpx.Client,
                                                             org: Org) -> None:
    r = org.get("/settings")
    body = r.json()
    assert body["maxima"]["controls_without_signals"] == 3650 and body["maxima"]["audit"] is None
    assert body["own"]["controls_without_signals"] is None and body["in_force"]["photos"] == 365
    assert body["verify_within_days"] == settings.verify_within_days and body["updated_by"] is None
    plain = flagged_control(org.inspector, passport=False)  # finished on 02-03-2026

    too_long = {"retention": {"controls_without_signals": 4000}, "verify_within_days": 3}
    assert "selectielijst" in refused(org.put("/settings", too_long), 422, "retention_above_maximum")
    assert org.get("/settings").json()["own"]["controls_without_signals"] is None  # nothing saved
    refused(org.put("/settings", {"retention": {}, "verify_within_days": 0}), 422, "validation_error")
    refused(org.put("/settings", {"retention": {"photos": -1}, "verify_within_days": 5}), 422, "validation_error")
    refused(org.put("/settings", {"retention": {"referred": 10}}), 422, "validation_error")

    saved = org.put("/settings", {"retention": {"controls_without_signals": 10, "unfounded_signals": 36500,
                                                "audit": 3000}, "verify_within_days": 3})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["in_force"]["controls_without_signals"] == 10 and body["in_force"]["unfounded_signals"] == 36500
    assert body["in_force"]["photos"] == 365 and body["in_force"]["audit"] == 3000  # the server's where not set
    assert body["verify_within_days"] == 3 and body["updated_by"] == org.admin.user["username"]
    retention = http.get("/api/v1/retention", headers=org.admin.headers).json()
    assert retention["periods"]["controls_without_signals"] == 10

    other = Org(settings, http)  # another organisation keeps the server's
    assert other.get("/settings").json()["in_force"]["controls_without_signals"] == 3650
    assert in_transaction(settings, lambda s: org_settings.verify_within_days(
        session=s, organisation_id=other.id, settings=settings)) == settings.verify_within_days
    assert in_transaction(settings, lambda s: org_settings.verify_within_days(
        session=s, organisation_id=org.id, settings=settings)) == 3

    result = _purge(settings, org, after=timedelta(days=0))
    assert result.controls["controls_without_signals"] == [uuid.UUID(plain)]  # by the organisation's 10 days
    assert result.periods.controls_without_signals == 10
    [entry] = audited(settings, org, "update_settings")
    assert entry.detail["before"]["own"]["controls_without_signals"] is None
    assert entry.detail["after"]["own"]["controls_without_signals"] == 10


def test_the_review_uses_the_organisations_verification_deadline(settings: Settings, http: httpx.Client,
                                                                 org: Org) -> None:
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    iid, create = org.inspector.create_inspection(started_at=three_days_ago)
    batch = [create, org.inspector.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
             org.inspector.mutation("answer.set.v1", iid, {"person_id": "p1", "question_id": "passport_withheld",
                                                           "value": True}),
             org.inspector.mutation("inspection.finish.v1", iid, {"finished_at": three_days_ago})]
    assert org.inspector.push(batch).json()["rejections"] == []
    in_transaction(settings, lambda s: auth.create(session=s, username=f"lead-{org.key}", password=PASSWORD,
                                                   role=Role.TEAMLEIDER, display_name="Lead", team_id=org.team_id))
    lead = login(http, f"lead-{org.key}", PASSWORD)

    def overdue() -> list[bool]:
        r = http.get("/api/v1/review/signals", headers=lead.headers)
        assert r.status_code == 200, r.text
        return [sig["overdue"] for sig in r.json()["items"] if sig["inspection_id"] == iid]

    assert overdue() == [False]  # three days old, the server's deadline is five
    assert org.put("/settings", {"retention": {}, "verify_within_days": 1}).status_code == 200
    assert overdue() == [True]  # the organisation's own deadline: one day


def test_a_lowered_server_maximum_wins(settings: Settings, org: Org, http: httpx.Client) -> None:
    assert org.put("/settings", {"retention": {"photos": 300}, "verify_within_days": 5}).status_code == 200
    lowered = settings.model_copy(update={"retention_photos_days": 200})
    in_force = in_transaction(settings, lambda s: org_settings.periods_for(session=s, organisation_id=org.id,
                                                                           settings=lowered))
    assert in_force.photos == 200


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("INSPECTIE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INSPECTIE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPECTIE_ASSETS_DIR", str(settings.assets_dir))
    yield settings


def test_the_command_line_goes_the_same_way(cli_env: Settings, http: httpx.Client, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    key = f"cli-{uuid.uuid4().hex[:8]}"
    assert main(["create-team", key, "t1", "--name", "Team"]) == 0
    assert main(["create-team", key, "t1", "--name", "Team"]) == 1
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", _Lines(["een-wachtwoord-lang\n"] * 3))
    base = ["create-user", "--role", "inspecteur", "--display-name", "CLI", "--organisation", key, "--team", "t1",
            "--password-stdin", "--username"]
    assert main([*base, f"u-{key}"]) == 0
    assert main([*base, f"u-{key}"]) == 1
    assert "This username already exists." in capsys.readouterr().err
    assert main([*base, f"a\u200bb-{key}"]) == 1
    assert "This username is not possible" in capsys.readouterr().err
    assert login(http, f"u-{key}", "een-wachtwoord-lang").user["username"] == f"u-{key}"  # no change asked
    org_id = in_transaction(cli_env, lambda s: tenancy.get_organisation(session=s, key=key).id)
    actions = in_transaction(cli_env, lambda s: sorted(s.scalars(select(AuditEntry.action).where(
        AuditEntry.organisation_id == org_id, AuditEntry.username == "inspectie-server"))))
    assert actions == ["create_team", "create_user"]


class _Lines:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def readline(self) -> str:
        return self.lines.pop(0)

