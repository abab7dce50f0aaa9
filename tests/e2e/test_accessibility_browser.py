"""Every screen of both apps, read the way a screen reader reads it: the browser's accessibility tree (Chrome's
``Accessibility.getFullAXTree`` over CDP, with Flutter's semantics switched on) must give every interactive control
a name (WCAG 2.1 SC 4.1.2, 1.3.1, 2.4.6), and the page must say its language (SC 3.1.1).

One seeded server and one tablet process; one browser. The inspector app is walked at both tablet sizes (landscape
1280 × 800 and portrait 800 × 1280): login (with a failed login), home, a new control's form (with bad input), a
checklist with its signal panel and the sync bar. The office app is walked for each role; its navigation entries and
planner tabs are discovered at run time, so a screen added later is walked too. Each screen is scrolled to its end,
because Flutter only puts what is near the viewport into the tree. The test fails with a list of every unnamed
control and the screen it was found on.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Browser, click, demo_stack, fill, login

pytestmark = pytest.mark.browser

INTERACTIVE = {"button", "checkbox", "radio", "textbox", "combobox", "slider", "link", "switch", "tab", "menuitem",
               "searchbox", "spinbutton", "menuitemcheckbox", "menuitemradio", "option", "listbox"}
OFFICE_ROLES = ("teamleider1", "ketenregisseur1", "planner1", "beheerder1")
MAX_SCROLLS = 12
WHERE_JS = """function() {
  const tagged = this.closest('[flt-semantics-identifier]');
  if (tagged) return tagged.getAttribute('flt-semantics-identifier');
  const host = this.closest('flt-text-editing-host');
  const text = (this.value || this.textContent || '').trim().slice(0, 80);
  return (host ? '(Flutter text editing host) ' : '(no identifier) ') + this.tagName.toLowerCase()
    + (text ? ' showing "' + text + '"' : '');
}"""
# the labelled or text-bearing semantics nodes whose box reaches past the page's left or right edge
OUTSIDE_JS = """() => Array.from(document.querySelectorAll('flt-semantics')).filter(e => {
  const r = e.getBoundingClientRect();
  const text = (e.getAttribute('aria-label') || e.textContent || '').trim();
  return text && r.width > 0 && r.height > 0 && (r.right > innerWidth + 2 || r.left < -2);
}).map(e => (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 60))"""


class Walker:
    """Collects the unnamed interactive controls of every screen it is shown."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Accessibility.enable")
        self.cdp.send("DOM.enable")
        self.unnamed: dict[str, set[str]] = {}
        self.screens: list[str] = []
        self.controls_seen = 0
        self.lang_problems: list[str] = []
        self.reflow_problems: list[str] = []

    def expect_lang(self, lang: str, where: str) -> None:
        """The page's ``<html lang>`` must name the language the user reads (SC 3.1.1)."""
        try:
            self.page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10_000)
        except Exception:
            self.lang_problems.append(f"{where}: html lang is {html_lang(self.page)!r}, expected {lang!r}")

    def _nodes(self) -> list[dict[str, Any]]:
        return list(self.cdp.send("Accessibility.getFullAXTree")["nodes"])

    def _where(self, backend_id: int) -> str:
        """The nearest ``flt-semantics-identifier`` above an unnamed control, for the failure message."""
        try:
            obj = self.cdp.send("DOM.resolveNode", {"backendNodeId": backend_id})["object"]
            found = self.cdp.send("Runtime.callFunctionOn", {
                "objectId": obj["objectId"], "returnByValue": True,
                "functionDeclaration": WHERE_JS,
            })
            return str(found["result"].get("value"))
        except Exception as exc:  # a node gone between the snapshot and the question
            return f"(gone: {type(exc).__name__})"

    def check(self, screen: str) -> int:
        """Record the unnamed controls on screen now; the number of named interactive controls seen."""
        named = 0
        for node in self._nodes():
            if node.get("ignored"):
                continue
            role = (node.get("role") or {}).get("value", "")
            if role not in INTERACTIVE:
                continue
            name = str((node.get("name") or {}).get("value", "")).strip()
            if name:
                named += 1
                continue
            where = self._where(node["backendDOMNodeId"]) if "backendDOMNodeId" in node else "?"
            self.unnamed.setdefault(screen, set()).add(f"{role} in {where}")
            print(f"UNNAMED {screen}: {role} in {where}")
        self.controls_seen += named
        return named

    def walk(self, screen: str, max_scrolls: int = MAX_SCROLLS) -> None:
        """Check the screen, scrolling down until its end (the tree holds only what is near the viewport) or for
        ``max_scrolls`` screenfuls."""
        self.screens.append(screen)
        self.page.wait_for_timeout(300)
        size = self.page.viewport_size
        self.page.mouse.move(size["width"] // 2, size["height"] * 2 // 3)
        last = None
        for _ in range(max_scrolls):
            self.check(screen)
            marker = self.page.evaluate("document.querySelector('flt-semantics-host')?.innerText?.length ?? 0")
            fingerprint = (marker, self._visible_ids())
            if fingerprint == last:
                break
            last = fingerprint
            self.page.mouse.wheel(0, size["height"] * 0.7)
            self.page.wait_for_timeout(250)
        self.page.mouse.wheel(0, -100_000)  # back to the top for the next step
        self.page.wait_for_timeout(150)

    def _visible_ids(self) -> str:
        return visible_ids(self.page)

    def check_reflow(self, screen: str) -> None:
        """At 200 % (a viewport of half the size) nothing may stick out sideways: the screen scrolls down instead
        of clipping (SC 1.4.4). Checked on every scroll position of the screen."""
        size = self.page.viewport_size
        self.page.mouse.move(size["width"] // 2, size["height"] // 2)
        for _ in range(MAX_SCROLLS // 2):
            self.page.wait_for_timeout(300)
            outside = self.page.evaluate(OUTSIDE_JS)
            for found in outside:
                self.reflow_problems.append(f"{screen}: {found} sticks out of the {size['width']} px page")
            before = self.page.evaluate("document.querySelector('flt-semantics-host')?.innerText ?? ''")
            self.page.mouse.wheel(0, size["height"] * 0.7)
            self.page.wait_for_timeout(300)
            if self.page.evaluate("document.querySelector('flt-semantics-host')?.innerText ?? ''") == before:
                break
        self.page.mouse.wheel(0, -100_000)

    def report(self) -> str:
        return "\n".join(f"{screen}: {sorted(found)}" for screen, found in self.unnamed.items())


VISIBLE_IDS_JS = ("Array.from(document.querySelectorAll('[flt-semantics-identifier]'))"
                  ".map(e => e.getAttribute('flt-semantics-identifier')).join('|')")


def visible_ids(page: Any) -> str:
    return str(page.evaluate(VISIBLE_IDS_JS))


def html_lang(page: Any) -> str:
    return str(page.evaluate("document.documentElement.lang"))


def ids(page: Any, prefix: str) -> list[str]:
    """The semantics identifiers on screen that start with ``prefix``, in page order."""
    found = page.evaluate(
        "p => Array.from(document.querySelectorAll('[flt-semantics-identifier^=\"' + p + '\"]'))"
        ".map(e => e.getAttribute('flt-semantics-identifier'))", prefix)
    return list(dict.fromkeys(found))


LANDSCAPE, PORTRAIT = {"width": 1280, "height": 800}, {"width": 800, "height": 1280}
ZOOMED, ZOOMED_PORTRAIT = {"width": 640, "height": 400}, {"width": 400, "height": 640}  # the same at 200 %


def walk_inspector(walker: Walker) -> None:
    """Login in both orientations, then every screen in portrait, then again in landscape."""
    page = walker.page
    page.locator('[flt-semantics-identifier="login-username"]').wait_for(timeout=30_000)
    walker.expect_lang("nl", "inspector: login")
    walker.walk("inspector 1280x800: login")
    page.set_viewport_size(PORTRAIT)
    walker.walk("inspector 800x1280: login")
    fill(page, "login-username", "inspecteur1")
    fill(page, "login-password", "fout-wachtwoord")
    click(page, "login-button")
    page.get_by_text(re.compile("onjuist")).first.wait_for(timeout=30_000)
    walker.walk("inspector 800x1280: login failed")
    login(page, "inspecteur1")
    page.get_by_text("Aan mij toegewezen").wait_for(timeout=60_000)
    for size, viewport in (("800x1280", PORTRAIT), ("1280x800", LANDSCAPE)):
        page.set_viewport_size(viewport)
        walker.walk(f"inspector {size}: home with sync bar")
        click(page, "new-inspection")
        page.locator('[flt-semantics-identifier="addr-street"]').wait_for(timeout=20_000)
        click(page, "addr-create")  # nothing filled in: the form says what is missing
        walker.walk(f"inspector {size}: new control, refused")
        fill(page, "addr-street", "Schermlezerweg")
        fill(page, "addr-number", "14" if size == "800x1280" else "16")
        click(page, "addr-create")
        page.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=20_000)
        click(page, "add-person")
        page.locator('[flt-semantics-identifier$="-P00_role"]').first.wait_for(timeout=20_000)
        # the whole checklist in portrait; in landscape its first screenfuls (the same controls, laid out wider)
        walker.walk(f"inspector {size}: checklist with a person, signal panel and sync bar",
                    MAX_SCROLLS if size == "800x1280" else 3)
        if size == "800x1280":
            open_date_picker(walker, size)
            click(page, "lang-toggle")
            page.get_by_text(re.compile("Finish|Sync now|Person 1")).first.wait_for(timeout=20_000)
            walker.expect_lang("en", f"inspector {size}: checklist in English")
            walker.screens.append(f"inspector {size}: checklist in English")
            walker.check(f"inspector {size}: checklist in English")  # the same screen: its first view
            click(page, "lang-toggle")
            walker.expect_lang("nl", f"inspector {size}: back to Dutch")
        page.get_by_role("button", name=re.compile("^Terug")).first.click()
        page.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
    for size, viewport in (("1280x800 at 200 %", ZOOMED), ("800x1280 at 200 %", ZOOMED_PORTRAIT)):
        page.set_viewport_size(viewport)
        walker.check_reflow(f"inspector {size}: home")
        click(page, "new-inspection")
        page.locator('[flt-semantics-identifier="addr-street"]').wait_for(timeout=20_000)
        walker.check_reflow(f"inspector {size}: new control")
        page.get_by_role("button", name=re.compile("^Terug")).first.click()
        page.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
    mine = page.get_by_role("button", name=re.compile("Schermlezerweg 14"))
    scroll_until(page, mine)
    mine.first.click()
    page.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=20_000)
    walker.check_reflow("inspector 800x1280 at 200 %: checklist")


DUTCH_MONTH = re.compile(r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                         r"december)\b")


def scroll_until(page: Any, locator: Any, steps: int = 20) -> None:
    """Scroll the screen down until ``locator`` is in the tree (Flutter leaves out what is far off screen)."""
    size = page.viewport_size
    page.mouse.move(size["width"] // 2, size["height"] * 2 // 3)
    for _ in range(steps):
        if locator.count():
            return
        page.mouse.wheel(0, size["height"] * 0.5)
        page.wait_for_timeout(300)
    locator.first.wait_for(timeout=5_000)


def open_date_picker(walker: Walker, size: str) -> None:
    """The date picker of a date question: named controls, Dutch month names (SC 3.1.2), closed with Escape."""
    page = walker.page
    pick = page.get_by_role("button", name="Datum kiezen")
    scroll_until(page, pick)
    pick.first.click()
    page.get_by_text(DUTCH_MONTH).first.wait_for(timeout=20_000)
    walker.check(f"inspector {size}: date picker")
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.mouse.wheel(0, -100_000)


def click_and_settle(page: Any, ident: str) -> None:
    """Click and wait until the screen's tagged controls changed (a new screen drew), at most a few seconds."""
    before = visible_ids(page)
    click(page, ident)
    with contextlib.suppress(Exception):  # the same controls after all: nothing new to wait for
        page.wait_for_function(f"before => ({VISIBLE_IDS_JS}) !== before", arg=before, timeout=5_000)


def walk_office(walker: Walker, username: str) -> None:
    page = walker.page
    login(page, username)
    page.locator('[flt-semantics-identifier^="nav_"]').first.wait_for(timeout=60_000)
    for nav in ids(page, "nav_"):
        click_and_settle(page, nav)
        walker.walk(f"office {username}: {nav}")
        # the planner's tabs are the same screens for every role, with fewer acts for the others (CI time): walked as
        # the planner and the beheerder, who have the most
        tabs = ids(page, "planner-tab-")[1:] if username in ("planner1", "beheerder1") else []
        for tab in tabs:  # the first (the year plan) is what the entry opened
            click_and_settle(page, tab)
            walker.walk(f"office {username}: {nav} / {tab}")
        if nav == "nav_review":  # the worst control: its detail with the verification and referral forms
            page.get_by_role("button", name=re.compile("Signaalniveau")).first.click()
            page.locator('[flt-semantics-identifier="report-button"]').wait_for(timeout=30_000)
            walker.walk(f"office {username}: a control's detail")
            click(page, nav)
    click(page, "logout")
    page.locator('[flt-semantics-identifier="login-username"]').wait_for(timeout=30_000)


def test_every_control_of_every_screen_has_a_name(tmp_path: Path, browser: Browser) -> None:
    with demo_stack(tmp_path, browser) as stack:
        started = time.monotonic()
        tablet = browser.open(stack.app_url, width=1280, height=800)
        walker = Walker(tablet)
        walk_inspector(walker)
        tablet.close()
        print(f"inspector walked in {time.monotonic() - started:.0f} s")  # information, never asserted

        office = browser.open(f"{stack.server_url}/app/", width=1280, height=900)
        office_walker = Walker(office)
        office.locator('[flt-semantics-identifier="login-username"]').wait_for(timeout=30_000)
        office_walker.expect_lang("nl", "office: login")
        office_walker.walk("office: login")
        for username in OFFICE_ROLES:
            started = time.monotonic()
            walk_office(office_walker, username)
            print(f"office {username} walked in {time.monotonic() - started:.0f} s")

    screens = walker.screens + office_walker.screens
    assert walker.controls_seen and office_walker.controls_seen, "the walk saw no named control at all"
    problems = "\n".join([walker.report(), office_walker.report(), *walker.lang_problems,
                          *office_walker.lang_problems, *walker.reflow_problems]).strip()
    print(f"walked {len(screens)} screens, {walker.controls_seen + office_walker.controls_seen} named controls")
    assert not problems, f"accessibility problems (walked {len(screens)} screens):\n{problems}"
