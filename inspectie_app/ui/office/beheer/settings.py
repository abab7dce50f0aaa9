"""The beheerder's "Instellingen": the organisation's retention periods and verification deadline, each with its
bounds stated (a period may be shorter than the server's, never longer; the server's period is the maximum from the
selectielijst), and the last purge with what it removed per kind.

``SettingsDraft`` holds what was typed and checks it against the bounds before anything is sent (the server checks
again: ``retention_above_maximum``); ``period_text``, ``bound_text`` and ``purge_lines`` compute the words. The screen
only draws them and calls ``OfficeClient``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.org_settings import RETENTION_KINDS, OrganisationSettingsRead
from schemas.retention import RetentionRun

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

Translate = Callable[..., str]
VERIFY = "verify_within_days"
PURGE_COUNTS = ("controls_without_signals", "unfounded_signals", "referred", "photos", "photo_files", "audit_entries",
                "kept_open_signals")


def period_text(days: int | None, t: Translate) -> str:
    return t("retention_days", n=days) if days is not None else t("retention_kept")


def bound_text(kind: str, s: OrganisationSettingsRead, t: Translate) -> str:
    """The bound of one kind in words, and what is in force now."""
    maximum = getattr(s.maxima, kind)
    bound = t("retention_bound_max", max=maximum) if maximum is not None else t("retention_bound_none",
                                                                                 max=s.max_days)
    return f"{bound} {t('retention_in_force', value=period_text(getattr(s.in_force, kind), t))}"


def purge_lines(run: RetentionRun, t: Translate) -> list[str]:
    """Whether the server purges daily, and the last purge: when, how started, what it removed per kind."""
    lines = [t("purge_daily_on" if run.daily else "purge_daily_off")]
    if run.last_run_at is None:
        return [*lines, t("purge_never")]
    trigger = t(f"purge_trigger_{run.last_trigger}") if run.last_trigger in ("cli", "daily") else ""
    lines.append(t("purge_last", when=fmt_datetime(run.last_run_at), trigger=trigger))
    return lines + [t(f"purge_count_{k}", n=run.counts.get(k, 0)) for k in PURGE_COUNTS]


@dataclass
class SettingsDraft:
    """What the beheerder typed: days per retention kind (empty: the server's) and the verification deadline."""

    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, s: OrganisationSettingsRead) -> SettingsDraft:
        own = {k: "" if getattr(s.own, k) is None else str(getattr(s.own, k)) for k in RETENTION_KINDS}
        return cls({**own, VERIFY: str(s.verify_within_days)})

    def problems(self, s: OrganisationSettingsRead, t: Translate) -> dict[str, str]:
        """Field -> the message under it; empty when the settings may be saved."""
        found: dict[str, str] = {}
        for kind in RETENTION_KINDS:
            text = self.values.get(kind, "").strip()
            if not text:
                continue
            maximum = getattr(s.maxima, kind)
            if not text.isdigit():
                found[kind] = t("retention_not_a_number")
            elif int(text) < 1:
                found[kind] = t("retention_too_short")
            elif int(text) > (maximum if maximum is not None else s.max_days):
                found[kind] = t("retention_above_max", max=maximum if maximum is not None else s.max_days)
        verify = self.values.get(VERIFY, "").strip()
        if not verify.isdigit() or not s.verify_min_days <= int(verify) <= s.verify_max_days:
            found[VERIFY] = t("settings_verify_range", min=s.verify_min_days, max=s.verify_max_days)
        return found

    def body(self) -> dict[str, Any]:
        """The request body (after ``problems`` found nothing)."""
        retention = {k: int(v) if (v := self.values.get(k, "").strip()) else None for k in RETENTION_KINDS}
        return {"retention": retention, "verify_within_days": int(self.values[VERIFY].strip())}


class SettingsScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.current: OrganisationSettingsRead | None = None
        self.draft: SettingsDraft | None = None
        self.fields: dict[str, ft.TextField] = {}
        self.error = ft.Text("", key="settings-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("settings_title")
        s = self.current = await app.client.org_settings()
        run = await app.client.retention_run()
        draft = self.draft = self.draft or SettingsDraft.of(s)
        self.fields = {k: ft.TextField(key=f"retention-{k}", value=draft.values.get(k, ""), width=420,
                                       label=app.t("retention_days_label", kind=app.t(f"retention_kind_{k}")),
                                       helper=bound_text(k, s, app.t), helper_max_lines=3,
                                       keyboard_type=ft.KeyboardType.NUMBER)
                       for k in RETENTION_KINDS}
        self.fields[VERIFY] = ft.TextField(
            key="settings-verify", value=draft.values.get(VERIFY, ""), width=420, label=app.t("settings_verify_label"),
            helper=app.t("settings_verify_bound", min=s.verify_min_days, max=s.verify_max_days,
                         default=s.verify_default_days), helper_max_lines=3, keyboard_type=ft.KeyboardType.NUMBER)
        updated = (app.t("settings_updated", when=fmt_datetime(s.updated_at), user=s.updated_by)
                   if s.updated_at else app.t("settings_never_updated"))
        save = ft.FilledButton(content=app.t("settings_save"), icon=ft.Icons.SAVE, key="settings-save", height=TOUCH,
                               on_click=self.save)
        app.body.controls = [
            ft.Text(app.t("settings_intro"), key="settings-intro"),
            heading(app.t("settings_retention_heading"), 16),
            *[tagged(self.fields[k], f"retention-{k}") for k in RETENTION_KINDS],
            heading(app.t("settings_verify_heading"), 16),
            tagged(self.fields[VERIFY], "settings-verify"),
            self.error, tagged(save, "settings-save"),
            ft.Text(updated, key="settings-updated"),
            heading(app.t("purge_heading"), 16),
            ft.Column([ft.Text(line, key=f"purge-line-{n}") for n, line in enumerate(purge_lines(run, app.t))],
                      key="purge-last", spacing=4),
        ]

    async def save(self, _e: Any = None) -> None:
        app, s = self.app, self.current
        if s is None:
            return
        self.draft = SettingsDraft({k: str(f.value or "") for k, f in self.fields.items()})
        problems = self.draft.problems(s, app.t)
        for name, control in self.fields.items():
            control.error = problems.get(name)
        if problems:
            self.error.value, self.error.visible = app.t("form_fix"), True
            app.page.update()
            return
        try:
            await app.client.save_org_settings(self.draft.body())
        except OfficeError as exc:
            self.error.value, self.error.visible = app.error_text(exc), True
            app.page.update()
            return
        self.draft = None  # show what the server saved
        self.error.visible = False
        await app.show(self.render)
        app.say(app.t("settings_saved"))
