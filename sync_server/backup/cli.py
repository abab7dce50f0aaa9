"""``inspectie-server backup DIR`` and ``inspectie-server restore DIR [--force]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sync_server.config import Settings


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.backup.service import BackupError, backup

    try:
        summary = backup(settings, args.dir)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"backup in {args.dir}: {summary.database} database, {summary.photos} photos ({summary.photo_bytes} bytes)")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.backup.service import BackupError, restore

    try:
        summary = restore(settings, args.dir, force=args.force)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"restored from {args.dir}: {summary.database} database, {summary.photos} photos; start the server "
          "(serve migrates the database if the backup is older than this version)")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser("backup", help="back up the database and the photo store into a new folder (online)")
    backup.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup (checksums verified) into an empty server, stopped")
    restore.add_argument("dir", type=Path, metavar="DIR", help="a folder written by inspectie-server backup")
    restore.add_argument("--force", action="store_true",
                         help="replace the database of a server that already holds data")
    restore.set_defaults(func=cmd_restore)
