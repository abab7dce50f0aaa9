"""Aard en omvang's uitzendbureaus in process: the first page of agencies with its count and 'Meer laden' for the
next (issue 13 part A2), each agency line with its controls."""

from __future__ import annotations

import asyncio
from pathlib import Path

import flet as ft
import httpx
import pytest
from fastapi import FastAPI
from ui_support import SERVER_URL, login, office

from inspectie_app.office_client import OfficeClient
from inspectie_app.services import build_service
from schemas.identifiers import IdentifierKind
from schemas.records import Address


def _agencies(server_app: FastAPI, tablet: Path) -> None:
    """inspecteur1's tablet syncs three finished controls, each housing people for another uitzendbureau."""
    async def work() -> None:
        svc = build_service(tablet, SERVER_URL, httpx.ASGITransport(app=server_app))
        try:
            await svc.login("inspecteur1", "demo-wachtwoord")
            await svc.sync_now()
            for n, kvk in enumerate(("11223344", "55667788", "99001122")):
                iid = await svc.start_inspection(template_id="pandenactie",
                                                 address=Address(street="Bureauweg", house_number=str(n + 1)))
                await svc.set_answer(iid, "bewoond", True)
                await svc.set_answer(iid, "aantal_bewoners", n + 2)
                await svc.add_identifier(iid, IdentifierKind.UITZENDBUREAU, kvk)
                await svc.finish(iid)
            status = await svc.sync_now()
            assert status.pending_changes == 0 and status.last_error is None, status
        finally:
            await svc.aclose()

    asyncio.run(work())


async def test_agencies_show_a_page_and_load_more(server_app: FastAPI, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    await asyncio.to_thread(_agencies, server_app, tmp_path / "tablet")
    monkeypatch.setattr(OfficeClient, "page_size", 2)
    async with office(server_app) as h:
        await login(h, "ketenregisseur1")
        await h.click(h.find_one(ft.TextButton, key="nav_reporting"))
        shown = lambda: [c.key for c in h.find_one(ft.Column, key="agencies").controls  # noqa: E731
                         if str(c.key or "").startswith("agency-")]
        assert len(shown()) == 2
        total = int(h.find_one(ft.Text, key="agencies-count").value.split(" van ")[1])
        assert total >= 3
        while h.find(ft.OutlinedButton, key="agencies-more"):
            await h.click(h.find_one(ft.OutlinedButton, key="agencies-more"))
        assert len(shown()) == total and {"agency-11223344", "agency-55667788", "agency-99001122"} <= set(shown())
        assert h.find_one(ft.Text, key="agencies-count").value == f"{total} van {total}"
        assert any("Bureauweg 1" in line for line in h.all_text())
        assert h.errors() == []
