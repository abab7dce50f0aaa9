"""End to end in headless Chromium: a planner schedules a pandenactie in the office app and it appears, with
its time and address, on the assigned inspector's tablet after sync.

Real processes: ``inspectie-server serve`` (office app at /app) on a fresh SQLite file with demo data, and
``inspectie-app --web`` (the tablet). Screenshots go to ``tmp_path``; with ``INSPECTIE_SCREENSHOTS=1`` to
``docs/screenshots/``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_support import Browser, click, demo_stack, fill, login, snap

pytestmark = pytest.mark.browser

def test_planner_schedules_pandenactie_onto_the_tablet(tmp_path: Path, browser: Browser, shots: Path) -> None:
    day = date.today() + timedelta(days=5)
    with demo_stack(tmp_path, browser) as stack:
        office = browser.open(f"{stack.server_url}/app/", height=1400)
        login(office, "planner1")
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

        tablet = browser.open(stack.app_url, width=800, height=1280)  # portrait tablet
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        tablet.get_by_label(re.compile("Start: Planweg 21-B")).first.wait_for(timeout=60_000)
        tablet.mouse.move(400, 700)
        tablet.mouse.wheel(0, 600)  # the demo's own planned controls come first
        when = f"Gepland op {day.strftime('%d-%m-%Y')} om 19:30"
        tablet.locator("flt-semantics").filter(has_text=when).or_(tablet.get_by_label(re.compile(when))).first \
            .wait_for(timeout=20_000)
        snap(tablet, shots / "inspector_planned_by_planner.png")
