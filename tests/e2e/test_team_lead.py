"""End to end in headless Chromium: a team lead verifies and refers a signal and comments to the inspector;
the inspector's app shows the comment after sync. Then the ketenregisseur's screens.

Real processes as in ``test_walking_skeleton``: ``inspectie-server serve`` (office app at ``/app``) and
``inspectie-app --web`` (the tablet). With ``INSPECTIE_SCREENSHOTS=1`` the screenshots of each office
screen are written to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    Browser,
    click,
    demo_stack,
    fill,
    login,
    record_flagged_pandenactie,
    snap,
    wait_text,
)

pytestmark = pytest.mark.browser

COMMENT = "Goed gezien. Vraag bij de volgende controle naar de huurcontracten."


def choose(page: Any, ident: str, option: str) -> None:
    """Open a dropdown by its identifier and pick the option with this text."""
    click(page, ident)
    item = page.get_by_role("button", name=option, exact=True)  # the open menu's options
    item.last.wait_for(timeout=10_000)
    item.last.click()
    page.wait_for_timeout(300)


def test_team_lead_verifies_refers_and_inspector_sees_comment(tmp_path: Path, browser: Browser,
                                                              shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        # the inspector records a control with a signal (passport held by the landlord)
        tablet = browser.open(stack.app_url)
        login(tablet, "inspecteur1")
        tablet.get_by_text("Aan mij toegewezen").wait_for(timeout=30_000)
        record_flagged_pandenactie(tablet, "Commentaarstraat", "4")
        click(tablet, "finish-button")
        tablet.get_by_text("Controle afgerond").first.wait_for(timeout=15_000)
        tablet.get_by_role("button", name="Sluiten").click()
        status = tablet.locator('[flt-semantics-identifier="sync-status"]')
        wait_text(status, re.compile(r"Alles verstuurd"), timeout=60_000)

        # the team lead verifies, refers and comments
        office = browser.open(f"{stack.server_url}/app/", height=2000)  # the review panel without scrolling
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
        keten = browser.open(f"{stack.server_url}/app/")
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
