"""The web page both apps are served in, with its language set (WCAG 2.1 SC 3.1.1, 3.1.2).

Flet's ``index.html`` has a bare ``<html>``, and Flutter never sets ``lang``. ``index_dir()`` writes a copy of the
installed flet-web ``index.html`` with ``<html lang="nl">`` and a small script that follows the language the user
chooses: the apps tag their header ``page-lang-<lang>`` (``theme.language_marker``), and the script copies that into
``<html lang>`` whenever Flutter's semantics tree changes. Pass the folder as the Flet ``assets_dir``: Flet takes
``index.html`` from there and everything else from its own web folder.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

DEFAULT_LANG = "nl"

FOLLOW_LANGUAGE = """
  <script>
    // Inspectie: the lang attribute of the page follows the language the user chose (see theme.language_marker).
    (function () {
      var prefix = "page-lang-";
      function follow() {
        var marker = document.querySelector('[flt-semantics-identifier^="' + prefix + '"]');
        if (!marker) return;
        var lang = marker.getAttribute("flt-semantics-identifier").slice(prefix.length);
        if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
      }
      new MutationObserver(follow).observe(document.documentElement, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["flt-semantics-identifier"]
      });
    })();
  </script>
"""


def patched_index(html: str, lang: str = DEFAULT_LANG) -> str:
    """Flet's ``index.html`` with ``lang`` on ``<html>`` and the language-following script before ``</head>``."""
    html, found = re.subn(r"<html\b[^>]*>", f'<html lang="{lang}">', html, count=1, flags=re.IGNORECASE)
    if not found:
        raise ValueError("index.html has no <html> element")
    if "</head>" not in html:
        raise ValueError("index.html has no </head>")
    return html.replace("</head>", FOLLOW_LANGUAGE + "</head>", 1)


def flet_index_html() -> Path:
    import flet_web  # type: ignore[import-untyped]

    return Path(flet_web.__file__).parent / "web" / "index.html"


@functools.cache
def index_dir() -> str:
    """A folder (made once per process, removed at exit) holding the patched ``index.html``."""
    folder = Path(tempfile.mkdtemp(prefix="inspectie-web-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "index.html").write_text(patched_index(flet_index_html().read_text(encoding="utf-8")),
                                       encoding="utf-8")
    return str(folder)
