"""UI texts of accessibility: the names assistive technology reads for controls Flutter leaves unnamed, and the
review list's column headers; merged into ``inspectie_app.i18n``."""

from __future__ import annotations

NL_A11Y: dict[str, str] = {
    "a11y_list": "Keuzelijst",
    "a11y_show_password": "Wachtwoord tonen",
    "a11y_hide_password": "Wachtwoord verbergen",
    "col_signal_state": "Verificatie",
    "review_table_label": "Controles, ernstigste eerst. Kies een rij om de controle te openen.",
}

EN_A11Y: dict[str, str] = {
    "a11y_list": "Drop-down list",
    "a11y_show_password": "Show password",
    "a11y_hide_password": "Hide password",
    "col_signal_state": "Verification",
    "review_table_label": "Controls, most serious first. Choose a row to open the control.",
}
