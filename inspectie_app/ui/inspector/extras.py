"""The checklist's side panels: local flag, urgent guidance, persons met, photos."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import flet as ft

from inspectie_app.contract import AppError
from inspectie_app.ui.inspector.shell import ControlScreen
from inspectie_app.ui.widgets import TOUCH, heading, level_badge, tagged
from schemas.catalogue import Guidance
from schemas.engine import FlagResult, SubjectResult
from schemas.records import PersonRecord
from schemas.signal_groups import indicator_summaries, level_line, other_reasons, source_subject

MAX_HIT_LINES = 6
MAX_OTHER_HIT_LINES = 3  # per other subject with a signal


class FlagPanel:
    """Level badge, the subject the level comes from with its level line first, then its indicators (each once)."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.control = ft.Container(key="flag-panel", padding=12, border_radius=ft.BorderRadius.all(8),
                                    bgcolor=ft.Colors.GREY_100)

    def show(self, flag: FlagResult) -> None:
        app, lang = self.screen.app, self.screen.lang
        source = source_subject(flag)
        lines: list[ft.Control] = []
        if source is not None:
            if source.level > 0:
                label = app.t("premises") if source.subject_id == "premises" else source.label
                lines.append(ft.Text(app.t("flag_source", label=label), weight=ft.FontWeight.BOLD, key="flag-subject"))
            first = level_line(source)
            reasons = ([first] if first is not None else []) + other_reasons(source)
            lines += [ft.Text(r.get(lang), key=f"flag-reason-{i}") for i, r in enumerate(reasons)]
            for summary in indicator_summaries(source)[:MAX_HIT_LINES]:
                why = " ".join(e.get(lang) for e in summary.explanations)
                lines.append(ft.Text(f"• {summary.label.get(lang)} — {why}", size=13))
            lines += self._others(flag, source)
        if not lines:
            lines = [ft.Text(app.t("flag_no_hits"))]
        self.control.content = ft.Column(
            [ft.Row([heading(app.t("flag_title"), size=16), level_badge(flag.level, lang, key="flag-level")]),
             *lines, ft.Text(app.t("flag_advice"), size=12, italic=True)],
            spacing=4,
        )


    def _others(self, flag: FlagResult, source: SubjectResult) -> list[ft.Control]:
        """Every other subject with a signal, worst first: its level and indicators (the level comes from one
        subject, but the team lead judges each)."""
        app, lang = self.screen.app, self.screen.lang
        lines: list[ft.Control] = []
        others = sorted((s for s in flag.subjects if s is not source and s.level > 0),
                        key=lambda s: (-s.level, s.subject_id != "premises", s.label))
        for other in others:
            label = app.t("premises") if other.subject_id == "premises" else other.label
            lines.append(ft.Row([ft.Text(app.t("flag_also", label=label), weight=ft.FontWeight.BOLD),
                                 level_badge(other.level, lang, key=f"flag-other-level-{other.subject_id}")],
                                key=f"flag-other-{other.subject_id}", wrap=True))
            for summary in indicator_summaries(other)[:MAX_OTHER_HIT_LINES]:
                lines.append(ft.Text(f"• {summary.label.get(lang)}", size=13))
        return lines


class UrgentBanner:
    """At level 3: a red banner that stays, and a dialog the first time it appears."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.shown_dialog = False
        self.control = ft.Container(key="urgent-banner", visible=False, bgcolor=ft.Colors.RED_800, padding=12,
                                    border_radius=ft.BorderRadius.all(8))

    async def guidance(self) -> tuple[str, list[str]]:
        app = self.screen.app
        lang = app.lang
        guidance: Guidance | None = None
        getter = getattr(app.service, "urgent_guidance", None)
        if getter is not None:
            try:
                guidance = await getter()
            except AppError:
                guidance = None
        if guidance is None:
            return app.t("urgent_title"), [app.t(f"urgent_default_{i}") for i in (1, 2, 3)]
        return guidance.title.get(lang), [s.get(lang) for s in guidance.steps]

    async def show(self, flag: FlagResult, popup: bool) -> None:
        if not flag.urgent:
            self.control.visible = False
            return
        title, steps = await self.guidance()
        body: list[ft.Control] = [ft.Text(title, color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD, size=18,
                                          key="urgent-title")]
        body += [ft.Text(f"{i}. {s}", color=ft.Colors.WHITE, key=f"urgent-step-{i}") for i, s in enumerate(steps, 1)]
        self.control.content = ft.Semantics(identifier="urgent-banner", label=title,
                                            content=ft.Column(body, spacing=4))
        self.control.visible = True
        if popup and not self.shown_dialog:
            self.shown_dialog = True
            self._dialog(title, steps)

    def _dialog(self, title: str, steps: list[str]) -> None:
        app = self.screen.app
        dialog = ft.AlertDialog(
            key="urgent-dialog",
            modal=True,
            bgcolor=ft.Colors.RED_50,
            icon=ft.Icon(ft.Icons.WARNING, color=ft.Colors.RED_800),
            title=ft.Text(title),
            content=ft.Column([ft.Text(f"{i}. {s}") for i, s in enumerate(steps, 1)], tight=True),
            actions=[ft.FilledButton(content=app.t("urgent_ack"), key="urgent-ack", height=TOUCH,
                                     on_click=lambda _e: app.page.pop_dialog())],
        )
        app.page.show_dialog(dialog)


class PersonsPanel:
    """Anonymous person records, each with the template's person module."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.cards = ft.Column(key="persons", spacing=8)
        self.control = ft.Column(spacing=8)

    async def render(self) -> None:
        screen, app = self.screen, self.screen.app
        state = screen.state
        assert state is not None
        if not state.template.person_module:
            self.control.controls = []
            return
        add = ft.FilledButton(content=app.t("add_person"), icon=ft.Icons.PERSON_ADD, on_click=self.add,
                              key="add-person", height=TOUCH, disabled=screen.finished)
        self.cards.controls = [self._card(p) for p in state.persons]
        self.control.controls = [heading(app.t("persons_title")), ft.Text(app.t("persons_hint"), size=12),
                                 self.cards, tagged(add, "add-person")]

    def _card(self, person: PersonRecord) -> ft.Control:
        screen, app = self.screen, self.screen.app

        async def ask_remove(_e: Any = None) -> None:
            self._confirm_remove(person)

        remove = ft.IconButton(ft.Icons.DELETE_OUTLINE, tooltip=f"{app.t('remove_person')}: {person.label}",
                               on_click=ask_remove, key=f"remove-person-{person.id}", disabled=screen.finished)
        return ft.Card(
            key=f"person-{person.id}",
            content=ft.Container(padding=12, content=ft.Column([
                ft.Row([heading(person.label, size=18), remove], alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
                *screen.person_sections(person.id, person.answers),
            ])),
        )

    async def add(self, _e: Any = None) -> None:
        screen, app = self.screen, self.screen.app
        try:
            person = await app.service.add_person(screen.id)
        except AppError as exc:
            app.toast(app.error_text(exc))
            return
        screen.state = await app.service.inspection(screen.id)
        self.cards.controls.append(self._card(person))
        await app.sync_bar.refresh()
        app.changed()  # also names the new card's controls (a11y)

    def _confirm_remove(self, person: PersonRecord) -> None:
        app = self.screen.app

        async def confirmed(_e: Any = None) -> None:
            app.page.pop_dialog()
            await self.remove(person.id)

        dialog = ft.AlertDialog(
            key="remove-person-dialog",
            modal=True,
            title=ft.Text(app.t("remove_person_title")),
            content=ft.Text(app.t("remove_person_text", label=person.label)),
            actions=[
                ft.TextButton(content=app.t("cancel"), key="remove-cancel", height=TOUCH,
                              on_click=lambda _e: app.page.pop_dialog()),
                ft.FilledButton(content=app.t("remove"), key="remove-confirm", height=TOUCH, on_click=confirmed),
            ],
        )
        app.page.show_dialog(dialog)

    async def remove(self, person_id: str) -> None:
        screen, app = self.screen, self.screen.app
        try:
            await app.service.remove_person(screen.id, person_id)
        except AppError as exc:
            app.toast(app.error_text(exc))
            return
        screen.forget_person(person_id)
        self.cards.controls = [c for c in self.cards.controls if c.key != f"person-{person_id}"]
        await screen.on_state(await app.service.inspection(screen.id))
        await app.sync_bar.refresh()
        app.changed()


class PhotosPanel:
    """Photos via the FilePicker service; thumbnails from the local store."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.thumbs = ft.Row(key="photos", wrap=True, spacing=8)
        self.error = ft.Text("", key="photo-error", color=ft.Colors.RED_800, visible=False)
        self.control = ft.Column(spacing=8)

    async def render(self) -> None:
        screen, app = self.screen, self.screen.app
        assert screen.state is not None
        add = ft.FilledButton(content=app.t("add_photo"), icon=ft.Icons.ADD_A_PHOTO, on_click=self.add,
                              key="add-photo", height=TOUCH, disabled=screen.finished)
        self.thumbs.controls = [await self._thumb(i, p) for i, p in enumerate(screen.state.photos, 1)]
        self.control.controls = [heading(app.t("photos_title")), self.thumbs, self.error, tagged(add, "add-photo")]

    async def _thumb(self, n: int, photo: Any) -> ft.Control:
        app = self.screen.app
        data = await app.service.thumbnail(photo)
        label = app.t("photo_thumbnail", n=n)
        status = app.t("photo_uploaded") if photo.uploaded else app.t("photo_waiting")
        image: ft.Control = (ft.Image(src=data, width=120, height=120, fit=ft.BoxFit.COVER, semantics_label=label)
                             if data else ft.Icon(ft.Icons.IMAGE, size=48))
        return ft.Column([image, ft.Text(status, size=12)], key=f"photo-{photo.id}", tight=True)

    async def add(self, _e: Any = None) -> None:
        screen, app = self.screen, self.screen.app
        if app.picker is None:
            app.picker = ft.FilePicker()
        self.error.visible = False
        try:
            files = await app.picker.pick_files(file_type=ft.FilePickerFileType.IMAGE, with_data=True,
                                                allow_multiple=True)
        except Exception:  # noqa: BLE001 - the picker is a client-side dialog; say so instead of failing silently
            self.error.value = app.t("photo_pick_failed")
            self.error.visible = True
            app.changed()
            return
        for f in files or []:
            data = f.bytes
            if not data and f.path:
                data = await asyncio.to_thread(Path(f.path).read_bytes)
            if not data:
                continue
            try:
                await app.service.add_photo(screen.id, data)
            except AppError as exc:
                self.error.value = app.error_text(exc)
                self.error.visible = True
        state = await app.service.inspection(screen.id)
        screen.state = state
        self.thumbs.controls = [await self._thumb(i, p) for i, p in enumerate(state.photos, 1)]
        await app.sync_bar.refresh()
        app.changed()
