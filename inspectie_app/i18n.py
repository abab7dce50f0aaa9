"""The apps' words and dates: ``t`` from the one text catalogue (``schemas.texts``, shared with the server) and
dates as a Dutch reader writes them (dd-mm-jjjj, Europe/Amsterdam).

``AppError.code`` values from ``inspectie_app.contract`` and the sync status keys are keys of the catalogue, so a
view turns any failure into words with ``t(code, lang)``. Dutch is the default language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from schemas.texts import CATALOGUE, EN, LANGUAGES, NL, has_key, t

__all__ = ["CATALOGUE", "EN", "LANGUAGES", "NL", "fmt_date", "fmt_datetime", "has_key", "parse_date", "t", "to_local"]

TZ = ZoneInfo("Europe/Amsterdam")


def fmt_date(value: date | None) -> str:
    """dd-mm-jjjj; a datetime is first converted to Europe/Amsterdam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d-%m-%Y")


def fmt_datetime(value: datetime | None) -> str:
    """dd-mm-jjjj HH:MM in Europe/Amsterdam (naive datetimes are taken as UTC)."""
    if value is None:
        return ""
    return to_local(value).strftime("%d-%m-%Y %H:%M")


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def parse_date(text: str) -> date | None:
    """Parse dd-mm-jjjj (also d-m-jjjj, with / or .) or ISO jjjj-mm-dd; None when it is not a date."""
    text = text.strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        if len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None
    return None
