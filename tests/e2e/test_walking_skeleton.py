"""End to end in headless Chromium: a pandenactie recorded offline reaches the team lead as a flagged control.

Real processes, as a user runs them: ``inspectie-server serve`` on a fresh SQLite file with demo data and
``inspectie-app --web`` (the tablet, with its own SQLite store). The inspector logs in while the server is
up, the server is stopped, the inspector fills and finishes a pandenactie with a person record and a photo,
the server comes back, the app syncs by itself, and the team lead's review list shows the control with the
level the catalogue gives.

Screenshots go to ``tmp_path``; with ``INSPECTIE_SCREENSHOTS=1`` they are written to ``docs/screenshots/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from e2e_support import (
    Browser,
    click,
    demo_stack,
    fill,
    login,
    record_flagged_pandenactie,
    snap,
    wait_http,
    wait_text,
)
from PIL import Image

pytestmark = pytest.mark.browser


def test_offline_pandenactie_reaches_team_lead(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        tablet = browser.open(stack.app_url)
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        tablet.get_by_label(re.compile("Start: Voorbeeldstraat 12")).first.wait_for(timeout=30_000)  # planned, synced
        snap(tablet, shots / "inspector_home.png")

        stack.server.stop()  # from here on the tablet is offline

        record_flagged_pandenactie(tablet, "Oefenstraat", "1", persons_found="6")
        with tablet.expect_file_chooser() as chooser:
            click(tablet, "add-photo")
        chooser.value.set_files(files=[{"name": "kamer.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
        tablet.get_by_text("Wacht op versturen").first.wait_for(timeout=20_000)
        fill(tablet, "note", "Fictieve demo: paspoorten liggen bij de huisbaas.")
        tablet.get_by_text("L2").first.wait_for(timeout=10_000)  # the tablet's own evaluation, offline
        snap(tablet, shots / "inspector_checklist_offline.png")

        click(tablet, "finish-button")
        tablet.get_by_text("Controle afgerond").first.wait_for(timeout=15_000)
        snap(tablet, shots / "inspector_finished_offline.png")
        tablet.get_by_role("button", name="Sluiten").click()
        status = tablet.locator('[flt-semantics-identifier="sync-status"]')
        wait_text(status, re.compile(r"te versturen"))
        wait_text(status, re.compile(r"Geen verbinding"))

        stack.server.start()  # connection back: the app syncs by itself
        wait_http(f"{stack.server_url}/healthz")
        wait_text(status, re.compile(r"Alles verstuurd"), timeout=60_000)
        snap(tablet, shots / "inspector_synced.png")

        office = browser.open(f"{stack.server_url}/app/")
        login(office, "teamleider1")
        row = office.get_by_role("button", name=re.compile("Oefenstraat 1"))
        row.first.wait_for(timeout=30_000)
        assert "L2" in (row.first.inner_text() + (row.first.get_attribute("aria-label") or ""))
        snap(office, shots / "office_review_list.png")
        row.first.click()
        # the explanation names the indicator in words, the level in its one wording, and no code
        office.get_by_text(re.compile("Inhouden van identiteitsdocumenten")).first.wait_for(timeout=20_000)
        office.get_by_text(re.compile("L2 ernstig signaal")).first.wait_for(timeout=20_000)
        assert office.get_by_text(re.compile(r"\bCD1\b")).count() == 0
        snap(office, shots / "office_control_detail.png")


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 160, 120)).save(buf, "JPEG")
    return buf.getvalue()
