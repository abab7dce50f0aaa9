"""The audit trail: who saw and changed what, newest first, a page at a time (team lead, beheerder); the beheerder
exports the whole trail as CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_datetime
from inspectie_app.ui.office.paging import PagedList, more_row
from inspectie_app.ui.widgets import TOUCH, tagged
from schemas.review import AuditRead

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class AuditScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.paged: PagedList[AuditRead] = PagedList(lambda cursor: self.app.client.audit(cursor=cursor))
        self.table = ft.Column(key="audit-rows")
        self.footer = ft.Column(key="audit-footer")

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("audit_title")
        await self.paged.first()
        top: list[ft.Control] = []
        if app.client.user is not None and app.client.user.role == "beheerder":
            top.append(tagged(ft.FilledButton(content=app.t("audit_export"), on_click=self.export, key="audit-export",
                                              height=TOUCH), "audit-export"))
        app.body.controls = [*top, self.table, self.footer]
        self._draw()

    def _draw(self) -> None:
        app = self.app
        columns = [app.t(k) for k in ("col_when", "col_who", "col_action", "col_object")]
        rows = [ft.DataRow(cells=[ft.DataCell(ft.Text(v)) for v in (
            fmt_datetime(e.at), f"{e.username} ({e.role})", app.t(f"action_{e.action}"),
            f"{e.object_type} {e.object_id[:13]}")]) for e in self.paged.items]
        self.table.controls = [ft.DataTable(columns=[ft.DataColumn(label=c) for c in columns], rows=rows,
                                            key="audit-table")
                               if rows else ft.Text(app.t("audit_empty"), key="audit-empty")]
        self.footer.controls = [more_row(app, self.paged, "audit", self._more)]

    async def _more(self, _e: Any = None) -> None:
        await self.paged.more()
        self._draw()
        self.app.page.update()

    async def export(self, _e: Any = None) -> None:
        """Offer the whole trail as a CSV download."""
        data = await self.app.client.audit_export()
        await self.app.save_bytes("inspectie-audittrail.csv", data)
        self.app.say(self.app.t("audit_exported"))
