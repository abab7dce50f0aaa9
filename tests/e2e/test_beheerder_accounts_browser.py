"""End to end in headless Chromium (issue 15 part C): the beheerder makes a team and a user — first with a username
that is taken (a Dutch message, nothing lost), then right —; the new user logs in with the temporary password and
must choose their own first; the beheerder moves the user to another team (the confirmation says the devices start
over) and revokes the user's device; in Instellingen a retention period beyond the server's maximum is refused and
one within it is saved and shown.

Real processes as in ``test_planner_browser``: ``inspectie-server serve`` (office app at ``/app``, here with a
server maximum for photos of 365 days) and the tablet process of ``demo_stack``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2e_support import Browser, click, demo_stack, fill, login, snap, wait_text

pytestmark = pytest.mark.browser

NEW_PASSWORD = "mijn-eigen-wachtwoord"


def choose(page: Any, ident: str, option: str) -> None:
    """Open a dropdown by its identifier and pick the option with this text."""
    click(page, ident)
    item = page.get_by_role("button", name=option, exact=True)  # the open menu's options
    item.last.wait_for(timeout=10_000)
    item.last.click()
    page.wait_for_timeout(300)


def button(page: Any, name: str) -> None:
    target = page.get_by_role("button", name=name, exact=True).last
    target.wait_for(timeout=20_000)
    target.click()


def shown_password(page: Any) -> str:
    """The temporary password as the dialog shows it (its semantics node carries it as text or label)."""
    node = page.locator('[flt-semantics-identifier="reset-password-value"]').first
    node.wait_for(timeout=20_000)
    found = node.evaluate("e => [e.getAttribute('aria-label'), e.textContent, "
                          "...[...e.querySelectorAll('*')].map(c => c.getAttribute('aria-label') || '')].join(' ')")
    match = re.search(r"\b[A-Za-z0-9]{14}\b", found)
    assert match, node.evaluate("e => e.outerHTML")
    return match.group(0)


def body(page: Any) -> Any:
    return page.locator("flt-semantics-host, body").first


def test_beheerder_makes_a_user_who_chooses_a_password_then_moves_revokes_and_sets_retention(
        tmp_path: Path, browser: Browser, shots: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTIE_RETENTION_PHOTOS_DAYS", "365")  # the server's maximum for photos
    with demo_stack(tmp_path, browser) as stack:
        office = browser.open(f"{stack.server_url}/app/", height=1400)
        login(office, "beheerder1")
        click(office, "nav_users")
        click(office, "users-new-team")
        fill(office, "new-team-key", "wijkteam-zuid")
        fill(office, "new-team-name", "Wijkteam Zuid")
        click(office, "new-team-create")
        office.get_by_text("Team Wijkteam Zuid aangemaakt.").first.wait_for(timeout=20_000)

        click(office, "users-new-user")
        fill(office, "new-user-username", "inspecteur1")  # taken
        fill(office, "new-user-name", "Nieuwe Collega")
        choose(office, "new-user-role", "teamleider")
        choose(office, "new-user-team", "Wijkteam Zuid")
        click(office, "new-user-create")
        office.get_by_text("Deze gebruikersnaam bestaat al.").first.wait_for(timeout=20_000)
        snap(office, shots / "beheerder_new_user_taken.png")
        fill(office, "new-user-username", "nieuwe.collega")
        click(office, "new-user-create")
        temporary = shown_password(office)  # in a dialog, shown once
        button(office, "Sluiten")
        office.get_by_text("Gebruiker nieuwe.collega aangemaakt.").first.wait_for(timeout=20_000)

        user = browser.open(f"{stack.server_url}/app/", height=1200)
        fill(user, "login-username", "nieuwe.collega")
        fill(user, "login-password", temporary)
        click(user, "login-button")
        user.get_by_text(re.compile("tijdelijk wachtwoord van de beheerder")).first.wait_for(timeout=20_000)
        fill(user, "password-current", temporary)  # nothing else answers before the user chose their own
        fill(user, "password-new", NEW_PASSWORD)
        fill(user, "password-repeat", NEW_PASSWORD)
        click(user, "password-save")
        user.get_by_text("Uw nieuwe wachtwoord is opgeslagen.").first.wait_for(timeout=20_000)

        fill(office, "users-search", "nieuwe.collega", submit=True)
        wait_text(body(office), re.compile("office-browser · actief"))
        click(office, "move-nieuwe.collega")
        office.get_by_text(re.compile("beginnen bij de volgende synchronisatie opnieuw")).first.wait_for(
            timeout=20_000)
        choose(office, "move-team", "Interventieteam ondermijning")
        button(office, "Bevestigen")
        office.get_by_text("Gebruiker verplaatst.").first.wait_for(timeout=20_000)
        wait_text(body(office), re.compile("teamleider, team interventieteam"))
        office.locator('[flt-semantics-identifier^="revoke-"]').first.click()
        button(office, "Bevestigen")
        office.get_by_text("Apparaat ingetrokken.").first.wait_for(timeout=20_000)
        snap(office, shots / "beheerder_users.png")

        click(office, "nav_settings")
        office.get_by_text(re.compile("Ten hoogste 365 dagen")).first.wait_for(timeout=20_000)
        fill(office, "retention-photos", "400")
        click(office, "settings-save")
        office.get_by_text("Verbeter de gemarkeerde velden.").first.wait_for(timeout=20_000)
        wait_text(body(office), re.compile("ten hoogste 365 dagen"))
        fill(office, "retention-photos", "200")
        click(office, "settings-save")
        office.get_by_text("Instellingen opgeslagen.").first.wait_for(timeout=20_000)
        wait_text(body(office), re.compile("Nu van kracht: 200 dagen"))
        snap(office, shots / "beheerder_settings.png")
