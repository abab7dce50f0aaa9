"""UI texts of accessibility: the names assistive technology reads for controls Flutter leaves unnamed, and the
review list's column headers; part of the one catalogue ``schemas.texts``."""

from __future__ import annotations

NL_A11Y: dict[str, str] = {
    "a11y_list": "Keuzelijst",
    "a11y_show_password": "Wachtwoord tonen",
    "a11y_hide_password": "Wachtwoord verbergen",
    "col_signal_state": "Verificatie",
    "col_raised": "Gemeld op",
    "col_age": "Dagen",
    "col_subject": "Adres — persoon",
    "col_state": "Stand",
    "col_referrals": "Doorverwezen naar",
}

EN_A11Y: dict[str, str] = {
    "a11y_list": "Drop-down list",
    "a11y_show_password": "Show password",
    "a11y_hide_password": "Hide password",
    "col_signal_state": "Verification",
    "col_raised": "Raised on",
    "col_age": "Days",
    "col_subject": "Address — person",
    "col_state": "State",
    "col_referrals": "Referred to",
}
