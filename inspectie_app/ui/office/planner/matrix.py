"""The handhavingsmatrix: everyone with access reads it as a table (steps in escalation order, with their terms);
the beheerder edits it in a form (``beheer/matrix.py``; each save is a new version, earlier versions stay)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from inspectie_app.ui.office.planner.nav import tabs
from inspectie_app.ui.widgets import TOUCH, heading, tagged

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class MatrixScreen:
    def __init__(self, app: Office) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        matrix = await app.client.enforcement_matrix()
        app.title.value = app.t("pl_matrix_title", version=matrix.version)
        body: list[ft.Control] = [tabs(app, "matrix"), ft.Text(app.t("pl_matrix_intro", months=matrix.lookback_months),
                                                                key="matrix-intro")]
        for c in matrix.categories:
            body.append(heading(c.label.get(app.lang, c.id), 16, key=f"matrix-category-{c.id}"))
            for n, s in enumerate(c.steps, start=1):
                text = app.t("pl_matrix_step", number=n, step=s.get(app.lang, ""))
                if c.term(n - 1):
                    text += " " + app.t("mx_term_shown", days=c.term(n - 1))
                body.append(ft.Text(text, key=f"matrix-{c.id}-{n}"))
        if app.client.user is not None and app.client.user.role == "beheerder":
            edit = ft.FilledButton(content=app.t("mx_edit"), icon=ft.Icons.EDIT, on_click=self._edit,
                                   key="matrix-edit", height=TOUCH)
            body.append(tagged(edit, "matrix-edit"))
        app.body.controls = body

    async def _edit(self, _e: object = None) -> None:
        await self.app.show_matrix()
