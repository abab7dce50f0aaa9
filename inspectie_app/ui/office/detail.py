"""One control for the team lead: facts, the flag's explanation in plain words (``explanation``), answers,
persons, photos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft
from pydantic import ValidationError

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.conflicts import ConflictsPanel
from inspectie_app.ui.office.corrections import CorrectionPanel
from inspectie_app.ui.office.explanation import FlagExplanation
from inspectie_app.ui.office.level_change import level_change_controls
from inspectie_app.ui.office.review_panel import ReviewPanel
from inspectie_app.ui.widgets import TOUCH, answer_text, control_type_text, heading, level_badge, tagged
from schemas.engine import FlagResult
from schemas.records import InspectionDetail, InspectionStatus, PhotoRead
from schemas.templates import AnswerValue, Section, Template, visible_questions

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class DetailScreen:
    def __init__(self, app: Office, inspection_id: UUID) -> None:
        self.app = app
        self.id = inspection_id
        self.template: Template | None = None

    @property
    def lang(self) -> str:
        return self.app.lang

    async def render(self) -> None:
        app = self.app
        detail = await app.client.review_detail(self.id)
        s = detail.summary
        app.title.value = f"{app.t('detail_title')}: {s.address.one_line()}"
        template = self.template = _template(detail)
        back = ft.OutlinedButton(content=app.t("back"), icon=ft.Icons.ARROW_BACK, on_click=self._back,
                                 key="detail-back", height=TOUCH)
        report = ft.OutlinedButton(content=app.t("report_button"), icon=ft.Icons.PICTURE_AS_PDF,
                                   on_click=self._report, key="report-button", height=TOUCH)
        flag = _flag(detail)
        panel = ReviewPanel(app, self.id, await app.client.review_state(self.id), flag=flag,
                            draft=s.status is InspectionStatus.DRAFT)
        facts = [
            ft.Row([level_badge(s.level, self.lang, key="detail-level"),
                    ft.Text(control_type_text(s.control_type, self.lang), weight=ft.FontWeight.BOLD)]),
            ft.Text(s.address.one_line(), key="detail-address"),
            ft.Text(app.t("inspector", name=s.inspector), key="detail-inspector"),
            ft.Text(app.t("started_at", when=fmt_datetime(s.started_at))),
            ft.Text(app.t("finished_at", when=fmt_datetime(s.finished_at)) if s.finished_at
                    else app.t("not_finished")),
        ]
        app.body.controls = [
            ft.Row([back, tagged(report, "report-button")]),
            *facts,
            *level_change_controls(app, detail.flag, key="detail-level-change"),
            FlagExplanation(app, template).control(flag),
            *panel.controls(),
            *(await ConflictsPanel.load(app, self.id, template=template, persons=detail.persons)).controls(),
            *CorrectionPanel(app, self.id, detail, template).controls(),
            heading(app.t("answers_title")),
            *(self._sections(template.sections, detail.answers, None) if template else []),
            *self._persons(detail, template),
            heading(app.t("photos_title")),
            await self._photos(detail.photos),
            heading(app.t("note_title")),
            ft.Text(detail.note or app.t("no_answer"), key="detail-note", selectable=True),
        ]

    # --- answers --------------------------------------------------------------------------------
    def _sections(self, sections: list[Section], answers: dict[str, AnswerValue], person_id: str | None
                  ) -> list[ft.Control]:
        lang = self.lang
        all_questions = [q for s in sections for q in s.questions]
        shown = {q.id for q in visible_questions(all_questions, answers)}
        out: list[ft.Control] = []
        for section in sections:
            rows = [
                ft.Row([ft.Text(q.label.get(lang), expand=True),
                        ft.Text(answer_text(q, answers.get(q.id), lang), expand=True,
                                key=f"answer-{person_id + '-' if person_id else ''}{q.id}")])
                for q in section.questions if q.id in shown
            ]
            out.append(ft.Card(ft.Container(ft.Column([heading(section.title.get(lang), size=16), *rows]),
                                            padding=12)))
        return out

    def _persons(self, detail: InspectionDetail, template: Template | None) -> list[ft.Control]:
        if not detail.persons:
            return []
        app = self.app
        out: list[ft.Control] = [heading(app.t("persons_title"))]
        for p in detail.persons:
            out.append(ft.Text(app.t("person_answers", label=p.label), weight=ft.FontWeight.BOLD,
                               key=f"person-{p.id}"))
            if template:
                out += self._sections(template.person_module, p.answers, p.id)
        return out

    async def _photos(self, photos: list[PhotoRead]) -> ft.Control:
        app = self.app
        tiles: list[ft.Control] = []
        for n, photo in enumerate(photos, 1):
            label = photo.caption or app.t("photo_thumbnail", n=n)
            content: ft.Control
            if not photo.present:
                content = ft.Text(app.t("photo_missing"), key=f"photo-missing-{photo.id}")
            else:
                try:
                    data = await app.client.photo(photo.sha256)
                    content = ft.Image(src=data, width=240, height=180, fit=ft.BoxFit.CONTAIN, semantics_label=label,
                                       key=f"photo-{photo.id}")
                except OfficeError as exc:
                    content = ft.Text(app.error_text(exc), key=f"photo-error-{photo.id}")
            tiles.append(ft.Column([content, ft.Text(label, size=12)], tight=True))
        return ft.Row(tiles, wrap=True, key="detail-photos")

    async def _back(self, _e: Any = None) -> None:
        await self.app.show_list()

    async def _report(self, _e: Any = None) -> None:
        app = self.app
        try:
            data = await app.client.report_pdf(self.id)
        except OfficeError as exc:
            app.say(app.error_text(exc))
            return
        app.say(app.t("report_saved"))
        await app.save_bytes(f"rapportage-{str(self.id)[:8]}.pdf", data)


def _template(detail: InspectionDetail) -> Template | None:
    try:
        return Template.model_validate(detail.template)
    except ValidationError:
        return None


def _flag(detail: InspectionDetail) -> FlagResult | None:
    if detail.flag is None:
        return None
    try:
        return FlagResult.model_validate(detail.flag)
    except ValidationError:
        return None
