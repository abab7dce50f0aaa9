"""End to end in headless Chromium: a beheerder changes a checklist in the office app and a tablet receives it
(issue 15 part A). One seeded ``inspectie-server serve`` and one browser session walk the whole path: the published
versions, a draft of the flitsbezorger checklist, a new question with a code that already exists (refused in
Dutch on the field, then fixed), a condition on a later question (refused, then taken back), the preview at tablet
size, the compare, publication as version 2 — and the sync API then hands version 2 to an inspector's device.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import Browser, Proc, click, fill, free_port, login, scripts, snap, wait_http
from test_accessibility_browser import Walker

from schemas.sync import SCHEMA_VERSION
from sync_server.assets import published_templates

pytestmark = pytest.mark.browser


def choose(page: Any, ident: str, option: str) -> None:
    """Open a dropdown by its identifier and pick the option with this text (as in test_team_lead)."""
    click(page, ident)
    item = page.get_by_role("button", name=option, exact=True)
    item.last.wait_for(timeout=10_000)
    item.last.click()
    page.wait_for_timeout(300)


@contextmanager
def seeded_server(tmp_path: Path, browser: Browser) -> Iterator[str]:
    """Only the server (the office app and the sync API): the tablet's side is checked through the sync API."""
    port = free_port()
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(tmp_path / "server")}
    Proc.run_once([scripts("inspectie-server"), "seed-demo"], env=env)
    server = Proc([scripts("inspectie-server"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                  log=tmp_path / "server.log")
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    except BaseException:
        for n, page in enumerate(browser.pages()):
            page.screenshot(path=str(tmp_path / f"failure-{n}.png"))
        print(f"screenshots and logs of the failure: {tmp_path}")
        raise
    finally:
        server.stop()


def pulled_templates(server_url: str) -> list[str]:
    """The template versions a freshly logged-in inspector's device pulls through the sync API."""
    with httpx.Client(base_url=server_url, timeout=30) as http:
        login_body = {"username": "inspecteur1", "password": "demo-wachtwoord", "device_name": "e2e"}
        token = http.post("/api/v1/auth/login", json=login_body).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "X-Schema-Version": str(SCHEMA_VERSION)}
        client_id, cursor, found = str(uuid.uuid4()), 0, []
        while True:
            body = {"client_id": client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "limit": 500}
            page = http.post("/api/v1/sync/pull", json=body, headers=headers).json()
            found += [c["entity_id"] for c in page["changes"] if c["entity"] == "template"]
            cursor = page["cursor"]
            if not page["has_more"]:
                return found


def test_beheerder_changes_a_checklist_and_the_tablet_pulls_it(tmp_path: Path, browser: Browser,
                                                               shots: Path) -> None:
    template = next(t for t in published_templates() if t.id == "flitsbezorger")
    existing = template.sections[0].questions[0].id
    later = template.sections[1].questions[0]
    with seeded_server(tmp_path, browser) as server_url:
        assert "flitsbezorger@2" not in pulled_templates(server_url)
        office = browser.open(f"{server_url}/app/", height=1400)
        login(office, "beheerder1")
        walker = Walker(office)  # every control of the draft's screens has a name (the a11y test sees the list only)
        click(office, "nav_checklists")
        office.get_by_text(re.compile(r"Versie 1 — gepubliceerd op")).first.wait_for(timeout=30_000)
        click(office, "cl-make-flitsbezorger")
        office.get_by_text("Geen problemen gevonden.").wait_for(timeout=30_000)

        click(office, "cl-add-q-sections-0")  # a new question at the end of the first section, selected
        office.locator('[flt-semantics-identifier="cl-q-id"]').wait_for(timeout=20_000)
        office.mouse.click(1200, 1300)  # blank space: the clicked button went with the old outline, and Flutter's
        office.wait_for_timeout(500)  # focus with it; a person's click into the field works, a test's first one not
        fill(office, "cl-q-id", existing)  # a code that already exists
        office.get_by_text("Deze vraagcode bestaat al in dit deel van de checklist").first.wait_for(timeout=20_000)
        snap(office, shots / "beheerder_checklist_duplicate_id.png")
        walker.check("checklist draft: question form")
        fill(office, "cl-q-id", "F99_extra_toezicht")
        fill(office, "cl-q-label-nl", "Is er toezicht op de rijders in de hub?")
        fill(office, "cl-q-label-en", "Are the riders supervised in the hub?")
        office.get_by_text("Geen problemen gevonden.").wait_for(timeout=20_000)

        choose(office, "cl-q-showif-question", f"{later.id} — {later.label.nl}")  # a later question: refused
        office.get_by_text(re.compile(f"verwijst naar vraag {later.id}, die later komt")).first \
            .wait_for(timeout=20_000)
        snap(office, shots / "beheerder_checklist_show_if_later.png")
        choose(office, "cl-q-showif-question", "Altijd tonen")
        office.get_by_text("Geen problemen gevonden.").wait_for(timeout=20_000)
        click(office, "cl-save")
        office.get_by_text("Concept opgeslagen.").wait_for(timeout=20_000)

        click(office, "cl-tab-preview")
        office.locator('[flt-semantics-identifier="cl-preview-frame"]').wait_for(timeout=20_000)
        asked = re.compile(re.escape("Is er toezicht op de rijders in de hub?"))
        office.locator("flt-semantics").filter(has_text=asked).or_(office.get_by_label(asked)).first \
            .wait_for(timeout=20_000)
        snap(office, shots / "beheerder_checklist_preview.png")
        walker.check("checklist draft: preview")

        click(office, "cl-tab-compare")
        office.get_by_text("Vraag F99_extra_toezicht — Is er toezicht op de rijders in de hub?").wait_for(
            timeout=20_000)
        office.get_by_text(re.compile(r"Bij publiceren wordt dit versie 2 van")).wait_for(timeout=20_000)
        snap(office, shots / "beheerder_checklist_compare.png")
        walker.check("checklist draft: compare")
        click(office, "cl-publish")
        click(office, "cl-publish-confirm")
        office.get_by_text(re.compile(r"Versie 2 van .* is gepubliceerd")).wait_for(timeout=30_000)
        office.get_by_text(re.compile(r"Versie 2 — gepubliceerd op")).first.wait_for(timeout=20_000)

        assert "flitsbezorger@2" in pulled_templates(server_url)  # what a tablet gets at its next sync
        assert not walker.unnamed, walker.unnamed
