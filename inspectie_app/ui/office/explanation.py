"""A control's flag in plain words for the office: per group of persons with the same signals (or per person,
and for the premises) the level, the rule that set it, the legal frame, and each indicator once with all the
answers behind it. The grouping and merging are ``schemas.signal_groups``; this module only draws them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from inspectie_app.ui.widgets import answer_text, heading, level_badge, level_text, raw_answer_text
from schemas.catalogue import DIMENSION_LABELS, PROFILE_LABELS
from schemas.engine import FlagResult
from schemas.explain import Element, Frame
from schemas.facts import Evidence
from schemas.signal_groups import IndicatorSummary, SubjectGroup, group_subjects, level_line, other_reasons
from schemas.templates import Template

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class FlagExplanation:
    """Draws one flag; ``template`` (when known) turns answer codes into their labels."""

    def __init__(self, app: Office, template: Template | None) -> None:
        self.app = app
        self.template = template

    @property
    def lang(self) -> str:
        return self.app.lang

    def control(self, flag: FlagResult | None) -> ft.Control:
        app, lang = self.app, self.lang
        if flag is None:
            return ft.Container(ft.Text(app.t("no_flag"), key="no-flag"), key="explanation")
        profile = (app.t("profile", profile=PROFILE_LABELS[flag.profile].get(lang)) if flag.profile
                   else app.t("profile_none"))
        parts: list[ft.Control] = [
            heading(app.t("explanation_title")),
            ft.Row([level_badge(flag.level, lang, key="flag-level"), ft.Text(profile, key="flag-profile")]),
            ft.Text(app.t("flag_advice"), italic=True, size=12),
        ]
        parts += [self._group(g) for g in group_subjects(flag)]
        parts.append(heading(app.t("findings_title"), size=16))
        parts += ([ft.Text(f"• {f.label.get(lang)}", key=f"finding-{f.id}-{f.subject_id or 'premises'}")
                   for f in flag.findings] or [ft.Text(app.t("findings_none"), key="findings-none")])
        parts += self._beheer_details(flag)
        return ft.Container(ft.Column(parts, spacing=6), key="explanation", padding=12, bgcolor=ft.Colors.GREY_100,
                            border_radius=ft.BorderRadius.all(8))

    def _beheer_details(self, flag: FlagResult) -> list[ft.Control]:
        """The codes behind the words (catalogue and checklist versions, indicator codes), folded away and for the
        beheerder only: a team lead, an inspector or the mayor reads words, not codes."""
        user = self.app.client.user
        if user is None or user.role != "beheerder":
            return []
        codes = sorted({s.code for g in group_subjects(flag) for s in g.indicators})
        versions = self.app.t("catalogue_version", catalogue=flag.catalogue, template=flag.template)
        lines: list[ft.Control] = [ft.Text(versions, size=12, selectable=True)]
        if codes:
            lines.append(ft.Text(self.app.t("indicator_codes", codes=", ".join(codes)), size=12, selectable=True))
        return [ft.ExpansionTile(title=ft.Text(self.app.t("beheer_details")), controls=lines, key="beheer-details")]

    def _group(self, group: SubjectGroup) -> ft.Control:
        """Level badge, the level line first, other profiles, the frame, the indicators, the other reasons."""
        app, lang, key = self.app, self.lang, group.key
        title = app.t("premises") if group.is_premises else group.title.get(lang)
        lines: list[ft.Control] = [ft.Row([
            level_badge(group.level, lang, key=f"subject-level-{key}"),
            ft.Text(app.t("subject", label=title, level=level_text(group.level, lang)), weight=ft.FontWeight.BOLD,
                    key=f"subject-{key}"),
        ], wrap=True)]
        if len(group.subject_ids) > 1:
            lines.append(ft.Text(app.t("group_members", labels=", ".join(group.labels)), size=12,
                                 key=f"group-members-{key}"))
        subject = group.subject
        line = level_line(subject)
        if line is not None:
            lines.append(ft.Text(line.get(lang), weight=ft.FontWeight.W_500, key=f"level-rule-{key}", selectable=True))
        if subject.other_profiles:
            names = ", ".join(PROFILE_LABELS[p].get(lang) for p in subject.other_profiles)
            lines.append(ft.Text(app.t("also_profiles", profiles=names), size=13, key=f"also-{key}"))
        if subject.frame is not None:
            lines.append(ft.Text(self._frame(subject.frame), size=13, key=f"frame-{key}"))
        for summary in group.indicators:
            lines += self._indicator(summary)
        rest = other_reasons(subject)
        if rest:
            lines.append(ft.Text(app.t("reasons_title"), italic=True))
            lines += [ft.Text(f"– {r.get(lang)}", size=13) for r in rest]
        return ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding.only(left=8, top=6),
                            key=f"subject-group-{key}")

    def _frame(self, frame: Frame) -> str:
        """One line: which of act, means and purpose (art. 273f Sr) are evidenced, and by what."""
        lang = self.lang
        acts = "; ".join(t.get(lang) for t in frame.act_labels)
        return self.app.t("frame_line", act=self._element(frame.act, acts), means=self._element(frame.means),
                          purpose=self._element(frame.purpose))

    def _element(self, element: Element, what: str = "") -> str:
        """Ja or nee, with the acts in words where there are any (the indicators' codes are not shown)."""
        word = "frame_yes" if element.evidenced else "frame_no"
        return self.app.t(f"{word}_codes", codes=what) if what else self.app.t(word)

    def _indicator(self, summary: IndicatorSummary) -> list[ft.Control]:
        """The indicator once, the explanation of each rule that fired it, then every answer behind it."""
        app, lang = self.app, self.lang
        strength = app.t(f"strength_{summary.strength.value}" if summary.strength else "strength_none")
        out: list[ft.Control] = [ft.Text(app.t("hit_line", label=summary.label.get(lang), strength=strength,
                                               dimension=DIMENSION_LABELS[summary.dimension].get(lang)),
                                         key=f"hit-{summary.code}", weight=ft.FontWeight.W_500)]
        out += [ft.Text(e.get(lang), size=13, italic=True) for e in summary.explanations]
        out += [ft.Text("    " + self._evidence(ev), size=13) for ev in summary.evidence]
        return out

    def _evidence(self, ev: Evidence) -> str:
        app, lang = self.app, self.lang
        question = self.template.question(ev.question_id, ev.scope) if self.template and ev.scope else None
        value = answer_text(question, ev.value, lang) if question else raw_answer_text(ev.value, lang)
        label = ev.question.get(lang)
        kind = app.t(f"evidence_{ev.evidence_type.value}")
        if ev.scope is None:
            return app.t("evidence_line", question=label, value=value, evidence=kind)
        return app.t("evidence_line_scoped", question=label, value=value, evidence=kind,
                     scope=app.t(f"scope_{ev.scope.value}"))
