"""Links between controls: clusters of controls sharing identifiers (each control with the identifiers that link it,
masked, and the checklist question that asked for them), and an audited lookup of a known value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.i18n import fmt_date, t
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.paging import PagedList, more_row
from inspectie_app.ui.widgets import TOUCH, heading, level_text, tagged
from schemas.identifiers import IdentifierKind
from schemas.review import Cluster, IdentifierRead, LinkedControl

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def identifier_line(identifier: IdentifierRead, lang: str) -> str:
    """One identifier in words, masked: ``Telefoonnummer advertentie: 06•••••• — gevraagd bij: <question>``, the
    question's label when the control's template has it (else its id); no question part for the Kenmerken panel."""
    line = t("identifier_hint_line", lang, kind=t(f"kind_{identifier.kind.value}", lang), hint=identifier.hint)
    if identifier.question_id is None:
        return line
    asked = identifier.question.get(lang) if identifier.question else identifier.question_id
    return f"{line} — {t('identifier_asked_at', lang, question=asked)}"


class LinksScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.kind = ft.Dropdown(key="lookup-kind", width=280)
        self.value = ft.TextField(key="lookup-value", width=320, on_submit=self._lookup)
        self.results = ft.Column(key="lookup-results", spacing=2)
        self.paged: PagedList[Cluster] = PagedList(lambda cursor: self.app.client.clusters(cursor=cursor))
        self.clusters = ft.Column(key="clusters", spacing=8)
        self.footer = ft.Column(key="clusters-footer")

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("links_title")
        await self.paged.first()
        self.kind.label = app.t("lookup_kind")
        self.kind.options = [ft.DropdownOption(key=k.value, text=app.t(f"kind_{k.value}")) for k in IdentifierKind]
        self.value.label = app.t("lookup_value")
        button = ft.FilledButton(content=app.t("lookup_button"), on_click=self._lookup, key="lookup-button",
                                 height=TOUCH)
        app.body.controls = [
            self.clusters,
            self.footer,
            heading(app.t("lookup_title"), size=16),
            ft.Row([tagged(self.kind, "lookup-kind"), tagged(self.value, "lookup-value"),
                    tagged(button, "lookup-button")], wrap=True),
            self.results,
        ]
        self._draw()

    def _draw(self) -> None:
        app = self.app
        self.clusters.controls = ([self._cluster(c) for c in self.paged.items]
                                  or [ft.Text(app.t("clusters_empty"), key="clusters-empty")])
        self.footer.controls = [more_row(app, self.paged, "clusters", self._more)]

    async def _more(self, _e: Any = None) -> None:
        await self.paged.more()
        self._draw()
        self.app.page.update()

    def _cluster(self, cluster: Cluster) -> ft.Control:
        app = self.app
        kinds = ", ".join(app.t(f"kind_{k.value}") for k in cluster.kinds)
        title = app.t("cluster_title", id=cluster.id, n=len(cluster.controls), kinds=kinds)
        lines: list[ft.Control] = [ft.Text(title, weight=ft.FontWeight.BOLD, key=f"cluster-{cluster.id}"),
                                   ft.Text(" · ".join(cluster.hints), size=12)]
        lines += [self._control(c) for c in cluster.controls]
        return ft.Card(ft.Container(ft.Column(lines, spacing=2), padding=12))

    def _control(self, c: LinkedControl) -> ft.Control:
        app = self.app

        async def open_(_e: Any = None, target: UUID = c.inspection_id) -> None:
            await app.show_detail(target)

        kinds = ", ".join(app.t(f"kind_{k.value}") for k in c.kinds)
        text = app.t("linked_line", date=fmt_date(c.started_at), address=c.address.one_line(), kinds=kinds,
                     level=level_text(c.level, app.lang))
        key = f"cluster-control-{c.inspection_id}"
        if not c.identifiers:
            return ft.TextButton(content=text, on_click=open_, key=key, height=TOUCH)
        lines: list[ft.Control] = [ft.Text(text)]
        lines += [ft.Text(identifier_line(i, app.lang), size=12, key=f"link-identifier-{c.inspection_id}-{n}")
                  for n, i in enumerate(c.identifiers)]
        # the identifiers inside the button: one target (taller than TOUCH) that names what links the control
        return ft.TextButton(content=ft.Column(lines, spacing=2, tight=True), on_click=open_, key=key,
                             style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=12, vertical=8)))

    async def _lookup(self, _e: Any = None) -> None:
        app = self.app
        value = (self.value.value or "").strip()
        if not self.kind.value or not value:
            self.results.controls = [ft.Text(app.t("lookup_missing"), color=ft.Colors.RED_800, key="lookup-error")]
            app.page.update()
            return
        try:
            found = await app.client.lookup(IdentifierKind(self.kind.value), value)
        except OfficeError as exc:
            self.results.controls = [ft.Text(app.error_text(exc), color=ft.Colors.RED_800, key="lookup-error")]
        else:
            self.results.controls = [self._control(c) for c in found] or [ft.Text(app.t("lookup_none"),
                                                                                  key="lookup-none")]
        app.page.update()
