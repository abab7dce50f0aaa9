"""The ``inspectie-server`` command line: help for every subcommand, migrate, create-user, seed-demo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.auth.models import User
from sync_server.cli import build_parser, in_transaction, main
from sync_server.config import Settings
from sync_server.planning.models import PlannedControl

SUBCOMMANDS = ["serve", "migrate", "create-team", "create-user", "move-user", "seed-demo", "publish-assets", "audit",
               "purge", "devices", "revoke-device", "disable-user", "enable-user", "reset-password", "quarantine",
               "backup", "restore"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_for_each_subcommand(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: inspectie-server " + command in capsys.readouterr().out


def test_parser_knows_all_subcommands() -> None:
    help_text = build_parser().format_help()
    assert all(c in help_text for c in SUBCOMMANDS)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("INSPECTIE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INSPECTIE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INSPECTIE_ENVIRONMENT", raising=False)
    assets = tmp_path / "assets"
    (assets / "templates").mkdir(parents=True)
    (assets / "catalogue").mkdir()
    monkeypatch.setenv("INSPECTIE_ASSETS_DIR", str(assets))
    return Settings()


def _count(settings: Settings, model: type) -> int:
    return in_transaction(settings, lambda s: int(s.scalar(select(func.count()).select_from(model))))


def test_migrate_seed_demo_is_idempotent(env: Settings) -> None:
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0
    assert main(["seed-demo"]) == 0
    users, controls = _count(env, User), _count(env, PlannedControl)
    assert users == 8 and controls == 4  # 6 in the default team, 2 in the second demo organisation
    assert main(["seed-demo"]) == 0
    assert (_count(env, User), _count(env, PlannedControl)) == (users, controls)
    assert main(["publish-assets"]) == 0


def test_seed_demo_refuses_production(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTIE_ENVIRONMENT", "production")
    monkeypatch.setenv("INSPECTIE_IDENTIFIER_KEY", "a-real-secret-for-this-test-of-32-bytes")
    main(["migrate"])
    assert main(["seed-demo"]) == 1


def test_production_refuses_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTIE_ENVIRONMENT", "production")
    monkeypatch.delenv("INSPECTIE_IDENTIFIER_KEY", raising=False)
    with pytest.raises(ValueError, match="IDENTIFIER_KEY"):
        Settings()


def test_create_user_with_password_stdin(env: Settings, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(["migrate"])
    args = ["create-user", "--username", "Nieuw1", "--role", "teamleider", "--display-name", "Nieuwe Lead",
            "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genoeg-wachtwoord\n"))
    assert main(args) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genoeg-wachtwoord\n"))
    assert main(args) == 1  # the username exists
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main([*args[:2], "ander", *args[3:]]) == 2
    assert "already exists" in capsys.readouterr().err


def test_create_user_rejects_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["create-user", "--username", "x", "--role", "koning", "--display-name", "X", "--password-stdin"])
    assert exc.value.code == 2


def test_seed_demo_on_empty_data_dir_migrates_first(env: Settings) -> None:
    assert main(["seed-demo"]) == 0
    assert _count(env, User) == 8


def test_publish_assets_reports_a_broken_file(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    (env.assets_dir / "catalogue" / "v1.yaml").write_text("id: [unclosed", encoding="utf-8")
    assert main(["publish-assets"]) == 1
    assert "v1.yaml" in capsys.readouterr().err


def _team_of(settings: Settings, username: str) -> tuple[str, str]:
    from sync_server.tenancy.models import Organisation, Team

    def work(s: Session) -> tuple[str, str]:
        row = s.execute(select(Organisation.key, Team.key).join(Team, Team.organisation_id == Organisation.id)
                        .join(User, User.team_id == Team.id).where(User.username == username)).one()
        return row[0], row[1]

    return in_transaction(settings, work)


def _create_user(monkeypatch: pytest.MonkeyPatch, username: str, *extra: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genoeg-wachtwoord\n"))
    return main(["create-user", "--username", username, "--role", "inspecteur", "--display-name", username,
                 "--password-stdin", *extra])


def test_create_user_defaults_to_the_default_team(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    main(["migrate"])
    assert _create_user(monkeypatch, "standaard") == 0
    assert _team_of(env, "standaard") == ("gemeente-arnhem", "interventieteam")


def test_create_team_create_user_and_move_user(env: Settings, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from sync_server.review.models import AuditEntry

    main(["migrate"])
    assert main(["create-team", "gemeente-proef", "noord", "--name", "Team Noord",
                 "--organisation-name", "Gemeente Proef"]) == 0
    assert "organisation gemeente-proef created" in capsys.readouterr().out
    assert main(["create-team", "gemeente-proef", "zuid", "--name", "Team Zuid"]) == 0
    assert "organisation" not in capsys.readouterr().out  # the organisation existed already
    assert main(["create-team", "gemeente-proef", "zuid", "--name", "Nog eens"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert _create_user(monkeypatch, "proef1", "--organisation", "gemeente-proef", "--team", "noord") == 0
    assert _team_of(env, "proef1") == ("gemeente-proef", "noord")
    assert main(["move-user", "proef1", "--organisation", "gemeente-proef", "--team", "zuid"]) == 0
    assert _team_of(env, "proef1") == ("gemeente-proef", "zuid")
    assert main(["move-user", "proef1", "--team", "interventieteam"]) == 0  # to the default organisation
    assert _team_of(env, "proef1") == ("gemeente-arnhem", "interventieteam")
    moves = in_transaction(env, lambda s: list(s.scalars(select(AuditEntry.detail)
                                                           .where(AuditEntry.action == "move_user"))))
    assert len(moves) == 3  # within one organisation once; across two organisations in each of them


def test_tenancy_commands_refuse_unknowns(env: Settings, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    main(["migrate"])
    assert _create_user(monkeypatch, "zwerver", "--team", "bestaat-niet") == 1
    assert "Unknown team" in capsys.readouterr().err
    assert main(["move-user", "niemand", "--team", "interventieteam"]) == 1
    assert "Not found" in capsys.readouterr().err
    _create_user(monkeypatch, "blijver")
    assert main(["move-user", "blijver", "--organisation", "nergens", "--team", "interventieteam"]) == 1
    assert _team_of(env, "blijver") == ("gemeente-arnhem", "interventieteam")
    assert main(["create-team", "Geen spaties!", "x", "--name", "X"]) == 1
    assert "letters, digits" in capsys.readouterr().err


def test_tenancy_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    for command, words in (("create-user", ["--team", "--organisation"]), ("move-user", ["USERNAME", "--team"]),
                           ("create-team", ["ORG_KEY", "TEAM_KEY", "--name"])):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert all(w in out for w in words), (command, out)
