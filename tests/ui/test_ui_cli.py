"""``inspectie-app`` command line and its Flet main."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness

from inspectie_app import cli


def test_defaults() -> None:
    args = cli.build_parser().parse_args([])
    assert (args.server, args.data_dir, args.host, args.port, args.web) == (
        "http://127.0.0.1:8000", Path("./inspectie-app-data"), "127.0.0.1", 8550, False)


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
    async with FletHarness(cli.make_main(service, sync_interval=3600)) as h:
        assert h.find_one(ft.TextField, key="login-username")
        assert service._autosync is not None and not service._autosync.done()
