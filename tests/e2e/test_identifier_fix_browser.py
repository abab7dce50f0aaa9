"""Identifiers the tablet and the server agree on, and emoji in the browser (issue 14). Real processes, headless
Chromium, the tablet in portrait (800 × 1280): a KvK number "abc 😀" gets a Dutch message on the field and nothing
is stored; a valid one is recorded, synced, corrected and synced again, and the server knows the corrected number
only. Both apps draw the emoji with the font they serve: every font request answers 200, none is repeated, and no
"Failed to load font" warning appears (before: 404s on every frame, 1,124 requests, boxes)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from e2e_support import PASSWORD, Browser, click, demo_stack, fill, login, radio, snap, wait_text

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 800, 1280
KVK = "q-A15c_agency_kvk"
RECORDED = '[flt-semantics-identifier^="recorded-A15c_agency_kvk-"]'


class FontWatch:
    """The font requests and console warnings of one page."""

    def __init__(self, page: Any) -> None:
        self.responses: list[tuple[str, int]] = []
        self.console: list[str] = []
        page.on("response", lambda r: self.responses.append((r.url, r.status)) if "/fonts/" in r.url else None)
        page.on("console", lambda m: self.console.append(m.text))

    def check(self) -> None:
        emoji = [url for url, _status in self.responses if "notocoloremoji" in url]
        assert emoji, "no emoji font was asked for: the emoji was not drawn"
        assert [(u, s) for u, s in self.responses if s != 200] == []
        urls = [u for u, _s in self.responses]
        assert len(urls) == len(set(urls)), f"font requests repeated: {urls}"
        assert [m for m in self.console if "font" in m.lower() and ("fail" in m.lower() or "could not" in m.lower())
                ] == []


def api(base: str, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    request = urllib.request.Request(f"{base}/api/v1{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def controls_with(base: str, token: str, kvk: str) -> int:
    return len(api(base, "POST", "/links/lookup", {"kind": "uitzendbureau", "value": kvk}, token))


def reveal(page: Any, ident: str) -> None:
    """Scroll the checklist until the control ``ident`` is in Flutter's semantics tree."""
    target = page.locator(f'[flt-semantics-identifier="{ident}"]')
    page.mouse.move(WIDTH / 2, HEIGHT / 2)
    for _ in range(40):
        if target.count():
            target.first.scroll_into_view_if_needed()
            return
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(250)
    raise AssertionError(f"{ident} never appeared")


def retype(page: Any, ident: str, text: str) -> None:
    """Replace the text of a field: focus its input, select all, type. (``fill`` clicks the semantics node, and
    the browser's scroll to it moved Flutter's list away from a field low on the screen: the click missed.)"""
    field = page.locator(f'[flt-semantics-identifier="{ident}"] input').first
    field.wait_for(timeout=20_000)
    field.focus()
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=10)


def sync(page: Any) -> None:
    click(page, "sync-button")
    wait_text(page.locator('[flt-semantics-identifier="sync-status"]'), re.compile("Alles verstuurd"))


def test_kvk_number_refused_in_dutch_corrected_and_emoji_drawn(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        keten = api(stack.server_url, "POST", "/auth/login",
                    {"username": "ketenregisseur1", "password": PASSWORD, "device_name": "test"})["token"]
        tablet = browser.open(stack.app_url, width=WIDTH, height=HEIGHT)
        fonts = FontWatch(tablet)
        login(tablet, "inspecteur1")
        click(tablet, "new-inspection")
        fill(tablet, "addr-street", "Kenmerkstraat")
        fill(tablet, "addr-number", "14")
        click(tablet, "addr-create")
        tablet.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=15_000)
        reveal(tablet, "q-A15_landlord_relation")
        radio(tablet, "q-A15_landlord_relation", "Het uitzendbureau")
        reveal(tablet, KVK)

        # "abc 😀": the server's own rule refuses it on the tablet, in Dutch, and nothing is recorded
        retype(tablet, KVK, "abc 😀")
        click(tablet, f"{KVK}-add")
        wait_text(tablet.locator(f'[flt-semantics-identifier="{KVK}"]'), re.compile("Hierin staat niets bruikbaars"))
        snap(tablet, shots / "inspector_identifier_refused_portrait.png")
        assert tablet.locator(RECORDED).count() == 0
        fonts.check()  # the emoji in the field is drawn with the served font

        retype(tablet, KVK, "KvK 1111 2222")
        click(tablet, f"{KVK}-add")
        fix = tablet.locator(RECORDED + '[flt-semantics-identifier$="-fix"]')
        fix.first.wait_for(timeout=15_000)
        sync(tablet)
        assert controls_with(stack.server_url, keten, "11112222") == 1

        # correct it: a bad value first (its message on the dialog's field), then the right one
        fix.first.click()
        retype(tablet, "identifier-fix-value", "KvK 123")
        click(tablet, "identifier-fix-save")
        wait_text(tablet.locator('[flt-semantics-identifier="identifier-fix-value"]'), re.compile("8 cijfers"))
        retype(tablet, "identifier-fix-value", "3333 4444")
        click(tablet, "identifier-fix-save")
        tablet.locator('[flt-semantics-identifier="identifier-fix-value"]').wait_for(state="detached",
                                                                                   timeout=15_000)
        sync(tablet)
        assert controls_with(stack.server_url, keten, "11112222") == 0
        assert controls_with(stack.server_url, keten, "33334444") == 1

        # the office app draws an emoji with the font it serves, too
        office = browser.open(f"{stack.server_url}/app/")
        office_fonts = FontWatch(office)
        fill(office, "login-username", "teamleider1 👍")
        office.wait_for_timeout(2000)  # the frame that draws the emoji, and its font request
        snap(office, shots / "office_emoji.png")
        office_fonts.check()
