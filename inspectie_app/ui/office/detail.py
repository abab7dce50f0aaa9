"""One control for the team lead: facts, the flag's explanation in plain words, answers, persons, photos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft
from pydantic import ValidationError

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.conflicts import ConflictsPanel
from inspectie_app.ui.office.corrections import CorrectionPanel
from inspectie_app.ui.office.level_change import level_change_controls
from inspectie_app.ui.office.review_panel import ReviewPanel
from inspectie_app.ui.widgets import (
    TOUCH,
    answer_text,
    control_type_text,
    heading,
    level_badge,
    level_text,
    raw_answer_text,
    tagged,
)
from schemas.catalogue import DIMENSION_LABELS, PROFILE_LABELS, Profile
from schemas.engine import FlagResult, IndicatorHit, SubjectResult
from schemas.records import InspectionDetail, PhotoRead
from schemas.templates import AnswerValue, Section, Template, visible_questions

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp


class DetailScreen:
    def __init__(self, app: OfficeApp, inspection_id: UUID) -> None:
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
        panel = ReviewPanel(app, self.id, await app.client.review_state(self.id))
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
            self._explanation(detail),
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

    # --- flag -----------------------------------------------------------------------------------
    def _explanation(self, detail: InspectionDetail) -> ft.Control:
        app, lang = self.app, self.lang
        flag = _flag(detail)
        if flag is None:
            return ft.Container(ft.Text(app.t("no_flag"), key="no-flag"), key="explanation")
        profile = (app.t("profile", profile=PROFILE_LABELS[flag.profile].get(lang)) if flag.profile
                   else app.t("profile_none"))
        parts: list[ft.Control] = [
            heading(app.t("explanation_title")),
            ft.Row([level_badge(flag.level, lang, key="flag-level"), ft.Text(profile, key="flag-profile")]),
            ft.Text(app.t("flag_advice"), italic=True, size=12),
            ft.Text(app.t("catalogue_version", catalogue=flag.catalogue, template=flag.template), size=12),
        ]
        for subject in flag.subjects:
            parts.append(self._subject(subject))
        parts.append(heading(app.t("findings_title"), size=16))
        parts += ([ft.Text(f"• {f.label.get(lang)}", key=f"finding-{f.id}-{f.subject_id or 'premises'}")
                   for f in flag.findings] or [ft.Text(app.t("findings_none"), key="findings-none")])
        return ft.Container(ft.Column(parts, spacing=6), key="explanation", padding=12, bgcolor=ft.Colors.GREY_100,
                            border_radius=ft.BorderRadius.all(8))

    def _subject(self, subject: SubjectResult) -> ft.Control:
        app, lang = self.app, self.lang
        label = app.t("premises") if subject.subject_id == "premises" else subject.label
        lines: list[ft.Control] = [
            ft.Text(app.t("subject", label=label, level=level_text(subject.level, lang)), weight=ft.FontWeight.BOLD,
                    key=f"subject-{subject.subject_id}"),
        ]
        for hit in subject.hits:
            lines += self._hit(hit, subject.profile)
        if subject.reasons:
            lines.append(ft.Text(app.t("reasons_title"), italic=True))
            lines += [ft.Text(f"– {r.get(lang)}") for r in subject.reasons]
        return ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding.only(left=8, top=6))

    def _hit(self, hit: IndicatorHit, profile: Profile | None) -> list[ft.Control]:
        app, lang = self.app, self.lang
        key_profile = Profile.LABOUR if profile is Profile.CRIMINAL else profile
        strengths = [hit.strength[key_profile]] if key_profile in hit.strength else list(hit.strength.values())
        strength = "/".join(dict.fromkeys(app.t(f"strength_{s.value}") for s in strengths))
        out: list[ft.Control] = [ft.Text(app.t("hit_line", label=hit.label.get(lang), code=hit.code, strength=strength,
                                               dimension=DIMENSION_LABELS[hit.dimension].get(lang)),
                                         key=f"hit-{hit.code}")]
        out.append(ft.Text(hit.explanation.get(lang), size=13, italic=True))
        for ev in hit.evidence:
            question = self.template.question(ev.question_id, hit.scope) if self.template else None
            value = answer_text(question, ev.value, lang) if question else raw_answer_text(ev.value, lang)
            out.append(ft.Text("    " + app.t("evidence_line", question=ev.question.get(lang), value=value,
                                               evidence=app.t(f"evidence_{ev.evidence_type.value}")), size=13))
        return out

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
