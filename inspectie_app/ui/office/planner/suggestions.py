"""Where to look next: addresses and establishments ranked, each with the reasons for its rank. Advice to
the planner; "Inplannen" only opens the scheduling form, it never plans anything by itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import flet as ft

from inspectie_app.i18n import fmt_date
from inspectie_app.ui.office.planner.forms import AddressDraft, ScheduleDraft
from inspectie_app.ui.office.planner.nav import go, is_planner, tabs
from inspectie_app.ui.widgets import TOUCH, tagged
from schemas.planning import RankReason, Suggestion

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def reason_text(app: Office, r: RankReason) -> str:
    params = dict(r.params)
    if "date" in params:
        params["date"] = fmt_date(date.fromisoformat(str(params["date"])))
    if "kind" in params:
        params["kind"] = app.t(f"pl_kind_{params['kind']}")
    sign = "+" if r.points > 0 else ""
    return f"{app.t(f'pl_reason_{r.code}', **params)} ({sign}{r.points})"


class SuggestionsScreen:
    def __init__(self, app: Office) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("pl_suggestions_title")
        ranked = await app.client.suggestions()
        rows = [self._row(n, s) for n, s in enumerate(ranked, start=1)]
        app.body.controls = [tabs(app, "suggestions"), ft.Text(app.t("pl_suggestions_intro"), italic=True),
                             ft.Column(rows or [ft.Text(app.t("pl_no_suggestions"), key="suggestions-empty")],
                                       spacing=8, key="suggestion-rows")]

    def _row(self, rank: int, s: Suggestion) -> ft.Control:
        app = self.app
        title = f"{rank}. {s.establishment_name + ' — ' if s.establishment_name else ''}{s.address.one_line()}"
        draft = ScheduleDraft(establishment_id=s.establishment_id, address=AddressDraft.of(s.address))
        plan = ft.OutlinedButton(content=app.t("pl_plan_here"), key=f"suggestion-plan-{rank}", height=TOUCH,
                                 on_click=go(app, "schedule", draft=draft))
        reasons = [ft.Text(f"• {reason_text(app, r)}", key=f"suggestion-{rank}-reason-{r.code}") for r in s.reasons]
        return ft.Container(ft.Row([
            ft.Column([ft.Text(title, weight=ft.FontWeight.BOLD, key=f"suggestion-{rank}"),
                       ft.Text(app.t("pl_score", score=s.score), key=f"suggestion-score-{rank}"), *reasons],
                      spacing=2, expand=True),
            *([tagged(plan, f"suggestion-plan-{rank}")] if is_planner(app) else []),
        ]), padding=8, border=ft.Border.all(1, ft.Colors.GREY_300), border_radius=6, key=f"suggestion-row-{rank}")
