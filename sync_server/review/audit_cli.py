"""``inspectie-server audit verify``: check each organisation's audit hash chain (exit 0 intact, 1 not)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.config import Settings


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.db import in_transaction
    from sync_server.review import chain
    from sync_server.tenancy.models import Organisation

    def work(s: Session) -> int:
        orgs = {o.id: o.key for o in s.scalars(select(Organisation))}
        wanted = sorted(set(chain.organisations(session=s)) | set(orgs), key=lambda o: orgs.get(o, str(o)))
        if args.organisation:
            wanted = [o for o in wanted if orgs.get(o) == args.organisation]
            if not wanted:
                print(f"error: unknown organisation {args.organisation}", file=sys.stderr)
                return 2
        broken = 0
        for org in wanted:
            report = chain.verify(session=s, organisation_id=org)
            name = orgs.get(org, str(org))
            span = f"{report.first_seq}-{report.last_seq}" if report.entries else "none"
            state = "intact" if report.intact else f"NOT INTACT ({len(report.problems)} problems)"
            print(f"{name}: {report.entries} entries ({span}), {state}; head {report.head_hash}")
            for problem in report.problems:
                print(f"  {problem.kind}: {problem.message}")
            broken += not report.intact
        return 1 if broken else 0

    return in_transaction(settings, work)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("audit", help="check the audit trail's hash chain")
    commands = group.add_subparsers(dest="audit_command", required=True)
    verify = commands.add_parser(
        "verify", help="walk each organisation's hash chain; exit 0 when intact, 1 when an entry was changed, "
                       "inserted or deleted (each one is named), 2 for an unknown organisation")
    verify.add_argument("--organisation", default=None, metavar="KEY", help="only this organisation (e.g. "
                                                                           "gemeente-arnhem)")
    verify.set_defaults(func=cmd_verify)
