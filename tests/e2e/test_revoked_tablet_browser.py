"""End to end in headless Chromium: a beheerder revokes an inspector's lost tablet in the office app
("Gebruikers en apparaten"); the tablet hands over its unsynced work and wipes itself by its next background sync,
and shows why on its login screen (issue 12, finding 3).

Real processes: ``inspectie-server serve`` (office app at /app) on a fresh SQLite file with demo data, and
``inspectie-app --web`` (the tablet, syncing every 2 seconds). Screenshots go to ``tmp_path``; with
``INSPECTIE_SCREENSHOTS=1`` to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e_support import Browser, click, demo_stack, login, snap

pytestmark = pytest.mark.browser


def test_a_revoked_tablet_wipes_itself(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        tablet = browser.open(stack.app_url, width=800, height=1280)
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)

        office = browser.open(f"{stack.server_url}/app/", height=1200)
        login(office, "beheerder1")
        click(office, "nav_users")
        office.get_by_text(re.compile("Trek een verloren of gestolen tablet in")).wait_for(timeout=30_000)
        revoke = office.get_by_label("Apparaat tablet van inspecteur1 intrekken").first
        revoke.wait_for(timeout=20_000)
        snap(office, shots / "office_users_devices.png")
        revoke.click()
        office.get_by_text(re.compile("het token werkt direct niet meer")).wait_for(timeout=20_000)
        office.get_by_role("button", name="Bevestigen").click()
        office.get_by_text("Apparaat ingetrokken.").wait_for(timeout=20_000)

        tablet.get_by_text(re.compile("Dit apparaat is ingetrokken door de beheerder")).first.wait_for(timeout=60_000)
        snap(tablet, shots / "inspector_revoked_wiped.png")
        office = browser.open(f"{stack.server_url}/app/", height=1200)
        login(office, "beheerder1")
        click(office, "nav_users")
        office.get_by_text(re.compile("ingetrokken en gewist")).first.wait_for(timeout=30_000)
        snap(office, shots / "office_users_wiped.png")
    assert not (tmp_path / "tablet" / "photos").exists() or not any((tmp_path / "tablet" / "photos").iterdir())
