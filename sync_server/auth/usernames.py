"""One normalisation of a username, for the lookup, the login throttle, the audit trail and a new user alike.

Why one: the lookup used to strip spaces and lowercase, the throttle only lowercased, so ``"inspecteur2 "`` and
``"\\tinspecteur2"`` each got fresh guesses during a lockout while logging in as the same account. Now every path
calls ``normalise``: Unicode NFKC (a fullwidth ``ｉｎｓｐｅｃｔｅｕｒ２`` is ``inspecteur2``), surrounding whitespace
stripped, case folded (``INSPECTEUR2``, ``Inspecteur2``), and a name that still holds a control, format, private-use
or unassigned character (``"insp\\tecteur2"``, a zero-width space) is no name at all.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 100
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def normalise(raw: str) -> str | None:
    """The canonical form of a username, or None when ``raw`` cannot be one."""
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).strip().casefold()).strip()
    if not name or len(name) > MAX_LENGTH:
        return None
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        return None
    return name
