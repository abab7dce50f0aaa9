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
import os
import re
from pathlib import Path

import pytest
from e2e_support import (
    Browser,
    Proc,
    click,
    fill,
    free_port,
    radio,
    scripts,
    snap,
    wait_http,
)
from PIL import Image

from schemas.templates import Scope
from sync_server.assets import published_templates

pytestmark = pytest.mark.browser

PASSWORD = "demo-wachtwoord"
ROOT = Path(__file__).resolve().parents[2]


def _label(question_id: str, option: str, scope: Scope = Scope.PERSON) -> str:
    template = next(t for t in published_templates() if t.id == "pandenactie")
    q = template.question(question_id, scope)
    assert q is not None
    return next(o.label.nl for o in q.options if o.value == option)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("INSPECTIE_SCREENSHOTS") == "1":
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path


def test_offline_pandenactie_reaches_team_lead(tmp_path: Path, browser: Browser, shots: Path) -> None:
    server_port, app_port = free_port(), free_port()
    server_url = f"http://127.0.0.1:{server_port}"
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(tmp_path / "server")}
    bin_server, bin_app = scripts("inspectie-server"), scripts("inspectie-app")
    Proc.run_once([bin_server, "seed-demo"], env=env)

    server = Proc([bin_server, "serve", "--host", "127.0.0.1", "--port", str(server_port)], env=env,
                  log=tmp_path / "server.log")
    app = Proc([bin_app, "--web", "--server", server_url, "--host", "127.0.0.1", "--port", str(app_port),
                "--data-dir", str(tmp_path / "tablet"), "--sync-interval", "2"], log=tmp_path / "app.log")
    try:
        wait_http(f"{server_url}/healthz")
        wait_http(f"http://127.0.0.1:{app_port}/")

        tablet = browser.open(f"http://127.0.0.1:{app_port}/")
        fill(tablet, "login-username", "inspecteur1")
        fill(tablet, "login-password", PASSWORD)
        click(tablet, "login-button")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        tablet.get_by_label(re.compile("Start: Voorbeeldstraat 12")).first.wait_for(timeout=30_000)  # planned, synced
        snap(tablet, shots / "inspector_home.png")

        server.stop()  # from here on the tablet is offline

        click(tablet, "new-inspection")
        fill(tablet, "addr-street", "Oefenstraat")
        fill(tablet, "addr-number", "1")
        fill(tablet, "addr-postcode", "6811 ZZ")
        click(tablet, "addr-create")
        tablet.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=15_000)

        radio(tablet, "q-A24_entry_basis", _label("A24_entry_basis", "consent", Scope.PREMISES))
        radio(tablet, "q-A01_premises_type", _label("A01_premises_type", "single_family", Scope.PREMISES))
        fill(tablet, "q-A02_persons_found", "6", submit=True)
        radio(tablet, "q-A22_minors_present", "Nee")

        click(tablet, "add-person")
        person = tablet.locator('[flt-semantics-identifier$="-P00_role"]').first
        person.wait_for(timeout=15_000)
        prefix = (person.get_attribute("flt-semantics-identifier") or "")[: -len("P00_role")]
        radio(tablet, f"{prefix}P00_role", _label("P00_role", "worker"))
        radio(tablet, f"{prefix}P01_age_band", _label("P01_age_band", "age_21_plus"))
        radio(tablet, f"{prefix}P40_private_conversation", "Ja")
        radio(tablet, f"{prefix}P02_own_id", "Nee")
        # a conditional question appears only now: who holds the ID?
        radio(tablet, f"{prefix}P03_id_held_by", _label("P03_id_held_by", "landlord"))

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
        _wait_text(status, re.compile(r"te versturen"))
        _wait_text(status, re.compile(r"Geen verbinding"))

        server.start()  # connection back: the app syncs by itself
        wait_http(f"{server_url}/healthz")
        _wait_text(status, re.compile(r"Alles verstuurd"), timeout=60_000)
        snap(tablet, shots / "inspector_synced.png")

        office = browser.open(f"{server_url}/app/")
        fill(office, "login-username", "teamleider1")
        fill(office, "login-password", PASSWORD)
        click(office, "login-button")
        row = office.get_by_role("button", name=re.compile("Oefenstraat 1"))
        row.first.wait_for(timeout=30_000)
        assert "L2" in (row.first.inner_text() + (row.first.get_attribute("aria-label") or ""))
        snap(office, shots / "office_review_list.png")
        row.first.click()
        office.get_by_text("CD1").first.wait_for(timeout=20_000)  # the explanation names the indicator
        snap(office, shots / "office_control_detail.png")
    except BaseException:
        for n, page in enumerate(browser.pages()):
            page.screenshot(path=str(tmp_path / f"failure-{n}.png"))
        print(f"screenshots and logs of the failure: {tmp_path}")
        raise
    finally:
        app.stop()
        server.stop()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 160, 120)).save(buf, "JPEG")
    return buf.getvalue()


def _wait_text(locator, pattern: re.Pattern[str], timeout: int = 30_000) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(pattern, timeout=timeout)
