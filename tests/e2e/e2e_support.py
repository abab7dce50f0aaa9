"""Processes and Playwright helpers for the browser tests (Flet web, headless Chromium)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from schemas.templates import Scope
from sync_server.assets import published_templates

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
    """Type into a text field as a person does: focus it, select what is there, type; then check it took the text.

    Flutter attaches its own editing element when a field gets focus, so ``Locator.fill`` on the
    semantics ``<input>`` can be lost; keystrokes into the focused field are not. One Flutter web quirk remains:
    a field that had the keyboard before, clicked again after a button took focus, can drop the keys until focus
    has been elsewhere — so when the field does not show the text, focus leaves it (Tab) and the typing is
    repeated, as a person would."""
    field = page.locator(f'[flt-semantics-identifier="{ident}"] input, [flt-semantics-identifier="{ident}"] textarea')
    field.first.wait_for(timeout=20_000)
    for _attempt in range(3):
        field.first.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Control+A")
        page.keyboard.type(text, delay=10)
        page.wait_for_timeout(200)
        if field.first.input_value() == text:
            break
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
    if submit:
        page.keyboard.press("Enter")


def radio(page: Any, ident: str, label: str) -> None:
    option = _by_id(page, ident).get_by_role("radio", name=label, exact=True)
    option.wait_for(timeout=20_000)
    option.click()


PASSWORD = "demo-wachtwoord"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    """The demo as a user runs it: a seeded ``inspectie-server serve`` and an ``inspectie-app --web`` tablet."""

    server: Proc
    app: Proc
    server_url: str
    app_url: str


@contextmanager
def demo_stack(tmp_path: Path, browser: Browser) -> Iterator[Stack]:
    """Start both processes on free ports; on failure, screenshot every open page; always stop both."""
    server_port, app_port = free_port(), free_port()
    server_url, app_url = f"http://127.0.0.1:{server_port}", f"http://127.0.0.1:{app_port}/"
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(tmp_path / "server")}
    bin_server, bin_app = scripts("inspectie-server"), scripts("inspectie-app")
    Proc.run_once([bin_server, "seed-demo"], env=env)
    server = Proc([bin_server, "serve", "--host", "127.0.0.1", "--port", str(server_port)], env=env,
                  log=tmp_path / "server.log")
    app = Proc([bin_app, "--web", "--server", server_url, "--host", "127.0.0.1", "--port", str(app_port),
                "--data-dir", str(tmp_path / "tablet"), "--sync-interval", "2"], log=tmp_path / "app.log")
    try:
        wait_http(f"{server_url}/healthz")
        wait_http(app_url)
        yield Stack(server=server, app=app, server_url=server_url, app_url=app_url)
    except BaseException:
        for n, page in enumerate(browser.pages()):
            page.screenshot(path=str(tmp_path / f"failure-{n}.png"))
        print(f"screenshots and logs of the failure: {tmp_path}")
        raise
    finally:
        app.stop()
        server.stop()


def login(page: Any, username: str) -> None:
    fill(page, "login-username", username)
    fill(page, "login-password", PASSWORD)
    click(page, "login-button")


def wait_text(locator: Any, pattern: re.Pattern[str], timeout: int = 30_000) -> None:
    expect(locator).to_contain_text(pattern, timeout=timeout)


def option_label(question_id: str, option: str, scope: Scope = Scope.PERSON) -> str:
    """The Dutch label of an option of the published pandenactie, as the inspector sees it."""
    template = next(t for t in published_templates() if t.id == "pandenactie")
    q = template.question(question_id, scope)
    assert q is not None
    return next(o.label.nl for o in q.options if o.value == option)


def record_flagged_pandenactie(tablet: Any, street: str, number: str, persons_found: str = "3") -> None:
    """Start a pandenactie and fill it so that it reaches L2: one worker whose ID the landlord holds."""
    click(tablet, "new-inspection")
    fill(tablet, "addr-street", street)
    fill(tablet, "addr-number", number)
    click(tablet, "addr-create")
    tablet.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=15_000)
    radio(tablet, "q-A24_entry_basis", option_label("A24_entry_basis", "consent", Scope.PREMISES))
    radio(tablet, "q-A01_premises_type", option_label("A01_premises_type", "single_family", Scope.PREMISES))
    fill(tablet, "q-A02_persons_found", persons_found, submit=True)
    radio(tablet, "q-A22_minors_present", "Nee")
    click(tablet, "add-person")
    person = tablet.locator('[flt-semantics-identifier$="-P00_role"]').first
    person.wait_for(timeout=15_000)
    prefix = (person.get_attribute("flt-semantics-identifier") or "")[: -len("P00_role")]
    radio(tablet, f"{prefix}P00_role", option_label("P00_role", "worker"))
    radio(tablet, f"{prefix}P01_age_band", option_label("P01_age_band", "age_21_plus"))
    radio(tablet, f"{prefix}P40_private_conversation", "Ja")
    radio(tablet, f"{prefix}P02_own_id", "Nee")
    # a conditional question appears only now: who holds the ID?
    radio(tablet, f"{prefix}P03_id_held_by", option_label("P03_id_held_by", "landlord"))
