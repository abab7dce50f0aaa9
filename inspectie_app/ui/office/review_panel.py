"""The team lead's follow-up of one control: verify each signal, refer, comment to the inspector, the
control's history and its linked controls. Ketenregisseurs see the same panel without the forms.

Persons with the same signals (``schemas.signal_groups``) are one group: one verdict and reason can verify the
whole group in one request ("Groep verifiëren"), and each person can still be verified on their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft
from pydantic import ValidationError

from inspectie_app.i18n import fmt_date, fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui import palette
from inspectie_app.ui.widgets import TOUCH, heading, level_text, tagged
from schemas.engine import FlagResult
from schemas.review import Partner, ReviewState, SignalState, Verdict
from schemas.signal_groups import SubjectGroup, group_subjects

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


MAX_REASON = 4000  # as VerificationCreate allows
MAX_NOTE = 4000  # a referral's note and a comment, as ReferralCreate and CommentCreate allow


def signal_groups(flag: FlagResult | None, signals: list[SignalState]
                  ) -> list[tuple[SubjectGroup | None, list[SignalState]]]:
    """The signals grouped as the flag groups its subjects (persons with the same signals), in the flag's order;
    a signal the flag does not name (or no flag) stands alone."""
    by_id = {s.subject_id: s for s in signals}
    out: list[tuple[SubjectGroup | None, list[SignalState]]] = []
    for group in group_subjects(flag) if flag is not None else []:
        members = [by_id.pop(i) for i in group.subject_ids if i in by_id]
        if members:
            out.append((group, members))
    return out + [(None, [s]) for s in by_id.values()]


class ReviewPanel:
    def __init__(self, app: Office, inspection_id: UUID, state: ReviewState, flag: FlagResult | None = None,
                 *, draft: bool = False) -> None:
        self.app = app
        self.id = inspection_id
        self.draft = draft  # not finished: the level is provisional, no signal to verify yet
        self.state = state
        self.flag = flag
        self.can_act = app.client.user is not None and app.client.user.role == "teamleider"
        self.message = ft.Text("", key="review-message", visible=False)
        self.partner = ft.Dropdown(key="referral-partner", width=300)
        self.referral_note = ft.TextField(key="referral-note", multiline=True, min_lines=1, width=520,
                                          max_length=MAX_NOTE)
        self.comment = ft.TextField(key="comment-body", multiline=True, min_lines=2, width=640, max_length=MAX_NOTE)

    def controls(self) -> list[ft.Control]:
        app = self.app
        parts: list[ft.Control] = [heading(app.t("review_panel_title")), self.message]
        if self.draft and not self.state.signals:
            parts.append(ft.Text(app.t("draft_panel"), key="no-signals", italic=True))
        else:
            parts += self._signal_groups() or [ft.Text(app.t("no_signals"), key="no-signals")]
        if not self.can_act:
            parts.append(ft.Text(app.t("team_lead_only"), italic=True, size=12))
        parts += self._referrals()
        parts += self._comments()
        parts += self._linked()
        parts += self._history()
        return [ft.Container(ft.Column(parts, spacing=8), key="review-panel", padding=12,
                             border=ft.Border.all(1, ft.Colors.GREY_400), border_radius=ft.BorderRadius.all(8))]

    # --- signals --------------------------------------------------------------------------------
    def _signal_groups(self) -> list[ft.Control]:
        """The signals in the flag's order: a group of persons with the same signals as one block."""
        out: list[ft.Control] = []
        for group, members in signal_groups(self.flag, self.state.signals):
            if group is None or len(members) == 1:
                out.append(self._signal(members[0]))
            else:
                out.append(self._group(group, members))
        return out

    def _group(self, group: SubjectGroup, members: list[SignalState]) -> ft.Control:
        """The group's state, one form for all, and each person (their own form behind a toggle)."""
        app, key, lang = self.app, group.key, self.app.lang
        verified = sum(1 for s in members if s.verdict is not None)
        title = app.t("group_signal_line", title=group.title.get(lang), level=level_text(group.level, lang))
        lines: list[ft.Control] = [
            ft.Text(title, weight=ft.FontWeight.BOLD, key=f"signal-group-{key}"),
            ft.Text(app.t("group_members", labels=", ".join(s.label for s in members)), size=12),
            ft.Text(app.t("group_state", verified=verified, total=len(members)), key=f"group-state-{key}"),
        ]
        forms: list[ft.Control] = []
        persons = ft.Column([self._signal(s, forms) for s in members], spacing=4, key=f"group-signals-{key}")
        if self.can_act:
            async def toggle(_e: Any = None) -> None:
                for form in forms:
                    form.visible = not form.visible
                app.page.update()

            button = ft.TextButton(content=app.t("group_persons_toggle"), on_click=toggle, key=f"group-persons-{key}",
                                   height=TOUCH)
            lines += [ft.Text(app.t("group_verify_help", n=len(members)), size=12, italic=True),
                      self._verify_form(f"group-{key}", [s.subject_id for s in members]),
                      tagged(button, f"group-persons-{key}")]
        lines.append(persons)
        return ft.Container(ft.Column(lines, spacing=4), padding=ft.Padding.only(left=8),
                            border=ft.Border.only(left=ft.BorderSide(3, ft.Colors.GREY_400)))

    def _signal(self, s: SignalState, hidden_forms: list[ft.Control] | None = None) -> ft.Control:
        app = self.app
        label = app.t("premises") if s.subject_id == "premises" else s.label
        if s.verdict is None:
            state = ft.Text(app.t("signal_state_open", days=s.age_days), key=f"signal-state-{s.subject_id}",
                            weight=ft.FontWeight.BOLD, color=ft.Colors.RED_800 if s.overdue else palette.WARNING)
        else:
            state = ft.Text(app.t("signal_state", verdict=app.t(f"verdict_{s.verdict.value}"), by=s.verified_by,
                                  date=fmt_date(s.verified_at), reason=s.reason),
                            key=f"signal-state-{s.subject_id}",
                            color=ft.Colors.RED_800 if s.overdue else None)
        lines: list[ft.Control] = [
            ft.Text(app.t("signal_line", label=label, level=level_text(s.level, app.lang)),
                    weight=ft.FontWeight.BOLD, key=f"signal-{s.subject_id}"),
            state,
        ]
        if self.can_act:
            form = self._verify_form(s.subject_id)
            if hidden_forms is not None:  # a member of a group: behind "Per persoon beoordelen"
                form.visible = False
                hidden_forms.append(form)
            lines.append(form)
        return ft.Container(ft.Column(lines, spacing=4), padding=ft.Padding.only(left=8))

    def _verify_form(self, name: str, group: list[str] | None = None) -> ft.Control:
        """Verdict, reason and button for one signal (``name`` = its subject id) or a ``group`` of them."""
        app = self.app
        verdict = ft.Dropdown(key=f"verdict-{name}", label=app.t("verdict_label"), width=260,
                              options=[ft.DropdownOption(key=v.value, text=app.t(f"verdict_{v.value}"))
                                       for v in Verdict])
        reason = ft.TextField(key=f"reason-{name}", label=app.t("reason_label"), width=520, max_length=MAX_REASON)

        async def save(_e: Any = None) -> None:
            text = (reason.value or "").strip()
            if not verdict.value or not text:
                self.say(app.t("verify_missing"), error=True)
                return
            if len(text) > MAX_REASON:
                self.say(app.t("verify_reason_too_long", max=MAX_REASON), error=True)
                return
            if group is None:
                await self._act(app.client.verify(self.id, name, Verdict(verdict.value), text), "verified_ok")
            else:
                await self._act(app.client.verify_group(self.id, group, Verdict(verdict.value), text),
                                "group_verified_ok", n=len(group))

        label = app.t("verify_button" if group is None else "group_verify_button")
        button = ft.FilledButton(content=label, on_click=save, key=f"verify-{name}", height=TOUCH)
        return ft.Row([tagged(verdict, f"verdict-{name}"), tagged(reason, f"reason-{name}"),
                       tagged(button, f"verify-{name}")], wrap=True, key=f"verify-form-{name}")

    # --- referrals and comments -----------------------------------------------------------------
    def _referrals(self) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("partner_label"), size=16)]
        for r in self.state.referrals:
            note = f": {r.note}" if r.note else ""
            out.append(ft.Text(app.t("referral_line", date=fmt_date(r.at), partner=app.t(f"partner_{r.partner.value}"),
                                     by=r.by, note=note), key=f"referral-{r.id}"))
        if self.can_act and self.state.signals:
            self.partner.label = app.t("partner_label")
            self.partner.options = [ft.DropdownOption(key=p.value, text=app.t(f"partner_{p.value}")) for p in Partner]
            self.referral_note.label = app.t("referral_note")
            button = ft.FilledButton(content=app.t("refer_button"), on_click=self._refer, key="refer-button",
                                     height=TOUCH)
            out.append(ft.Row([tagged(self.partner, "referral-partner"), tagged(self.referral_note, "referral-note"),
                               tagged(button, "refer-button")], wrap=True))
        return out

    def _comments(self) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("comments_title"), size=16)]
        out += [ft.Text(app.t("comment_line", date=fmt_datetime(c.created_at), author=c.author_name, body=c.body),
                        key=f"comment-{c.id}") for c in self.state.comments]
        if self.can_act:
            self.comment.label = app.t("comment_label")
            button = ft.FilledButton(content=app.t("comment_button"), on_click=self._comment, key="comment-button",
                                     height=TOUCH)
            out.append(ft.Row([tagged(self.comment, "comment-body"), tagged(button, "comment-button")], wrap=True))
        return out

    def _linked(self) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("linked_title"), size=16)]
        for c in self.state.linked:
            kinds = ", ".join(app.t(f"kind_{k.value}") for k in c.kinds)

            async def open_(_e: Any = None, target: UUID = c.inspection_id) -> None:
                await app.show_detail(target)

            out.append(ft.TextButton(content=app.t("linked_line", date=fmt_date(c.started_at),
                                                   address=c.address.one_line(), kinds=kinds,
                                                   level=level_text(c.level, app.lang)),
                                     on_click=open_, key=f"linked-{c.inspection_id}", height=TOUCH))
        if not self.state.linked:
            out.append(ft.Text(app.t("linked_none"), key="linked-none"))
        return out

    def _history(self) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("history_title"), size=16)]
        rows: list[ft.Control] = [ft.Text(app.t("history_line", date=fmt_datetime(h.at), actor=h.actor,
                              action=app.t(f"action_{h.action}")), size=13) for h in self.state.history]
        out.append(ft.Column(rows, spacing=2, key="history"))
        return out

    # --- acting ---------------------------------------------------------------------------------
    async def _refer(self, _e: Any = None) -> None:
        app = self.app
        if not self.partner.value:
            self.say(app.t("refer_missing"), error=True)
            return
        note = (self.referral_note.value or "").strip()
        if len(note) > MAX_NOTE:
            self.say(app.t("referral_note_too_long", max=MAX_NOTE), error=True)
            return
        await self._act(app.client.refer(self.id, Partner(self.partner.value), note), "referred_ok")

    async def _comment(self, _e: Any = None) -> None:
        app = self.app
        body = (self.comment.value or "").strip()
        if not body:
            self.say(app.t("comment_missing"), error=True)
            return
        if len(body) > MAX_NOTE:
            self.say(app.t("comment_too_long", max=MAX_NOTE), error=True)
            return
        await self._act(app.client.comment(self.id, body), "commented_ok")

    async def _act(self, call: Any, done_key: str, **fmt: object) -> None:
        app = self.app
        try:
            await call
        except OfficeError as exc:
            self.say(app.error_text(exc), error=True)
            return
        except ValidationError:  # input the request model refuses: a Dutch message, never a crashed session
            self.say(app.t("form_invalid"), error=True)
            return
        await app.show_detail(self.id)
        app.say(app.t(done_key, **fmt))

    def say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.visible = True
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.app.page.update()
