"""Both apps in the browser talk to their own origin only (issue 14, privacy): Flet's web build asks
cdn.jsdelivr.net for Rive's runtime on every start; the page's Content-Security-Policy (``ui/web_page.py``) keeps
that request from being made, and nothing the apps need is refused by it. Real processes, headless Chromium: the
office app logs in and opens Alle signalen, the tablet logs in and starts a control — every request goes to
127.0.0.1, and every policy refusal in the console names an outside host."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from e2e_support import Browser, _by_id, click, demo_stack, login

pytestmark = pytest.mark.browser


def _outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1"


class Watch:
    """What a page sent over the network (answered, or failed for any reason but the policy), the requests the
    policy stopped before they left, and every console line that reports a policy refusal."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.stopped: list[str] = []
        self.refusals: list[str] = []

    def __call__(self, page: Any) -> None:
        page.on("response", lambda r: self.sent.append(r.url))
        page.on("requestfailed", lambda r: (self.stopped if r.failure == "csp" else self.sent).append(r.url))
        page.on("console", lambda m: self.refusals.append(m.text) if "Content Security Policy" in m.text else None)

    def check(self) -> None:
        assert self.sent, "the page sent nothing at all"
        outside = sorted({urlsplit(u).hostname or u for u in self.sent if _outside(u)})
        assert outside == [], f"requests that reached outside hosts: {outside}"
        assert all(_outside(u) for u in self.stopped), f"the policy stopped the app's own requests: {self.stopped}"
        own = [m for m in self.refusals if not re.search(r"https?://(?!127\.0\.0\.1)", m)]
        assert own == [], f"the policy refused something of the app itself: {own}"


def test_both_apps_talk_to_their_own_origin_only(tmp_path: Any, browser: Browser) -> None:
    with demo_stack(tmp_path, browser) as stack:
        office_watch, tablet_watch = Watch(), Watch()
        office = browser.open(f"{stack.server_url}/app/", before=office_watch)
        login(office, "teamleider1")
        click(office, "nav_signals")
        _by_id(office, "nav_review").wait_for(timeout=30_000)
        tablet = browser.open(stack.app_url, width=800, height=1280, before=tablet_watch)
        login(tablet, "inspecteur1")
        click(tablet, "new-inspection")
        office.wait_for_timeout(2_000)  # late requests (fonts for the new screen) are counted too
        office_watch.check()
        tablet_watch.check()
