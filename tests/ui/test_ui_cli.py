"""``inspectie-app`` command line and its Flet main."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness

from inspectie_app import cli, tablet


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("INSPECTIE_APP_SERVER_URL", "INSPECTIE_APP_DATA_DIR", "INSPECTIE_APP_SYNC_INTERVAL",
                 "FLET_APP_STORAGE_DATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    args = cli.build_parser().parse_args([])
    assert (args.server, args.data_dir, args.host, args.port, args.web, args.sync_interval) == (
        "http://127.0.0.1:8000", tmp_path / "share" / "inspectie", "127.0.0.1", 8550, False, 10.0)


def test_defaults_come_from_the_apps_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The settings are honoured without flags (a packaged app has none); a flag still overrides its setting."""
    monkeypatch.setenv("INSPECTIE_APP_SERVER_URL", "https://inspectie.example.nl")
    monkeypatch.setenv("INSPECTIE_APP_SYNC_INTERVAL", "30")
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "app-data"))  # set by an app built with flet build
    args = cli.build_parser().parse_args([])
    assert (args.server, args.data_dir, args.sync_interval) == ("https://inspectie.example.nl",
                                                                tmp_path / "app-data", 30.0)
    monkeypatch.setenv("INSPECTIE_APP_DATA_DIR", str(tmp_path / "chosen"))
    assert cli.build_parser().parse_args([]).data_dir == tmp_path / "chosen"
    assert cli.build_parser().parse_args(["--server", "http://x:1"]).server == "http://x:1"


def test_every_setting_reaches_the_service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def fake_build_service(data_dir: Path, server_url: str, **kwargs: Any) -> object:
        seen.update(kwargs, data_dir=data_dir, server_url=server_url)
        raise SystemExit(0)  # stop before any app starts

    monkeypatch.setattr("inspectie_app.services.build_service", fake_build_service)
    for name, value in (("PHOTO_LONG_EDGE", "1600"), ("DEVICE_NAME", "tablet-7"), ("REQUEST_TIMEOUT", "12"),
                        ("PHOTO_PURGE_DAYS", "3"), ("OUTBOX_HISTORY_DAYS", "2"), ("CONTROL_KEEP_DAYS", "5")):
        monkeypatch.setenv(f"INSPECTIE_APP_{name}", value)
    with pytest.raises(SystemExit):
        cli.main(["--data-dir", str(tmp_path / "d")])
    assert seen["data_dir"] == tmp_path / "d"
    assert (seen["photo_long_edge"], seen["device_name"], seen["timeout"], seen["photo_purge_days"],
            seen["outbox_history_days"], seen["control_keep_days"]) == (1600, "tablet-7", 12.0, 3.0, 2.0, 5.0)


def test_options() -> None:
    args = cli.build_parser().parse_args(["--server", "http://x:1", "--data-dir", "/d", "--host", "0.0.0.0",
                                          "--port", "9000", "--web"])
    assert (args.server, args.data_dir, args.host, args.port, args.web) == ("http://x:1", Path("/d"), "0.0.0.0",
                                                                            9000, True)


def test_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    assert "--data-dir" in capsys.readouterr().out


def test_bad_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--port", "abc"])
    assert exc.value.code == 2


def test_no_display_means_web(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.desktop_available() is False


async def test_main_starts_autosync_and_shows_login(service: Any) -> None:
    async with FletHarness(tablet.make_main(service, sync_interval=3600)) as h:
        assert h.find_one(ft.TextField, key="login-username")
        assert service._autosync is not None and not service._autosync.done()


def test_the_settings_file_is_honoured_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    """A tablet build has no environment: its server address comes from the settings file written before the build."""
    monkeypatch.delenv("INSPECTIE_APP_SERVER_URL", raising=False)
    monkeypatch.delenv("INSPECTIE_APP_SYNC_INTERVAL", raising=False)
    file = tmp_path / "settings.toml"
    file.write_text('server_url = "https://inspectie.example.nl"\nsync_interval = 60\n', encoding="utf-8")
    monkeypatch.setenv("INSPECTIE_APP_SETTINGS_FILE", str(file))
    assert (tablet.load_settings().server_url, tablet.load_settings().sync_interval) == (
        "https://inspectie.example.nl", 60.0)
    assert cli.build_parser(tablet.load_settings()).parse_args([]).server == "https://inspectie.example.nl"
    monkeypatch.setenv("INSPECTIE_APP_SERVER_URL", "https://elders.example.nl")
    assert tablet.load_settings().server_url == "https://elders.example.nl"


def test_a_missing_settings_file_means_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("INSPECTIE_APP_SERVER_URL", raising=False)
    monkeypatch.setenv("INSPECTIE_APP_SETTINGS_FILE", str(tmp_path / "absent.toml"))
    assert tablet.load_settings().server_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(("text", "named"), [
    ('server_ulr = "https://x.example.nl"\n', "server_ulr"),  # a typo is not silently ignored
    ('sync_interval = "vaak"\n', "sync_interval"),
    ("sync_interval = -1\n", "sync_interval"),
    ('server_url = \n', "settings.toml"),  # not TOML at all
])
def test_wrong_settings_stop_the_command_with_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str], text: str,
                                                            named: str) -> None:
    file = tmp_path / "settings.toml"
    file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("INSPECTIE_APP_SETTINGS_FILE", str(file))
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "settings are wrong" in err and named in err and "Traceback" not in err


async def test_a_tablet_with_wrong_settings_shows_why_instead_of_crashing(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text('server_ulr = "https://x.example.nl"\n', encoding="utf-8")
    monkeypatch.setenv("INSPECTIE_APP_SETTINGS_FILE", str(file))
    async with FletHarness(tablet.tablet_main()) as h:
        texts = h.all_text()
        assert "De app kan niet starten: de instellingen zijn onjuist." in texts
        assert any("server_ulr" in str(t) for t in texts)


async def test_a_tablet_starts_from_its_settings_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What ``flet_main.py`` runs: the store in the app's own storage, the server from the settings file."""
    file = tmp_path / "settings.toml"
    file.write_text('server_url = "http://127.0.0.1:9"\nsync_interval = 3600\n', encoding="utf-8")
    monkeypatch.setenv("INSPECTIE_APP_SETTINGS_FILE", str(file))
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "storage"))
    monkeypatch.delenv("INSPECTIE_APP_DATA_DIR", raising=False)
    monkeypatch.setenv("INSPECTIE_APP_KEY_STORE", "file")
    async with FletHarness(tablet.tablet_main()) as h:
        assert h.find_one(ft.TextField, key="login-username")
    assert (tmp_path / "storage" / "inspectie.db").is_file()
