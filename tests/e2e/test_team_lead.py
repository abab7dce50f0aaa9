"""End to end in headless Chromium: a team lead verifies and refers a signal and comments to the inspector;
the inspector's app shows the comment after sync. Then the ketenregisseur's screens.

Real processes as in ``test_walking_skeleton``: ``inspectie-server serve`` (office app at ``/app``) and
``inspectie-app --web`` (the tablet). With ``INSPECTIE_SCREENSHOTS=1`` the screenshots of each office
screen are written to ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Browser, Proc, click, fill, free_port, radio, scripts, snap, wait_http
from test_walking_skeleton import _label, _wait_text

from schemas.templates import Scope

pytestmark = pytest.mark.browser

PASSWORD = "demo-wachtwoord"
ROOT = Path(__file__).resolve().parents[2]
COMMENT = "Goed gezien. Vraag bij de volgende controle naar de huurcontracten."


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("INSPECTIE_SCREENSHOTS") == "1":
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path


def login(page: Any, username: str) -> None:
    fill(page, "login-username", username)
    fill(page, "login-password", PASSWORD)
    click(page, "login-button")


def choose(page: Any, ident: str, option: str) -> None:
    """Open a dropdown by its identifier and pick the option with this text."""
    click(page, ident)
    item = page.get_by_role("button", name=option, exact=True)  # the open menu's options
    item.last.wait_for(timeout=10_000)
    item.last.click()
    page.wait_for_timeout(300)


def test_team_lead_verifies_refers_and_inspector_sees_comment(tmp_path: Path, browser: Browser,
                                                              shots: Path) -> None:
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

        # the inspector records a control with a signal (passport held by the landlord)
        tablet = browser.open(f"http://127.0.0.1:{app_port}/")
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        click(tablet, "new-inspection")
        fill(tablet, "addr-street", "Commentaarstraat")
        fill(tablet, "addr-number", "4")
        click(tablet, "addr-create")
        tablet.locator('[flt-semantics-identifier="q-A24_entry_basis"]').wait_for(timeout=15_000)
        radio(tablet, "q-A24_entry_basis", _label("A24_entry_basis", "consent", Scope.PREMISES))
        radio(tablet, "q-A01_premises_type", _label("A01_premises_type", "single_family", Scope.PREMISES))
        fill(tablet, "q-A02_persons_found", "3", submit=True)
        radio(tablet, "q-A22_minors_present", "Nee")
        click(tablet, "add-person")
        person = tablet.locator('[flt-semantics-identifier$="-P00_role"]').first
        person.wait_for(timeout=15_000)
        prefix = (person.get_attribute("flt-semantics-identifier") or "")[: -len("P00_role")]
        radio(tablet, f"{prefix}P00_role", _label("P00_role", "worker"))
        radio(tablet, f"{prefix}P01_age_band", _label("P01_age_band", "age_21_plus"))
        radio(tablet, f"{prefix}P40_private_conversation", "Ja")
        radio(tablet, f"{prefix}P02_own_id", "Nee")
        radio(tablet, f"{prefix}P03_id_held_by", _label("P03_id_held_by", "landlord"))
        click(tablet, "finish-button")
        tablet.get_by_text("Controle afgerond").first.wait_for(timeout=15_000)
        tablet.get_by_role("button", name="Sluiten").click()
        status = tablet.locator('[flt-semantics-identifier="sync-status"]')
        _wait_text(status, re.compile(r"Alles verstuurd"), timeout=60_000)

        # the team lead verifies, refers and comments
        office = browser.open(f"{server_url}/app/", height=2000)  # the review panel without scrolling
        login(office, "teamleider1")
        row = office.get_by_role("button", name=re.compile("Commentaarstraat 4"))
        row.first.wait_for(timeout=30_000)
        office.get_by_text(re.compile("1 niet geverifieerd")).first.wait_for(timeout=10_000)
        snap(office, shots / "office_review_queue_filters.png")
        row.first.click()
        verdict = office.locator('[flt-semantics-identifier^="verdict-"]').first
        verdict.wait_for(timeout=20_000)
        subject = (verdict.get_attribute("flt-semantics-identifier") or "")[len("verdict-"):]
        choose(office, f"verdict-{subject}", "Gegrond")
        fill(office, f"reason-{subject}", "Paspoort ligt bij de verhuurder; bevestigd.")
        click(office, f"verify-{subject}")
        office.get_by_text(re.compile("Gegrond door Teamleider Een")).first.wait_for(timeout=20_000)
        choose(office, "referral-partner", "Nederlandse Arbeidsinspectie")
        fill(office, "referral-note", "Mogelijke arbeidsuitbuiting.")
        click(office, "refer-button")
        office.get_by_text(re.compile("doorverwezen naar Nederlandse Arbeidsinspectie")).first.wait_for(
            timeout=20_000)
        fill(office, "comment-body", COMMENT)
        click(office, "comment-button")
        office.get_by_text(re.compile("Opmerking verstuurd")).first.wait_for(timeout=20_000)
        snap(office, shots / "office_review_panel.png")
        click(office, "nav_audit")
        office.get_by_text("signaal geverifieerd").first.wait_for(timeout=20_000)
        snap(office, shots / "office_audit_trail.png")

        # the inspector's app shows the comment after sync
        tablet.reload()
        tablet.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
        tablet.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        control = tablet.get_by_role("button", name=re.compile("Commentaarstraat 4"))
        control.first.wait_for(timeout=30_000)
        tablet.wait_for_timeout(3000)  # at least one sync interval after the comment was posted
        control.first.click()
        tablet.get_by_text(re.compile("Opmerkingen van de teamleider")).first.wait_for(timeout=30_000)
        tablet.get_by_text(re.compile("Vraag bij de volgende controle naar de huurcontracten")).first.wait_for(
            timeout=10_000)
        snap(tablet, shots / "inspector_comment.png")

        # the ketenregisseur: all signals, links, aard en omvang
        keten = browser.open(f"{server_url}/app/")
        login(keten, "ketenregisseur1")
        click(keten, "nav_signals")
        keten.get_by_text(re.compile("Commentaarstraat 4")).first.wait_for(timeout=20_000)
        snap(keten, shots / "office_all_signals.png")
        click(keten, "nav_links")
        keten.get_by_text(re.compile("Kenmerk opzoeken")).first.wait_for(timeout=20_000)
        snap(keten, shots / "office_links.png")
        click(keten, "nav_reporting")
        keten.get_by_text(re.compile("Per kwartaal")).first.wait_for(timeout=20_000)
        snap(keten, shots / "office_aard_en_omvang.png")
    except BaseException:
        for n, page in enumerate(browser.pages()):
            page.screenshot(path=str(tmp_path / f"failure-{n}.png"))
        print(f"screenshots and logs of the failure: {tmp_path}")
        raise
    finally:
        app.stop()
        server.stop()
