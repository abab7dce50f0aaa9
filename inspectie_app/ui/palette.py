"""Every colour a person reads text on, in one place (WCAG 2.1 AA, SC 1.4.3 and 1.4.11).

Each text colour is listed with every background the apps show it on (``TEXT_PAIRS``); the unit test
``tests/ui/test_palette_contrast.py`` computes the contrast ratio of each pair (≥ 4.5:1 for text, ≥ 3:1 for the focus
ring and other non-text indicators) and checks that every ``ft.Colors`` name a screen still uses for text is one of
``NAMED_TEXT`` below. A new text colour, or an old one on a new background, is added here first.

Values are ``#RRGGBB`` strings (Flet takes them as colours). ``ft.Colors`` names that screens use for text map to
the Material hex value the client paints (``NAMED_TEXT``).
"""

from __future__ import annotations

WHITE = "#FFFFFF"
BLACK = "#000000"

# --- backgrounds --------------------------------------------------------------------------------------------
PAGE = "#FFFFFF"            # the page (set on both apps by ``theme.apply``)
CARD = "#F3F4F8"            # cards (set as the theme's card colour by ``theme.apply``)
PANEL_NEUTRAL = "#F5F5F5"   # grey 50/100: explanation, Kenmerken panel
PANEL_INFO = "#E3F2FD"      # blue 50: the signal panel
PANEL_WARN = "#FFF8E1"      # amber 50: conflicts
PANEL_ERROR = "#FFEBEE"     # red 50: the urgent guidance, an overdue signal
PANEL_SYNC = "#ECEFF1"      # blue grey 50: the sync bar, office corrections
PLAN_DONE = "#C8E6C9"       # green 100: a target met, a finished planned control
PLAN_OPEN = "#FFF3E0"       # orange 50: a target not met yet
PLAN_BUSY = "#FFECB3"       # amber 100: a control in progress
PLAN_CANCELLED = "#E0E0E0"  # grey 300: a cancelled control, "no level"

# --- text ---------------------------------------------------------------------------------------------------
TEXT = "#1A1C1E"            # Material 3 on-surface: ordinary text
MUTED = "#616161"           # grey 700: help texts under a question
ERROR = "#C62828"           # red 800: errors and refusals
WARNING = "#A84300"         # burnt orange: unverified signals, sync conflicts (orange 900 was 3.79:1)
SUCCESS = "#2E7D32"         # green 800: "all verified", saved
NOTE = "#512DA8"            # deep purple 700: a level that moved with a new catalogue

# --- non-text ------------------------------------------------------------------------------------------------
FOCUS = "#1A56DB"           # the keyboard focus ring (SC 2.4.7, 1.4.11: ≥ 3:1 against what surrounds it)
FOCUS_OVERLAY_ALPHA = 0.8   # radio and checkbox show focus as a disc of FOCUS at this opacity

# level badges: (background, text). Colour is never the only carrier: the badge says the level in words.
LEVEL_COLOURS: dict[int | None, tuple[str, str]] = {
    None: (PLAN_CANCELLED, BLACK),
    0: ("#2E7D32", WHITE),     # green 800 (green 700 was 4.12:1)
    1: ("#FFD54F", BLACK),     # amber 300
    2: ("#A84300", WHITE),     # burnt orange (orange 800 was 3.08:1)
    3: ("#C62828", WHITE),     # red 800
}

# ``ft.Colors`` names still used for text in the screens, and the hex the client paints for them
NAMED_TEXT: dict[str, str] = {
    "RED_800": ERROR,
    "GREEN_800": SUCCESS,
    "GREY_700": MUTED,
    "DEEP_PURPLE_700": NOTE,
    "WHITE": WHITE,
    "BLACK": BLACK,
}

# ``ft.Colors`` names used for lines and a chart's base bar: never text, never the only carrier of a meaning
NAMED_DECORATION = {"GREY_300", "GREY_400"}

_GENERAL_BACKGROUNDS = {"page": PAGE, "card": CARD, "neutral panel": PANEL_NEUTRAL, "signal panel": PANEL_INFO,
                        "conflict panel": PANEL_WARN, "overdue row": PANEL_ERROR, "sync bar": PANEL_SYNC}

# (what, text colour, background): every pair a person reads
TEXT_PAIRS: list[tuple[str, str, str]] = [
    *[(f"text on {name}", TEXT, bg) for name, bg in _GENERAL_BACKGROUNDS.items()],
    *[(f"text on planner {name}", TEXT, bg) for name, bg in
      {"done": PLAN_DONE, "open": PLAN_OPEN, "busy": PLAN_BUSY, "cancelled": PLAN_CANCELLED}.items()],
    *[(f"error on {name}", ERROR, bg) for name, bg in _GENERAL_BACKGROUNDS.items()],
    *[(f"warning on {name}", WARNING, bg) for name, bg in _GENERAL_BACKGROUNDS.items()],
    ("success on page", SUCCESS, PAGE), ("success on card", SUCCESS, CARD),
    ("help text on page", MUTED, PAGE), ("help text on card", MUTED, CARD),
    ("level change on page", NOTE, PAGE), ("level change on card", NOTE, CARD),
    ("urgent guidance", WHITE, ERROR),
    *[(f"level badge {level}", fg, bg) for level, (bg, fg) in LEVEL_COLOURS.items()],
]

# (what, colour, background): focus ring and state indicators, ≥ 3:1
NON_TEXT_PAIRS: list[tuple[str, str, str]] = [
    *[(f"focus ring on {name}", FOCUS, bg) for name, bg in _GENERAL_BACKGROUNDS.items()],
]


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#RRGGBB``."""
    value = colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def blend(colour: str, alpha: float, background: str) -> str:
    """``colour`` at ``alpha`` opacity painted over ``background``."""
    fg, bg = colour.lstrip("#"), background.lstrip("#")
    mixed = [round(alpha * int(fg[i:i + 2], 16) + (1 - alpha) * int(bg[i:i + 2], 16)) for i in (0, 2, 4)]
    return "#" + "".join(f"{c:02X}" for c in mixed)


NON_TEXT_PAIRS += [(f"radio/checkbox focus disc on {name}", blend(FOCUS, FOCUS_OVERLAY_ALPHA, bg), bg)
                   for name, bg in _GENERAL_BACKGROUNDS.items()]
