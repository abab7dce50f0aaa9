"""WCAG 2.1 AA contrast, computed: every text/background pair of ``inspectie_app.ui.palette`` reaches 4.5:1
(SC 1.4.3), the focus ring and other indicators 3:1 (SC 1.4.11); the level badges take their colours from the
palette; and no screen paints text in an ``ft.Colors`` colour the palette does not know."""

from __future__ import annotations

import re
from pathlib import Path

import flet as ft
import pytest

from inspectie_app.ui import palette, widgets
from inspectie_app.ui.palette import contrast_ratio

UI = Path(__file__).resolve().parents[2] / "inspectie_app" / "ui"


def test_the_formula_matches_known_ratios() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the known AA grey
    # the failures the audit found: Material orange 800 and green 700 under white, orange 900 on white
    assert contrast_ratio("#EF6C00", "#FFFFFF") == pytest.approx(3.08, abs=0.01)
    assert contrast_ratio("#388E3C", "#FFFFFF") == pytest.approx(4.12, abs=0.01)
    assert contrast_ratio("#E65100", "#FFFFFF") == pytest.approx(3.79, abs=0.01)


@pytest.mark.parametrize(("what", "fg", "bg"), palette.TEXT_PAIRS, ids=[p[0] for p in palette.TEXT_PAIRS])
def test_text_reaches_4_5_to_1(what: str, fg: str, bg: str) -> None:
    assert contrast_ratio(fg, bg) >= 4.5, f"{what}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1"


@pytest.mark.parametrize(("what", "fg", "bg"), palette.NON_TEXT_PAIRS, ids=[p[0] for p in palette.NON_TEXT_PAIRS])
def test_focus_and_indicators_reach_3_to_1(what: str, fg: str, bg: str) -> None:
    assert contrast_ratio(fg, bg) >= 3.0, f"{what}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1"


def test_every_level_badge_is_a_checked_pair() -> None:
    assert widgets.LEVEL_COLOURS == palette.LEVEL_COLOURS
    badges = {(fg, bg) for what, fg, bg in palette.TEXT_PAIRS if what.startswith("level badge")}
    assert badges == {(fg, bg) for bg, fg in palette.LEVEL_COLOURS.values()}


def test_the_level_badge_paints_the_palette_colours() -> None:
    badge = widgets.level_badge(2, "nl")
    assert isinstance(badge, ft.Semantics) and badge.label  # says the level in words, not only by colour
    box = badge.content
    assert isinstance(box, ft.Container) and isinstance(box.content, ft.Text)
    assert (box.bgcolor, box.content.color) == palette.LEVEL_COLOURS[2]


def test_named_text_colours_are_checked_on_page_and_card() -> None:
    checked = {(fg, bg) for _, fg, bg in palette.TEXT_PAIRS}
    for name, hex_value in palette.NAMED_TEXT.items():
        if name in ("WHITE", "BLACK"):
            assert any(fg == hex_value for fg, _ in checked), name
            continue
        assert (hex_value, palette.PAGE) in checked and (hex_value, palette.CARD) in checked, name


COLOUR_ARGUMENT = re.compile(r"\bcolor=([^,)\n]*)")
MATERIAL_NAME = re.compile(r"ft\.Colors\.([A-Z_0-9]+)")


def test_no_screen_paints_text_in_an_unchecked_colour() -> None:
    """A ``color=`` named with ``ft.Colors`` must be one the palette checks (or be a palette constant)."""
    allowed = set(palette.NAMED_TEXT) | set(palette.NAMED_DECORATION)
    unknown = []
    for path in sorted(UI.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for argument in COLOUR_ARGUMENT.findall(line):
                unknown += [f"{path.relative_to(UI)}:{number}: ft.Colors.{name}"
                            for name in MATERIAL_NAME.findall(argument) if name not in allowed]
    assert not unknown, "colours the palette does not check:\n" + "\n".join(unknown)


def test_the_palette_names_match_the_material_colours_they_stand_for() -> None:
    """``NAMED_TEXT`` holds the hex the Flutter client paints for each Material name (from the Material palette)."""
    material = {"RED_800": "#C62828", "GREEN_800": "#2E7D32", "GREY_700": "#616161", "DEEP_PURPLE_700": "#512DA8",
                "WHITE": "#FFFFFF", "BLACK": "#000000"}
    assert material == palette.NAMED_TEXT
