"""The audit trail: who saw and changed what, newest first (team lead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from inspectie_app.i18n import fmt_datetime

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp


class AuditScreen:
    def __init__(self, app: OfficeApp) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("audit_title")
        entries = await app.client.audit()
        columns = [app.t(k) for k in ("col_when", "col_who", "col_action", "col_object")]
        rows = [ft.DataRow(cells=[ft.DataCell(ft.Text(v)) for v in (
            fmt_datetime(e.at), f"{e.username} ({e.role})", app.t(f"action_{e.action}"),
            f"{e.object_type} {e.object_id[:13]}")]) for e in entries]
        app.body.controls = [ft.DataTable(columns=[ft.DataColumn(label=c) for c in columns], rows=rows,
                                          key="audit-table") if rows
                             else ft.Text(app.t("audit_empty"), key="audit-empty")]
