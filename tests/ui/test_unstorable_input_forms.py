"""Forms refuse pasted control characters with a message at the field, never an unhandled error (issue 12,
finding 1: no database stores them, ``schemas.inputs``)."""

from __future__ import annotations

from typing import Any

import flet as ft
from ui_support import harness

from inspectie_app.i18n import t
from inspectie_app.ui.office.planner.forms import AddressDraft


async def test_new_control_address_with_a_control_character(logged_in: Any) -> None:
    async with harness(logged_in) as h:
        await h.click(h.find_one(ft.FilledButton, key="new-inspection"))
        await h.type_text(h.find_one(ft.TextField, key="addr-street"), "Rijn\x00kade")
        await h.type_text(h.find_one(ft.TextField, key="addr-number"), "12")
        await h.click(h.find_one(ft.FilledButton, key="addr-create"))
        assert h.find_one(ft.TextField, key="addr-street").error == t("invalid_characters")
        assert h.errors() == []
        await h.type_text(h.find_one(ft.TextField, key="addr-street"), "Rijnkade")
        await h.click(h.find_one(ft.FilledButton, key="addr-create"))
        assert h.find_one(ft.FilledButton, key="finish")
    [item] = await logged_in.inspections()
    assert item.address.street == "Rijnkade"


async def test_login_name_with_a_nul(service: Any) -> None:
    async with harness(service) as h:
        await h.type_text(h.find_one(ft.TextField, key="login-username"), "inspecteur1\x00")
        await h.type_text(h.find_one(ft.TextField, key="login-password"), "demo-wachtwoord")
        await h.click(h.find_one(ft.FilledButton, key="login-button"))
        assert h.find_one(ft.Text, key="login-error").value == t("login_failed")
        assert h.errors() == []


def test_planner_address_with_a_control_character() -> None:
    address, problems = AddressDraft(street="Rijn\x00kade", house_number="12", postcode="6811AB").to_address()
    assert address is None and problems == {"street": "invalid_characters"}
    assert t("invalid_characters") and t("invalid_characters", "en") != t("invalid_characters")
