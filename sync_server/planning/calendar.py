"""The schedule as iCalendar (RFC 5545) for the team's agendas: one VEVENT per planned control, in
Europe/Amsterdam wall-clock time with its VTIMEZONE; controls without a time are all-day events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from schemas.records import PlannedControlRead
from schemas.texts import has_key, t
from sync_server.establishments.service import AMSTERDAM

PRODID = "-//Gemeente Arnhem//Inspectie planning//NL"
UID_DOMAIN = "inspectie.arnhem.invalid"


def to_ics(controls: list[PlannedControlRead], *, now: datetime | None = None) -> bytes:
    """The calendar file for ``controls``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("ics_calendar_name"))
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    stamp = now or datetime.now(UTC)
    for control in controls:
        cal.add_component(_event(control, stamp))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _event(c: PlannedControlRead, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{c.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    if c.start_time is None:
        event.add("dtstart", c.scheduled_on)
        event.add("dtend", c.scheduled_on + timedelta(days=1))
    else:
        start = datetime.combine(c.scheduled_on, c.start_time, tzinfo=AMSTERDAM)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=c.duration_minutes))
    where = c.establishment_name or c.address.one_line()
    event.add("summary", t("ics_summary", control_type=_word(f"type_{c.control_type}", c.control_type), where=where))
    event.add("location", c.address.one_line())
    lines = []
    if c.inspector_names:
        lines.append(t("ics_inspectors", names=", ".join(c.inspector_names)))
    if c.partners:
        lines.append(t("ics_partners", names=", ".join(_word(f"pl_partner_{p}", p) for p in c.partners)))
    if c.briefing:
        lines.append(t("ics_briefing", text=c.briefing))
    if lines:
        event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if c.status == "cancelled" else "CONFIRMED")
    return event


def _word(key: str, code: str) -> str:
    """The catalogue's word for a control type or partner (schemas.texts), the code itself for one it lacks."""
    return t(key) if has_key(key) else code
