"""In portrait (800 × 1280) the sync bar keeps its 'Nu synchroniseren' button on screen and wraps its text when an
error line appears (issue 14: the button disappeared and the text was clipped). Real processes, headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_support import Browser, demo_stack, login, snap, wait_text

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 800, 1280


def test_the_sync_button_stays_on_screen_with_an_error_line(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        tablet = browser.open(stack.app_url, width=WIDTH, height=HEIGHT)
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        stack.server.stop()  # the next sync fails: the bar gets its error line
        status = tablet.locator('[flt-semantics-identifier="sync-status"]')
        wait_text(status, re.compile(r"Geen verbinding"), timeout=60_000)
        snap(tablet, shots / "inspector_sync_error_portrait.png")
        button = tablet.locator('[flt-semantics-identifier="sync-button"]').first
        button.wait_for(timeout=10_000)
        box, text_box = button.bounding_box(), status.first.bounding_box()
        assert box is not None and text_box is not None
        assert box["width"] >= 48 and box["height"] >= 40, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box  # on screen, not pushed off the right
        assert text_box["x"] + text_box["width"] <= box["x"] + 1, (text_box, box)  # the text beside it, not under
