"""An emoji font for the apps in the browser (Flet web, issue 14).

Flutter's web engine draws text itself. A character none of its fonts has (an emoji in a comment, a note, a typed
identifier) makes it fetch one of Google's *Noto Color Emoji* parts; served without a CDN (``no_cdn=True``, as
both apps are) it asks the app's own server for ``assets/fonts/notocoloremoji/<version>/<part>.woff2``. Flet ships
none of them, so every frame asked again (1,124 requests for one page) and the emoji showed as boxes.

``install(folder)`` puts an emoji font under every such path into ``folder``, the ``assets_dir`` the app is served
with (Flet looks a file up there after its own web folder's patched files). The font is *Noto Emoji* (Google,
SIL Open Font License 1.1, ``assets/fonts/NotoEmoji-OFL.txt``; the ``emoji`` subset of ``@fontsource/noto-emoji``
5.3.2, weight 400): all emoji in one file of 0.47 MB, drawn in one colour like the text. Flutter registers the
first part it fetches, and since that file holds every emoji, later emoji need no further fetch. The colour font
would be 5.8 MB for every browser; the one-colour font is the reasonable price for a few emoji in comments. The part
names are read from the installed Flet web client, so a Flet upgrade that moves them is followed (a test checks
that some are found).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path

EMOJI_FONT_NAME = "NotoEmoji-Regular.woff2"
_PART = re.compile(r"notocoloremoji/[A-Za-z0-9_./-]+?\.woff2")


def emoji_font() -> Path:
    """The emoji font file: the repository's ``assets/fonts`` or the installed server's copy of it."""
    root = Path(__file__).resolve().parents[2]
    for folder in (root / "assets" / "fonts", root / "sync_server" / "_assets" / "fonts"):
        if (folder / EMOJI_FONT_NAME).is_file():
            return folder / EMOJI_FONT_NAME
    raise FileNotFoundError(f"{EMOJI_FONT_NAME} not found under assets/fonts")


@functools.cache
def emoji_parts() -> tuple[str, ...]:
    """The paths (below ``assets/fonts/``) at which Flet's web client looks for Noto Color Emoji."""
    import flet_web  # type: ignore[import-untyped]

    web = Path(flet_web.__file__).parent / "web"
    found: set[str] = set()
    for script in ("main.dart.js", "main.dart.mjs"):
        if (web / script).is_file():
            found.update(_PART.findall((web / script).read_text(encoding="utf-8", errors="replace")))
    return tuple(sorted(found))


def install(folder: str | Path) -> str:
    """Put the emoji font at every path Flutter asks for into ``folder`` (the app's ``assets_dir``); returns it.

    Copies or hard links, never symlinks: the static file server refuses a link that points out of its folder."""
    font = emoji_font()
    for part in emoji_parts():
        target = Path(folder) / "assets" / "fonts" / part
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(font, target)
        except OSError:  # another file system: a copy (12 x 0.47 MB)
            shutil.copyfile(font, target)
    return str(folder)
