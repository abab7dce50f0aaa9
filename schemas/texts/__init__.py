"""The one catalogue of every text a person reads, in Dutch (the default) and English: both apps, the server's
error messages and sync rejections, and the labels of the PDF report, the CSV/XLSX exports and the calendar.

Why a Python module and not gettext: the tablet (``flet build``), the office app and the server all import
``schemas/`` already, so one module here needs no compile step (.po to .mo), no extra package on a tablet and no
file to find at run time; keys stay the stable identifiers the code used before (an error code is a key), and
``tests/schemas/test_texts.py`` checks the whole catalogue: every key in both languages, no key unused, the same
placeholders in both, plural forms where a count is shown.

A text is a ``str`` formatted with ``str.format`` or, where it shows a count, a :class:`Plural` whose form is
chosen by that count. Each feature keeps its texts in a module of its own (``NL_<AREA>`` and ``EN_<AREA>``); a key
is defined once. How to add a text: README, "Teksten en vertalingen".
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.texts.a11y import EN_A11Y, NL_A11Y
from schemas.texts.accounts import EN_ACCOUNTS, NL_ACCOUNTS
from schemas.texts.app import EN_APP, NL_APP
from schemas.texts.catalogue import EN_CATALOGUE, NL_CATALOGUE
from schemas.texts.checklists import EN_CHECKLISTS, NL_CHECKLISTS
from schemas.texts.corrections import EN_CORRECTIONS, NL_CORRECTIONS
from schemas.texts.errors import EN_ERRORS, NL_ERRORS
from schemas.texts.identifiers import EN_IDENTIFIERS, NL_IDENTIFIERS
from schemas.texts.planner import EN_PLANNER, NL_PLANNER
from schemas.texts.plural import Message, Plural
from schemas.texts.reports import EN_REPORTS, NL_REPORTS
from schemas.texts.review import EN_REVIEW, NL_REVIEW
from schemas.texts.signals import EN_SIGNALS, NL_SIGNALS

__all__ = ["CATALOGUE", "EN", "LANGUAGES", "NL", "SOURCES", "Plural", "has_key", "pair", "t"]

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Source:
    """One module's texts: its name (for the duplicate check) and its Dutch and English dictionaries."""

    name: str
    nl: dict[str, str] | dict[str, Message]
    en: dict[str, str] | dict[str, Message]


SOURCES: tuple[Source, ...] = (
    Source("app", NL_APP, EN_APP),
    Source("review", NL_REVIEW, EN_REVIEW),
    Source("planner", NL_PLANNER, EN_PLANNER),
    Source("corrections", NL_CORRECTIONS, EN_CORRECTIONS),
    Source("signals", NL_SIGNALS, EN_SIGNALS),
    Source("accounts", NL_ACCOUNTS, EN_ACCOUNTS),
    Source("checklists", NL_CHECKLISTS, EN_CHECKLISTS),
    Source("identifiers", NL_IDENTIFIERS, EN_IDENTIFIERS),
    Source("a11y", NL_A11Y, EN_A11Y),
    Source("catalogue", NL_CATALOGUE, EN_CATALOGUE),
    Source("errors", NL_ERRORS, EN_ERRORS),
    Source("reports", NL_REPORTS, EN_REPORTS),
)


def _merge(lang: str) -> dict[str, Message]:
    merged: dict[str, Message] = {}
    for source in SOURCES:
        merged.update(source.nl if lang == "nl" else source.en)
    return merged


NL: dict[str, Message] = _merge("nl")
EN: dict[str, Message] = _merge("en")
CATALOGUE: dict[str, dict[str, Message]] = {"nl": NL, "en": EN}


def t(key: str, lang: str = "nl", **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (Dutch when the language is unknown), formatted with ``fmt``.

    A :class:`Plural` takes its form from its count argument. An unknown key (e.g. a server error code newer than
    this app) gives the generic message naming it.
    """
    messages = CATALOGUE.get(lang, NL)
    message = messages.get(key)
    if message is None:
        return str(messages["unknown_error"]).format(code=key)
    if isinstance(message, Plural):
        return message.form(fmt).format(**fmt)
    return message.format(**fmt) if fmt else message


def pair(key: str, **fmt: object) -> tuple[str, str]:
    """The Dutch and the English text of ``key`` (an error body carries both)."""
    return t(key, "nl", **fmt), t(key, "en", **fmt)


def has_key(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in NL
