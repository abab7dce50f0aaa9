"""Identifiers that link controls (a phone number, an advertisement, a landlord, an uitzendbureau, a vehicle).

One normaliser for the tablet and the server: the tablet checks an identifier with the same rule the server
applies before it keys the hash, so a value the server would refuse never enters the outbox. The server never
stores the value itself: only an HMAC of ``normalise(kind, value)`` and the masked ``hint``.
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
