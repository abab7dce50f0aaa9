"""The team lead's follow-up of one control: verify each signal, refer, comment to the inspector, the
control's history and its linked controls. Ketenregisseurs see the same panel without the forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.i18n import fmt_date, fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.widgets import TOUCH, heading, level_text, tagged
from schemas.review import Partner, ReviewState, SignalState, Verdict

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp


class ReviewPanel:
    def __init__(self, app: OfficeApp, inspection_id: UUID, state: ReviewState) -> None:
        self.app = app
        self.id = inspection_id
        self.state = state
        self.can_act = app.client.user is not None and app.client.user.role == "teamleider"
        self.message = ft.Text("", key="review-message", visible=False)
        self.partner = ft.Dropdown(key="referral-partner", width=300)
        self.referral_note = ft.TextField(key="referral-note", multiline=True, min_lines=1, width=520)
        self.comment = ft.TextField(key="comment-body", multiline=True, min_lines=2, width=640)

    def controls(self) -> list[ft.Control]:
        app = self.app
        parts: list[ft.Control] = [heading(app.t("review_panel_title")), self.message]
        parts += [self._signal(s) for s in self.state.signals] or [ft.Text(app.t("no_signals"), key="no-signals")]
        if not self.can_act:
            parts.append(ft.Text(app.t("team_lead_only"), italic=True, size=12))
        parts += self._referrals()
        parts += self._comments()
        parts += self._linked()
        parts += self._history()
        return [ft.Container(ft.Column(parts, spacing=8), key="review-panel", padding=12,
                             border=ft.Border.all(1, ft.Colors.GREY_400), border_radius=ft.BorderRadius.all(8))]

    # --- signals --------------------------------------------------------------------------------
    def _signal(self, s: SignalState) -> ft.Control:
        app = self.app
        label = app.t("premises") if s.subject_id == "premises" else s.label
        if s.verdict is None:
            state = ft.Text(app.t("signal_state_open", days=s.age_days), key=f"signal-state-{s.subject_id}",
                            weight=ft.FontWeight.BOLD, color=ft.Colors.RED_800 if s.overdue else ft.Colors.ORANGE_900)
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
            lines.append(self._verify_form(s.subject_id))
        return ft.Container(ft.Column(lines, spacing=4), padding=ft.Padding.only(left=8))

    def _verify_form(self, subject_id: str) -> ft.Control:
        app = self.app
        verdict = ft.Dropdown(key=f"verdict-{subject_id}", label=app.t("verdict_label"), width=260,
                              options=[ft.DropdownOption(key=v.value, text=app.t(f"verdict_{v.value}"))
                                       for v in Verdict])
        reason = ft.TextField(key=f"reason-{subject_id}", label=app.t("reason_label"), width=520)

        async def save(_e: Any = None) -> None:
            text = (reason.value or "").strip()
            if not verdict.value or not text:
                self.say(app.t("verify_missing"), error=True)
                return
            await self._act(app.client.verify(self.id, subject_id, Verdict(verdict.value), text), "verified_ok")

        button = ft.FilledButton(content=app.t("verify_button"), on_click=save, key=f"verify-{subject_id}",
                                 height=TOUCH)
        return ft.Row([tagged(verdict, f"verdict-{subject_id}"), tagged(reason, f"reason-{subject_id}"),
                       tagged(button, f"verify-{subject_id}")], wrap=True)

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
        await self._act(app.client.refer(self.id, Partner(self.partner.value), note), "referred_ok")

    async def _comment(self, _e: Any = None) -> None:
        app = self.app
        body = (self.comment.value or "").strip()
        if not body:
            self.say(app.t("comment_missing"), error=True)
            return
        await self._act(app.client.comment(self.id, body), "commented_ok")

    async def _act(self, call: Any, done_key: str) -> None:
        app = self.app
        try:
            await call
        except OfficeError as exc:
            self.say(app.error_text(exc), error=True)
            return
        await app.show_detail(self.id)
        app.say(app.t(done_key))

    def say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.visible = True
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.app.page.update()
