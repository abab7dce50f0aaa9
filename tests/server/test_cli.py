"""The ``inspectie-server`` command line: help for every subcommand, migrate, create-user, seed-demo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync_server.auth.models import User
from sync_server.cli import build_parser, in_transaction, main
from sync_server.config import Settings
from sync_server.planning.models import PlannedControl

SUBCOMMANDS = ["serve", "migrate", "create-user", "seed-demo", "publish-assets"]


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
    assert users == 6 and controls == 4
    assert main(["seed-demo"]) == 0
    assert (_count(env, User), _count(env, PlannedControl)) == (users, controls)
    assert main(["publish-assets"]) == 0


def test_seed_demo_refuses_production(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTIE_ENVIRONMENT", "production")
    monkeypatch.setenv("INSPECTIE_IDENTIFIER_KEY", "a-real-secret-for-this-test")
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
    assert _count(env, User) == 6


def test_publish_assets_reports_a_broken_file(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    (env.assets_dir / "catalogue" / "v1.yaml").write_text("id: [unclosed", encoding="utf-8")
    assert main(["publish-assets"]) == 1
    assert "v1.yaml" in capsys.readouterr().err
