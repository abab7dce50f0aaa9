"""The beheerder's "Checklists beheren": every checklist with its published versions (newest first), and its draft —
edited in forms with the problems in Dutch on their fields as one types, previewed as the inspector will see it at
tablet size, compared with the version it came from, and published as the next version for every tablet.

The draft lives on the server (``/api/v1/admin/checklists``, ``inspectie_app.office_checklists``): it is saved when a
field is left, when a choice is made, and before the preview and the compare; a failed save keeps everything typed
on screen with the reason above it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app import office_checklists as api
from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.beheer.checklist_form import Form, question_form, section_form
from inspectie_app.ui.office.beheer.checklist_model import Draft, change_text, labels_of, problem_text, text_of
from inspectie_app.ui.office.beheer.checklist_preview import Preview
from inspectie_app.ui.widgets import TOUCH, control_type_text, heading, tagged
from schemas.checklist_drafts import PARTS, ChecklistRead, DraftCheck, DraftRead
from schemas.templates import parse_template

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def _title(content: dict[str, Any] | ChecklistRead, lang: str) -> str:
    title = content.title if isinstance(content, ChecklistRead) else content.get("title")
    return str(title.get(lang) or title.get("nl") or "") if isinstance(title, dict) else ""


def _replace(column: ft.Column, controls: list[ft.Control]) -> None:
    """New controls into ``column``, published empty first (as ``Office.show`` does), so that controls of the
    same key are added, not diffed against the old ones (a control matched that way is frozen)."""
    if column.controls:
        column.controls = []
        with contextlib.suppress(RuntimeError):  # not on the page yet: nothing to diff against
            column.update()
    column.controls = controls


class ChecklistsScreen:
    def __init__(self, app: Office) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("cl_title")
        listed = await api.checklists(app.client)
        cards = [self._card(c) for c in listed] or [ft.Text(app.t("cl_none"), key="cl-none")]
        app.body.controls = [ft.Text(app.t("cl_intro"), key="cl-intro"),
                             ft.Column(cards, key="cl-list", spacing=12,
                                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)]

    def _card(self, c: ChecklistRead) -> ft.Control:
        app = self.app
        title = _title(c, app.lang)
        lines: list[ft.Control] = [
            heading(f"{title} ({control_type_text(c.control_type, app.lang)})", 16, key=f"cl-heading-{c.template_id}"),
            ft.Text(app.t("cl_versions"), weight=ft.FontWeight.W_500)]
        lines += [ft.Text(app.t("cl_version_line", version=v.version, when=fmt_datetime(v.published_at),
                                n=v.questions), key=f"cl-version-{c.template_id}-{v.version}") for v in c.versions]
        if c.draft is not None:
            draft_id = c.draft.id
            lines.append(ft.Text(app.t("cl_draft_line", base=c.draft.base_version, who=c.draft.updated_by,
                                       when=fmt_datetime(c.draft.updated_at)), key=f"cl-draft-{c.template_id}"))

            async def open_draft(_e: Any = None) -> None:
                await app.show(DraftScreen(app, draft_id).render)

            lines.append(self._button(f"cl-open-{c.template_id}", app.t("cl_open_draft"),
                                      app.t("cl_open_draft_label", title=title), open_draft))
        else:
            template_id = c.template_id

            async def make(_e: Any = None) -> None:
                try:
                    made = await api.create_draft(app.client, template_id)
                except OfficeError as exc:
                    app.say(app.error_text(exc))
                    return
                await app.show(DraftScreen(app, made.id).render)

            lines.append(self._button(f"cl-make-{c.template_id}", app.t("cl_make_draft"),
                                      app.t("cl_make_draft_label", title=title), make))
        return ft.Container(key=f"cl-card-{c.template_id}", padding=12,
                            border=ft.Border.all(1, ft.Colors.BLUE_GREY_100),
                            border_radius=ft.BorderRadius.all(8), content=ft.Column(lines, spacing=6))

    def _button(self, key: str, text: str, label: str, on_click: Any) -> ft.Control:
        return tagged(ft.FilledButton(content=text, on_click=on_click, key=key, height=TOUCH, tooltip=label), key,
                      label)


class DraftScreen:
    """One draft: edit, preview, compare and publish (``tab``)."""

    def __init__(self, app: Office, draft_id: UUID, tab: str = "edit") -> None:
        self.app = app
        self.draft_id = draft_id
        self.tab = tab
        self.read: DraftRead | None = None
        self.draft = Draft({})
        self.selected: tuple[str, int, int | None] | None = None
        self.dirty = False
        self.edits = 0  # changes made in this session (a save knows which of them it carried)
        self._saving = asyncio.Lock()
        self.status = ft.Text("", key="cl-status")
        self.conflict = ft.Row(key="cl-conflict", visible=False, wrap=True)
        self.summary = ft.Column(key="cl-problems", spacing=2)
        self.outline = ft.Column(key="cl-outline", spacing=2, width=380)
        self.form_column = ft.Column(key="cl-form", spacing=10, expand=True)
        self.form: Form | None = None
        self._outline_sig: Any = None

    # --- the screen ---------------------------------------------------------------------------------------------
    async def render(self) -> None:
        app = self.app
        if self.read is None or not self.dirty:
            self.read = await api.draft(app.client, self.draft_id)
            self.draft = Draft(self.read.content)
        read = self.read
        title = _title(self.draft.content, app.lang)
        app.title.value = app.t("cl_draft_title", title=title)
        head: list[ft.Control] = [ft.Text(app.t("cl_draft_intro", base=read.base_version, next=read.newest_version + 1),
                                          key="cl-draft-intro")]
        if read.newest_version > read.base_version:
            head.append(ft.Text(app.t("cl_draft_outdated", newest=read.newest_version), key="cl-outdated",
                                color=ft.Colors.RED_800, weight=ft.FontWeight.BOLD))
        tabs = ft.Row([self._tab("edit"), self._tab("preview"), self._tab("compare")], wrap=True)
        actions = ft.Row([self._action("cl-save", app.t("cl_save"), self._save_clicked, ft.Icons.SAVE),
                          self._action("cl-delete", app.t("cl_delete_draft"), self._ask_delete, ft.Icons.DELETE),
                          self._action("cl-back", app.t("cl_back"), self._back, ft.Icons.ARROW_BACK)], wrap=True)
        self.conflict.visible = False
        app.body.controls = [*head, tabs, actions, self.status, self.conflict, *await self._area()]

    def _tab(self, name: str) -> ft.Control:
        key = f"cl-tab-{name}"
        chosen = self.tab == name

        async def go(_e: Any = None) -> None:
            if await self.save():
                self.tab = name
                await self.app.show(self.render)

        button = (ft.FilledButton if chosen else ft.OutlinedButton)(content=self.app.t(f"cl_tab_{name}"), on_click=go,
                                                                    key=key, height=TOUCH)
        return tagged(button, key, self.app.t(f"cl_tab_{name}"))

    def _action(self, key: str, text: str, on_click: Any, icon: Any) -> ft.Control:
        button = ft.OutlinedButton(content=text, icon=icon, on_click=on_click, key=key, height=TOUCH, tooltip=text)
        return tagged(button, key, text)

    async def _area(self) -> list[ft.Control]:
        if self.tab == "preview":
            return self._preview()
        if self.tab == "compare":
            return await self._compare()
        self._draw_summary()
        self._draw_outline(force=True)
        self._draw_form()
        return [self.summary, ft.Row([self.outline, self.form_column], vertical_alignment=ft.CrossAxisAlignment.START)]

    # --- saving -------------------------------------------------------------------------------------------------
    def _touch(self) -> None:
        self.dirty = True
        self.edits += 1

    async def save(self) -> bool:
        """Store the draft when it changed; False (with the reason on screen, everything typed kept) when it fails.
        One save at a time (leaving a field and clicking a button both save): each sends the revision the one before
        it got back, so this session never refuses its own save as someone else's."""
        async with self._saving:
            if not self.dirty:
                return True
            app = self.app
            assert self.read is not None
            sent = self.edits  # the body is built from the content as it is now, before the first await
            try:
                self.read = await api.save_draft(app.client, self.draft_id, self.draft.content, self.read.revision)
            except OfficeError as exc:
                self.status.value, self.status.color = app.error_text(exc), ft.Colors.RED_800
                self._offer_choice(exc.code == "checklist_draft_changed")
                app.page.update()
                return False
            self.dirty = self.edits != sent  # a change made while the save was under way still waits
            self.status.value, self.status.color = app.t("cl_saved"), None
            self._offer_choice(False)
            app.page.update()
            return True

    def _offer_choice(self, changed_elsewhere: bool) -> None:
        """After another beheerder's save: keep mine (save over theirs) or take theirs (mine is dropped)."""
        app = self.app

        async def keep_mine(_e: Any = None) -> None:
            latest = await api.draft(app.client, self.draft_id)
            assert self.read is not None
            self.read = self.read.model_copy(update={"revision": latest.revision})
            self._touch()
            await self.save()

        async def take_theirs(_e: Any = None) -> None:
            self.dirty, self.read, self.selected = False, None, None
            await app.show(self.render)

        self.conflict.visible = changed_elsewhere
        self.conflict.controls = [
            self._action("cl-conflict-keep-mine", app.t("cl_keep_mine"), keep_mine, ft.Icons.SAVE_AS),
            self._action("cl-conflict-take-theirs", app.t("cl_take_theirs"), take_theirs, ft.Icons.REFRESH),
        ] if changed_elsewhere else []

    async def _save_clicked(self, _e: Any = None) -> None:
        self._touch()  # "Opslaan" always stores (and shows that it did)
        await self.save()

    async def _back(self, _e: Any = None) -> None:
        if await self.save():
            await self.app.show(ChecklistsScreen(self.app).render)

    # --- editing ------------------------------------------------------------------------------------------------
    async def changed(self, rebuild: bool) -> None:
        """After every change in a form: check the draft again and show the problems where they are."""
        self.draft.revalidate()
        self._touch()
        self.status.value, self.status.color = self.app.t("cl_unsaved"), ft.Colors.ORANGE_900
        if rebuild:
            self._draw_form()
        elif self.form is not None and self.selected is not None:
            self.form.show_errors(*self.selected)
        self._draw_summary()
        self._draw_outline()
        self.app.page.update()

    async def select(self, part: str, si: int, qi: int | None) -> None:
        self.selected = (part, si, qi)
        self._draw_form()
        self._draw_outline(force=True)
        self.app.page.update()

    async def moved(self, part: str, si: int, qi: int) -> None:
        """A question moved, was deleted (``qi`` -1) or a section deleted: select what is there now."""
        self._touch()
        self.selected = (part, si, qi) if qi >= 0 else None
        await self.changed(True)
        self._draw_outline(force=True)
        await self.save()

    def _draw_form(self) -> None:
        app = self.app
        self.form = Form(self.draft, app.t, self.changed, self.save)
        if self.selected is None:
            _replace(self.form_column, [ft.Text(app.t("cl_choose"), key="cl-choose")])
            return
        part, si, qi = self.selected

        async def section_gone() -> None:
            await self.moved(part, si, -1)

        controls = (section_form(self.form, part, si, section_gone) if qi is None
                    else question_form(self.form, part, si, qi, self.moved))
        if not controls:
            self.selected = None
            controls = [ft.Text(app.t("cl_choose"), key="cl-choose")]
        _replace(self.form_column, controls)
        if self.selected is not None:
            self.form.show_errors(*self.selected)

    def _draw_summary(self) -> None:
        app = self.app
        problems = self.draft.problems
        if not problems:
            _replace(self.summary, [ft.Text(app.t("cl_no_problems"), key="cl-problem-count",
                                            color=ft.Colors.GREEN_800)])
            return
        lines: list[ft.Control] = [ft.Text(app.t("cl_problem_count", n=len(problems)), key="cl-problem-count",
                                           color=ft.Colors.RED_800, weight=ft.FontWeight.BOLD)]
        for n, p in enumerate(problems):
            text = problem_text(p, app.t)
            if p.question is not None and p.section is not None:
                q = self.draft.question(p.part, p.section, p.question) or {}
                line = app.t("cl_problem_at_question", id=str(q.get("id", "")), text=text)
            elif p.section is not None and p.part != "template":
                s = self.draft.sections(p.part)
                line = app.t("cl_problem_at_section", id=str(s[p.section].get("id", "")) if p.section < len(s) else "",
                             text=text)
            else:
                line = app.t("cl_problem_at_template", text=text)
            lines.append(ft.Text(line, key=f"cl-problem-{n}", color=ft.Colors.RED_800))
        lines.append(ft.ExpansionTile(title=ft.Text(app.t("cl_details")), key="cl-problem-details",
                                      controls=[ft.Text("\n".join(p.raw for p in problems),
                                                        size=12)]))
        _replace(self.summary, lines)

    def _draw_outline(self, force: bool = False) -> None:
        app = self.app
        sig = (self.selected, [(p, [(s.get("id"), text_of(s, "title", "nl"),
                                     [(q.get("id"), text_of(q, "label", "nl"),
                                       bool(self.draft.problems_at(p, si, qi)))
                                      for qi, q in enumerate(self.draft.questions(p, si))])
                                    for si, s in enumerate(self.draft.sections(p))]) for p in PARTS])
        if not force and sig == self._outline_sig:
            return
        self._outline_sig = sig
        rows: list[ft.Control] = []
        for part in PARTS:
            rows.append(heading(app.t(f"cl_part_{part}"), 16, key=f"cl-part-{part}"))
            for si, s in enumerate(self.draft.sections(part)):
                rows.append(self._item(f"cl-s-{part}-{si}", f"{text_of(s, 'title', 'nl') or s.get('id', '')}",
                                       (part, si, None), bold=True))
                for qi, q in enumerate(self.draft.questions(part, si)):
                    text = f"{q.get('id', '')} — {text_of(q, 'label', 'nl')}"
                    rows.append(self._item(f"cl-q-{part}-{si}-{qi}", text, (part, si, qi)))
                rows.append(self._adder(f"cl-add-q-{part}-{si}", app.t("cl_add_question"),
                                        app.t("cl_add_question_label", section=str(s.get("id", ""))),
                                        part, si))
            rows.append(self._adder(f"cl-add-s-{part}", app.t("cl_add_section"),
                                    app.t("cl_add_section_label", part=app.t(f"cl_part_{part}")), part, None))
        _replace(self.outline, rows)

    def _item(self, key: str, text: str, where: tuple[str, int, int | None], bold: bool = False) -> ft.Control:
        part, si, qi = where
        problem = bool(self.draft.problems_at(part, si, qi))
        label = f"{text} ({self.app.t('cl_has_problem')})" if problem else text

        async def pick(_e: Any = None) -> None:
            await self.select(part, si, qi)

        button = ft.TextButton(content=ft.Text(text, weight=ft.FontWeight.BOLD if bold else None,
                                               color=ft.Colors.RED_800 if problem else None),
                               icon=ft.Icons.ERROR_OUTLINE if problem else None, on_click=pick, key=key,
                               height=TOUCH, tooltip=label,
                               style=ft.ButtonStyle(bgcolor=ft.Colors.BLUE_50 if self.selected == where else None))
        return tagged(button, key, label)

    def _adder(self, key: str, text: str, label: str, part: str, si: int | None) -> ft.Control:
        async def add(_e: Any = None) -> None:
            if si is None:
                new_si = self.draft.add_section(part, self.app.t("cl_new_section"))
                self.selected = (part, new_si, None)
            else:
                self.selected = (part, si, self.draft.add_question(part, si, self.app.t("cl_new_question")))
            await self.changed(True)
            self._draw_outline(force=True)
            await self.save()

        return tagged(ft.TextButton(content=text, icon=ft.Icons.ADD, on_click=add, key=key, height=TOUCH,
                                    tooltip=label), key, label)

    # --- preview ------------------------------------------------------------------------------------------------
    def _preview(self) -> list[ft.Control]:
        app = self.app
        if self.draft.problems:
            return [ft.Text(app.t("cl_preview_invalid"), key="cl-preview-invalid", color=ft.Colors.RED_800)]
        template = parse_template(self.draft.content)
        return [ft.Text(app.t("cl_preview_intro"), key="cl-preview-intro"), Preview(app, template).control()]

    # --- compare and publish ------------------------------------------------------------------------------------
    async def _compare(self) -> list[ft.Control]:
        app = self.app
        assert self.read is not None
        check = await api.check_draft(app.client, self.draft_id)
        base = await api.published(app.client, self.read.template_id, self.read.base_version)
        labels = labels_of(self.draft.content, base)
        out: list[ft.Control] = []
        if check.changes:
            out.append(ft.Text(app.t("cl_compare_intro", base=self.read.base_version), key="cl-compare-intro"))
        else:
            out.append(ft.Text(app.t("cl_no_changes", base=self.read.base_version), key="cl-compare-intro"))
        for kind in ("added", "changed", "removed"):
            changes = [c for c in check.changes if c.kind == kind]
            if changes:
                out.append(heading(app.t(f"cl_{kind}"), 16, key=f"cl-compare-{kind}"))
                out += [ft.Text(change_text(c, labels, app.t), key=f"cl-change-{kind}-{c.what}-{c.id}")
                        for c in changes]
        out += self._conflicts(check)
        if check.problems:
            out.append(ft.Text(app.t("cl_problem_count", n=len(check.problems)), key="cl-compare-problems",
                               color=ft.Colors.RED_800))
        title = _title(self.draft.content, app.lang)
        out.append(ft.Text(app.t("cl_next_version", version=check.next_version, title=title), key="cl-next-version",
                           weight=ft.FontWeight.BOLD))
        if not check.publishable:
            out.append(ft.Text(app.t("cl_publish_blocked"), key="cl-publish-blocked", color=ft.Colors.RED_800))
        publish = ft.FilledButton(content=app.t("cl_publish"), icon=ft.Icons.PUBLISH, key="cl-publish",
                                  height=TOUCH, disabled=not check.publishable,
                                  on_click=lambda _e: self._ask_publish(check))
        out.append(tagged(publish, "cl-publish", app.t("cl_publish")))
        return out

    def _conflicts(self, check: DraftCheck) -> list[ft.Control]:
        app = self.app
        if not check.conflicts:
            return []
        out: list[ft.Control] = [heading(app.t("cl_conflicts"), 16, key="cl-conflicts")]
        for n, c in enumerate(check.conflicts):
            text = app.t(f"cl_conflict_{c.code}", rule=c.rule, question=c.question)
            out.append(ft.Text(text, key=f"cl-conflict-{n}", color=ft.Colors.RED_800))
        out.append(ft.ExpansionTile(title=ft.Text(app.t("cl_details")), key="cl-conflict-details",
                                    controls=[ft.Text("\n".join(c.raw for c in check.conflicts),
                                                      size=12)]))
        return out

    def _ask_publish(self, check: DraftCheck) -> None:
        app = self.app
        title = _title(self.draft.content, app.lang)

        async def cancel(_e: Any = None) -> None:
            app.page.pop_dialog()

        async def confirm(_e: Any = None) -> None:
            app.page.pop_dialog()
            try:
                done = await api.publish_draft(app.client, self.draft_id)
            except OfficeError as exc:
                self.status.value, self.status.color = app.error_text(exc), ft.Colors.RED_800
                app.page.update()
                return
            await app.show(ChecklistsScreen(app).render)
            app.say(app.t("cl_published", version=done.version, title=title))

        app.page.show_dialog(ft.AlertDialog(
            key="cl-publish-dialog", modal=True, title=ft.Text(app.t("cl_publish_title")),
            content=ft.Text(app.t("cl_publish_text", version=check.next_version, title=title), key="cl-publish-text"),
            actions=[tagged(ft.OutlinedButton(content=app.t("cancel"), on_click=cancel, key="cl-publish-cancel",
                                              height=TOUCH), "cl-publish-cancel"),
                     tagged(ft.FilledButton(content=app.t("cl_publish"), on_click=confirm, key="cl-publish-confirm",
                                            height=TOUCH), "cl-publish-confirm")]))

    async def _ask_delete(self, _e: Any = None) -> None:
        app = self.app
        title = _title(self.draft.content, app.lang)

        async def cancel(_e: Any = None) -> None:
            app.page.pop_dialog()

        async def confirm(_e: Any = None) -> None:
            app.page.pop_dialog()
            try:
                await api.delete_draft(app.client, self.draft_id)
            except OfficeError as exc:
                self.status.value, self.status.color = app.error_text(exc), ft.Colors.RED_800
                app.page.update()
                return
            await app.show(ChecklistsScreen(app).render)
            app.say(app.t("cl_deleted"))

        app.page.show_dialog(ft.AlertDialog(
            key="cl-delete-dialog", modal=True, title=ft.Text(app.t("cl_delete_title")),
            content=ft.Text(app.t("cl_delete_text", title=title), key="cl-delete-text"),
            actions=[tagged(ft.OutlinedButton(content=app.t("cancel"), on_click=cancel, key="cl-delete-cancel",
                                              height=TOUCH), "cl-delete-cancel"),
                     tagged(ft.FilledButton(content=app.t("confirm"), on_click=confirm, key="cl-delete-confirm",
                                            height=TOUCH), "cl-delete-confirm")]))
