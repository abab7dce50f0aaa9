"""End to end in headless Chromium, as a beheerder works (issue 15 part B): make a draft of the indicator catalogue,
weaken one weight so a reference case fails, run the cases (the failing one shown), try to publish (refused in
Dutch), publish with a signed reason; retire a reference case; edit the handhavingsmatrix in its form, where a bad
term is refused in Dutch, then save a new version.

Real processes (``demo_stack``): ``inspectie-server serve`` on a fresh seeded SQLite file, with the shipped
catalogue and its 145 reference cases from ``assets/cases``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import Browser, click, demo_stack, fill, login, radio, snap

pytestmark = pytest.mark.browser

FAILING = "adult_one_strong_sign_warehouse_worker_beaten"  # fails once CD4 weighs weak (checked by the cases run)


def see(page: Any, text: str, timeout: int = 30_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)


def test_beheerder_catalogue_cases_and_matrix(tmp_path: Path, browser: Browser, shots: Path) -> None:
    with demo_stack(tmp_path, browser) as stack:
        office = browser.open(f"{stack.server_url}/app/", height=1400)
        login(office, "beheerder1")
        click(office, "nav_catalogue")
        see(office, "Gepubliceerde versies")
        click(office, "catalogue-new-draft")
        see(office, "Concept voor versie 4 (gemaakt van versie 3)")
        see(office, "Het concept heeft geen fouten.")

        click(office, "indicator-edit-CD4")  # weaken a weight
        radio(office, "strength-CD4-labour", "zwak")
        radio(office, "strength-CD4-sexual", "zwak")
        click(office, "indicator-save-CD4")
        see(office, "Opgeslagen in het concept.")

        click(office, "catalogue-run-cases")
        see(office, "144 geslaagd, 1 niet geslaagd", timeout=60_000)
        see(office, f"{FAILING}:")
        snap(office, shots / "beheerder_catalogue_cases.png")

        click(office, "catalogue-publish")  # refused: a case fails, no reason signed
        see(office, "Niet gepubliceerd: niet alle referentiecasussen slagen.", timeout=60_000)
        fill(office, "catalogue-reason", "Kort")
        click(office, "catalogue-publish")
        see(office, "Schrijf een reden van minstens 10 tekens.")
        fill(office, "catalogue-reason", "CD4 weegt zwak tot het nieuwe beleid; afgestemd met de teamleider.")
        click(office, "catalogue-publish")
        see(office, "Versie 4 is gepubliceerd.", timeout=60_000)
        see(office, "Ondertekende reden: CD4 weegt zwak")

        click(office, "catalogue-open-cases")  # retire the case that no longer fits
        see(office, "145 in gebruik, 0 buiten gebruik.")
        click(office, f"case-retire-{FAILING}")
        see(office, f"Casus {FAILING} is buiten gebruik gesteld")
        see(office, "144 in gebruik, 1 buiten gebruik.")

        click(office, "nav_matrix")  # the handhavingsmatrix as a form
        see(office, "Soort overtreding 1")
        fill(office, "mx-0-0-term", "twee weken")
        click(office, "matrix-form-save")
        see(office, "Niet opgeslagen: De termijn is een heel aantal dagen van 0 tot 365.")
        snap(office, shots / "beheerder_matrix_form.png")
        # The refusal marks the field without drawing the form again, so the field just corrected takes the keys.
        fill(office, "mx-0-0-term", "0")
        click(office, "matrix-form-save")
        see(office, "Opgeslagen als versie 2.")
