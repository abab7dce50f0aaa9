"""Afronden with required answers missing (issue 14): the list of missing answers is on screen, and tapping an
entry scrolls the checklist to that question — in the web build, in portrait. Real processes, headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Browser, click, demo_stack, fill, login, snap

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 800, 1280


def _on_screen(page: object, ident: str) -> bool:
    box = page.locator(f'[flt-semantics-identifier="{ident}"]').first.bounding_box()  # type: ignore[attr-defined]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= HEIGHT


def test_a_missing_answer_is_one_tap_away(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        tablet = browser.open(stack.app_url, width=WIDTH, height=HEIGHT)
        login(tablet, "inspecteur1")
        click(tablet, "new-inspection")
        fill(tablet, "addr-street", "Afrondstraat")
        fill(tablet, "addr-number", "3")
        click(tablet, "addr-create")
        tablet.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=15_000)
        click(tablet, "finish-button")  # nothing answered: refused, the missing answers listed
        missing = tablet.locator('[flt-semantics-identifier^="missing-"]')
        missing.first.wait_for(timeout=15_000)
        assert missing.count() > 3
        last = missing.nth(missing.count() - 1)
        target = (last.get_attribute("flt-semantics-identifier") or "").removeprefix("missing-")
        last.scroll_into_view_if_needed()
        last.click()
        tablet.wait_for_timeout(1500)  # the scroll animation
        snap(tablet, shots / "inspector_finish_missing_jump.png")
        assert _on_screen(tablet, f"q-{target}"), f"q-{target} is not on screen after tapping its entry"
