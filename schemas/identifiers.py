"""Identifiers that link controls (a phone number, an advertisement, a landlord, an uitzendbureau, a vehicle).

One normaliser and one validator for the tablet and the server: the tablet checks an identifier with ``problem``,
the same rule the server applies before it keys the hash (``sync_server.links.service.add``), so a value the server
would refuse never enters the outbox, and a value it refused anyway (an older tablet's queue, a rule made stricter
later) is refused with the same code the tablet translates. No other module keeps a copy of these rules. The server
never stores the value itself: only an HMAC of ``normalise(kind, value)`` and the masked ``hint``.
"""

from __future__ import annotations

import re
from enum import StrEnum


class IdentifierKind(StrEnum):
    PHONE = "phone"
    URL = "url"
    INTERMEDIARY = "intermediary"
    LANDLORD = "landlord"
    UITZENDBUREAU = "uitzendbureau"
    VEHICLE = "vehicle"


def normalise(kind: IdentifierKind, value: str) -> str:
    """The canonical form of ``value``; "" when nothing meaningful is left."""
    text = " ".join(value.split()).casefold()
    if kind is IdentifierKind.PHONE:
        digits = re.sub(r"\D", "", text)
        if text.startswith("+") or digits.startswith("00"):
            digits = digits.removeprefix("00")
            return "+" + digits if not digits.startswith("31") else "0" + digits[2:]
        return digits
    if kind is IdentifierKind.URL:
        text = re.sub(r"^[a-z]+://", "", text).removeprefix("www.")
        return text.split("#", 1)[0].rstrip("/")
    if kind is IdentifierKind.UITZENDBUREAU:
        return re.sub(r"\D", "", text)
    if kind is IdentifierKind.VEHICLE:
        return re.sub(r"[^0-9a-z]", "", text).upper()
    return re.sub(r"[^\w ]", "", text).strip()


MAX_LENGTH = 500
"""The longest value (surrounding whitespace removed) the tablet records and the server hashes."""

PHONE_DIGITS = (6, 15)  # fewer is no phone number that links anything; more is beyond E.164
KVK_DIGITS = (8, 12)  # a KvK number; a vestigingsnummer (branch number) has 12
PLATE_LENGTH = (2, 10)  # letters and digits of a Dutch or foreign licence plate

PROBLEMS = ("identifier_empty", "identifier_too_long", "identifier_phone_invalid", "identifier_kvk_invalid",
            "identifier_plate_invalid", "identifier_url_invalid")
"""Every code ``problem`` returns: the tablet's message keys and the server's rejection codes alike."""


def problem(kind: IdentifierKind, value: str) -> str | None:
    """Why ``value`` is no identifier of ``kind`` (one of ``PROBLEMS``), or None when it can be recorded.

    Too long; nothing usable after normalising (no digits in a phone or KvK number, no letter or digit in a name);
    a phone number of fewer than 6 or more than 15 digits; a KvK number that is not 8 digits (or a 12-digit
    vestigingsnummer); a plate of fewer than 2 or more than 10 letters and digits; an advertisement address with a
    space in it (a description rather than the address)."""
    text = value.strip()
    if len(text) > MAX_LENGTH:
        return "identifier_too_long"
    canonical = normalise(kind, text)
    if not canonical:
        return "identifier_empty"
    if kind is IdentifierKind.PHONE:
        digits = len(canonical.removeprefix("+"))
        return None if PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1] else "identifier_phone_invalid"
    if kind is IdentifierKind.UITZENDBUREAU:
        return None if len(canonical) in KVK_DIGITS else "identifier_kvk_invalid"
    if kind is IdentifierKind.VEHICLE:
        return None if PLATE_LENGTH[0] <= len(canonical) <= PLATE_LENGTH[1] else "identifier_plate_invalid"
    if kind is IdentifierKind.URL:
        return "identifier_url_invalid" if " " in canonical else None
    return None


MASK = "••••••"
"""The masked part of a hint: always six dots, so a hint does not tell the length either."""


def hint(kind: IdentifierKind, canonical: str) -> str:
    """A masked form for screens: the kind of value it is, never enough to narrow a guess down.

    A phone number shows its first two characters (``06••••••``: a mobile number; ``+4••••••``: a foreign
    one), anything else its first character; a value of at most four characters (five for a phone number)
    shows nothing. Every character shown divides the work of someone who holds the HMAC key and guesses values
    by ten or more (``06••••••78`` left 10⁶ phone numbers, found in seconds): docs/SECURITY.md, "Linking
    identifiers". An uitzendbureau's KvK number is a public register number and is shown whole."""
    if kind is IdentifierKind.UITZENDBUREAU:
        return canonical
    shown = 2 if kind is IdentifierKind.PHONE else 1
    return canonical[:shown] + MASK if len(canonical) > shown + 3 else MASK
