"""``inspectie-app``: run the inspector's Flet app, as a desktop window or served to a browser.

The service (local SQLite store + sync client) is built once per process and syncs in the background;
every Flet session (window or browser tab) uses it through ``make_inspector_main``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from inspectie_app.config import AppSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8550


def build_parser(settings: AppSettings | None = None) -> argparse.ArgumentParser:
    """The command line; its defaults are the app's settings (``INSPECTIE_APP_*``, ``inspectie_app.config``)."""
    settings = settings or AppSettings()
    p = argparse.ArgumentParser(
        prog="inspectie-app",
        description="Inspectie: offline field inspections for the interventieteam ondermijning (inspector app).",
        epilog="The local store is encrypted (docs/SECURITY.md). Its key is kept in the system keyring where one is "
               "available, else in <data-dir>/inspectie.db.key (0600); INSPECTIE_APP_KEY_STORE=auto|keyring|file "
               "chooses. Sent changes are deleted once the server acknowledged them "
               "(INSPECTIE_APP_OUTBOX_HISTORY_DAYS keeps them longer, to re-send to a server restored from a "
               "backup); full-size photos INSPECTIE_APP_PHOTO_PURGE_DAYS (default 7) after the server has them; a "
               "finished control the server holds in full INSPECTIE_APP_CONTROL_KEEP_DAYS (default 14) after it "
               "was finished (drafts, unsynced work and open conflicts always stay). Every option's default comes from "
               "its INSPECTIE_APP_* setting (INSPECTIE_APP_SERVER_URL, INSPECTIE_APP_DATA_DIR, "
               "INSPECTIE_APP_SYNC_INTERVAL; also INSPECTIE_APP_REQUEST_TIMEOUT, INSPECTIE_APP_PHOTO_LONG_EDGE, "
               "INSPECTIE_APP_DEVICE_NAME); the data folder defaults to the platform's app-data folder.",
    )
    p.add_argument("--server", default=settings.server_url,
                   help=f"sync server base URL (default {settings.server_url})")
    p.add_argument("--data-dir", default=settings.data_dir, type=Path,
                   help=f"folder for the local database and photos (default {settings.data_dir})")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"web mode: address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", default=DEFAULT_PORT, type=int, help=f"web mode: port (default {DEFAULT_PORT})")
    p.add_argument("--web", action="store_true",
                   help="serve the app to a browser instead of opening a window (the default when there is no "
                        "display or Flet's desktop client is not available); FLET_WEB_RENDERER is respected")
    p.add_argument("--sync-interval", default=settings.sync_interval, type=float,
                   help=f"seconds between background syncs (default {settings.sync_interval:g})")
    return p


def desktop_available() -> bool:
    """A window needs a display (on Linux) and the flet-desktop package."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    return importlib.util.find_spec("flet_desktop") is not None


def main(argv: Sequence[str] | None = None) -> int:
    from inspectie_app.tablet import SettingsProblem, build_main, load_settings

    try:
        settings = load_settings()  # INSPECTIE_APP_* and the settings file: every setting is honoured
    except SettingsProblem as problem:
        print(f"error: the app's settings are wrong: {problem}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)  # the command line overrides three of them
    import flet as ft

    app_main = build_main(settings, data_dir=args.data_dir, server_url=args.server, sync_interval=args.sync_interval)
    if args.web or not desktop_available():
        print(f"Inspectie app: http://{args.host}:{args.port}/ (server {args.server}, data {args.data_dir})")
        from inspectie_app.ui import web_fonts  # emoji: a local font instead of 404s on every frame
        from inspectie_app.ui.web_page import index_dir  # <html lang="nl">, following the user's language

        ft.run(app_main, view=ft.AppView.WEB_BROWSER, host=args.host, port=args.port, no_cdn=True,
               assets_dir=web_fonts.install(index_dir()))
    else:
        ft.run(app_main)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
