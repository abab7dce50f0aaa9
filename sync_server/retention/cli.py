"""``inspectie-server purge [--dry-run]``: delete what has been kept longer than its retention period."""

from __future__ import annotations

import argparse

from sync_server.config import Settings


def cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.blobs.store import open_blob_store
    from sync_server.db import make_engine, make_sessionmaker
    from sync_server.retention import service

    p = service.periods(settings)
    print("server maximum (days): " + ", ".join(f"{k} {v if v is not None else 'not set: kept'}"
                                                for k, v in p.model_dump().items()))
    engine = make_engine(settings)
    try:
        store = open_blob_store(settings)
        results = service.run(settings=settings, factory=make_sessionmaker(engine), store=store,
                              dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if args.dry_run else "deleted"
    for r in results:
        counts = ", ".join(f"{k} {v}" for k, v in r.counts().items())
        own = ", ".join(f"{k} {v if v is not None else 'kept'}" for k, v in r.periods.model_dump().items())
        print(f"{r.organisation_key}: {verb} {counts} (periods in force: {own})")
    if args.dry_run:
        print("dry run: nothing was deleted or recorded")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purge = sub.add_parser(
        "purge", help="delete what has been kept longer than its retention period (INSPECTIE_RETENTION_*_DAYS, or an "
                      "organisation's shorter period set in the office app), photo files included; recorded as a "
                      "purge run and in the audit trail")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted; change nothing")
    purge.set_defaults(func=cmd_purge)
