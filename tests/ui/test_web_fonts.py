"""The emoji font both apps serve in the browser (issue 14, ``inspectie_app.ui.web_fonts``): found at every path
the installed Flet web client asks for Noto Color Emoji, as real files (the static server refuses symlinks out of
its folder), the licence beside the font. The browser test ``tests/e2e/test_identifier_fix_browser.py`` proves
that both apps draw emoji with it and ask for each part once."""

from __future__ import annotations

from pathlib import Path

from inspectie_app.ui import web_fonts


def test_every_emoji_part_flet_asks_for_is_served(tmp_path: Path) -> None:
    parts = web_fonts.emoji_parts()
    assert parts and all(p.startswith("notocoloremoji/") and p.endswith(".woff2") for p in parts)
    font = web_fonts.emoji_font()
    assert font.stat().st_size < 1_000_000  # the one-colour font: every browser downloads it once
    assert (font.parent / "NotoEmoji-OFL.txt").read_text(encoding="utf-8").startswith("Copyright 2013 Google LLC")
    assert web_fonts.install(tmp_path) == str(tmp_path)
    assert web_fonts.install(tmp_path) == str(tmp_path)  # again: nothing to do, nothing broken
    for part in parts:
        served = tmp_path / "assets" / "fonts" / part
        assert served.is_file() and not served.is_symlink()
        assert served.read_bytes()[:4] == b"wOF2" and served.stat().st_size == font.stat().st_size
