"""Processes and Playwright helpers for the browser tests (Flet web, headless Chromium)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def scripts(name: str) -> str:
    """A console script of this project, next to the running Python."""
    return str(Path(sys.executable).parent / name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s")


class Proc:
    """A child process that can be stopped and started again with the same command."""

    def __init__(self, cmd: list[str], *, env: dict[str, str] | None = None, log: Path) -> None:
        self.cmd, self.env, self.log = cmd, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.out: Any = None
        self.start()

    @staticmethod
    def run_once(cmd: list[str], *, env: dict[str, str] | None = None) -> None:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self) -> None:
        self.out = self.log.open("ab")
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if self.out is not None:
            self.out.close()
            self.out = None


class Browser:
    """Opens Flet web pages with the accessibility tree switched on."""

    def __init__(self, chromium: Any) -> None:
        self.chromium = chromium
        self._pages: list[Any] = []

    def pages(self) -> list[Any]:
        return [p for p in self._pages if not p.is_closed()]

    def open(self, url: str, width: int = 1280, height: int = 800) -> Any:
        page = self.chromium.new_page(viewport={"width": width, "height": height})
        self._pages.append(page)
        page.goto(url)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        page.wait_for_selector("flt-semantics", state="attached", timeout=30_000)
        return page


def snap(page: Any, path: Path) -> None:
    """Screenshot once the canvas has painted (Flutter updates the semantics tree before it paints)."""
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))


def _by_id(page: Any, ident: str) -> Any:
    return page.locator(f'[flt-semantics-identifier="{ident}"]').first


def click(page: Any, ident: str) -> None:
    target = _by_id(page, ident)
    target.wait_for(timeout=20_000)
    target.click()


def fill(page: Any, ident: str, text: str, *, submit: bool = False) -> None:
    """Type into a text field as a person does: focus it, select what is there, type.

    Flutter attaches its own editing element when a field gets focus, so ``Locator.fill`` on the
    semantics ``<input>`` can be lost; keystrokes into the focused field are not."""
    field = page.locator(f'[flt-semantics-identifier="{ident}"] input, [flt-semantics-identifier="{ident}"] textarea')
    field.first.wait_for(timeout=20_000)
    field.first.click()
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=10)
    if submit:
        page.keyboard.press("Enter")


def radio(page: Any, ident: str, label: str) -> None:
    option = _by_id(page, ident).get_by_role("radio", name=label, exact=True)
    option.wait_for(timeout=20_000)
    option.click()
