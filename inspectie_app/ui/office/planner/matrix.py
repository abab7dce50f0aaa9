"""The handhavingsmatrix: everyone with access reads it as a table; the beheerder edits it as YAML text
(validated by the server; each save is a new version, earlier versions stay as they were)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft
import yaml
from pydantic import ValidationError

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.planner.nav import tabs
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.planning import EnforcementMatrix

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp


class MatrixScreen:
    def __init__(self, app: OfficeApp) -> None:
        self.app = app
        self.message = ft.Text("", key="matrix-message", visible=False)
        self.saved_version: int | None = None

    async def render(self) -> None:
        app = self.app
        matrix = await app.client.enforcement_matrix()
        app.title.value = app.t("pl_matrix_title", version=matrix.version)
        body: list[ft.Control] = [tabs(app, "matrix"), ft.Text(app.t("pl_matrix_intro", months=matrix.lookback_months),
                                                                key="matrix-intro")]
        for c in matrix.categories:
            body.append(heading(c.label.get(app.lang, c.id), 16, key=f"matrix-category-{c.id}"))
            body += [ft.Text(app.t("pl_matrix_step", number=n, step=s.get(app.lang, "")), key=f"matrix-{c.id}-{n}")
                     for n, s in enumerate(c.steps, start=1)]
        if app.client.user is not None and app.client.user.role == "beheerder":
            body += self._editor(matrix)
        app.body.controls = body

    def _editor(self, matrix: EnforcementMatrix) -> list[ft.Control]:
        app = self.app
        data = matrix.model_dump(mode="json", exclude={"version"})
        self.text = ft.TextField(key="matrix-yaml", label=app.t("pl_matrix_edit"), multiline=True, min_lines=12,
                                 value=yaml.safe_dump(data, allow_unicode=True, sort_keys=False), width=900)
        save = ft.FilledButton(content=app.t("pl_matrix_save"), icon=ft.Icons.SAVE, on_click=self.save,
                               key="matrix-save", height=TOUCH)
        saved = app.t("pl_matrix_saved", version=self.saved_version) if self.saved_version else ""
        self.message = ft.Text(saved, key="matrix-message", visible=bool(saved), color=ft.Colors.GREEN_800)
        return [heading(app.t("pl_matrix_edit"), 16), tagged(self.text, "matrix-yaml"), self.message,
                tagged(save, "matrix-save")]

    async def save(self, _e: Any = None) -> None:
        app = self.app
        try:
            data = yaml.safe_load(self.text.value or "")
        except yaml.YAMLError as exc:
            self._say(app.t("pl_matrix_yaml_error", error=str(exc).splitlines()[0]), error=True)
            return
        try:
            EnforcementMatrix.model_validate(data)
        except ValidationError as exc:
            where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
            self._say(app.t("pl_matrix_yaml_error", error=where), error=True)
            return
        try:
            saved = await app.client.save_enforcement_matrix(data)
        except OfficeError as exc:
            self._say(app.error_text(exc), error=True)
            return
        self.saved_version = saved.version
        await app.show(self.render)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.message.visible = True
        self.app.page.update()
