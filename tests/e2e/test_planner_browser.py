"""End to end in headless Chromium: a planner schedules a pandenactie in the office app and it appears, with
its time and address, on the assigned inspector's tablet after sync.

Real processes: ``inspectie-server serve`` (office app at /app) on a fresh SQLite file with demo data, and
``inspectie-app --web`` (the tablet). Screenshots go to ``tmp_path``; with ``INSPECTIE_SCREENSHOTS=1`` to
``docs/screenshots/``.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_support import Browser, Proc, click, fill, free_port, scripts, snap, wait_http

pytestmark = pytest.mark.browser

PASSWORD = "demo-wachtwoord"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("INSPECTIE_SCREENSHOTS") == "1":
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path


def test_planner_schedules_pandenactie_onto_the_tablet(tmp_path: Path, browser: Browser, shots: Path) -> None:
    server_port, app_port = free_port(), free_port()
    server_url = f"http://127.0.0.1:{server_port}"
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(tmp_path / "server")}
    bin_server, bin_app = scripts("inspectie-server"), scripts("inspectie-app")
    Proc.run_once([bin_server, "seed-demo"], env=env)
    server = Proc([bin_server, "serve", "--host", "127.0.0.1", "--port", str(server_port)], env=env,
                  log=tmp_path / "server.log")
    app = Proc([bin_app, "--web", "--server", server_url, "--host", "127.0.0.1", "--port", str(app_port),
                "--data-dir", str(tmp_path / "tablet"), "--sync-interval", "2"], log=tmp_path / "app.log")
    day = date.today() + timedelta(days=5)
    try:
        wait_http(f"{server_url}/healthz")
        wait_http(f"http://127.0.0.1:{app_port}/")

        office = browser.open(f"{server_url}/app/", height=1400)
        fill(office, "login-username", "planner1")
        fill(office, "login-password", PASSWORD)
        click(office, "login-button")
        office.get_by_text(re.compile(r"van 6 pandenacties")).first.wait_for(timeout=30_000)
        snap(office, shots / "planner_year_plan.png")

        click(office, "planner-tab-schedule")
        office.locator('[flt-semantics-identifier="schedule-date"]').wait_for(timeout=20_000)
        fill(office, "schedule-date", day.strftime("%d-%m-%Y"))
        fill(office, "schedule-time", "19:30")
        fill(office, "schedule-address-street", "Planweg")
        fill(office, "schedule-address-number", "21")
        fill(office, "schedule-address-addition", "b")
        fill(office, "schedule-address-postcode", "6822 AB")
        office.get_by_role("checkbox", name="Inspecteur Een").click()
        office.get_by_role("checkbox", name="Politie").click()
        fill(office, "schedule-briefing", "Fictieve demo: samen met de politie.")
        snap(office, shots / "planner_schedule_form.png")
        click(office, "schedule-save")
        office.get_by_text("Planweg 21-B, 6822 AB Arnhem").first.wait_for(timeout=30_000)
        snap(office, shots / "planner_scheduled.png")

        tablet = browser.open(f"http://127.0.0.1:{app_port}/", width=800, height=1280)  # portrait tablet
        fill(tablet, "login-username", "inspecteur1")
        fill(tablet, "login-password", PASSWORD)
        click(tablet, "login-button")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        tablet.get_by_label(re.compile("Start: Planweg 21-B")).first.wait_for(timeout=60_000)
        tablet.mouse.move(400, 700)
        tablet.mouse.wheel(0, 600)  # the demo's own planned controls come first
        when = f"Gepland op {day.strftime('%d-%m-%Y')} om 19:30"
        tablet.locator("flt-semantics").filter(has_text=when).or_(tablet.get_by_label(re.compile(when))).first \
            .wait_for(timeout=20_000)
        snap(tablet, shots / "inspector_planned_by_planner.png")
    except BaseException:
        for n, page in enumerate(browser.pages()):
            page.screenshot(path=str(tmp_path / f"failure-{n}.png"))
        print(f"screenshots and logs of the failure: {tmp_path}")
        raise
    finally:
        app.stop()
        server.stop()
