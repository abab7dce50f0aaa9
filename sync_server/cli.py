"""``inspectie-server``: serve, migrate, create-team, create-user, move-user, seed-demo, publish-assets,
catalogue test|docs, audit verify, purge, devices list, revoke-device, disable-user, enable-user, reset-password,
quarantine list|replay, backup, restore."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from sync_server.admin import cli as admin_cli
from sync_server.auth.schemas import Role
from sync_server.backup import cli as backup_cli
from sync_server.config import Settings
from sync_server.db import in_transaction
from sync_server.errors import ApiError
from sync_server.retention import cli as retention_cli
from sync_server.review import audit_cli

WORKER_STARTUP_SECONDS = 120
"""How long a worker process may take to start (imports, the office app, publishing) before uvicorn's supervisor
kills and replaces it: its default of 5 s made workers on a busy 2-core machine die and respawn in a loop."""


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from sync_server.migrate import upgrade

    upgrade(settings)
    print("database migrated")
    return 0


def cmd_publish(settings: Settings, _args: argparse.Namespace) -> int:
    from schemas.templates import TemplateError
    from sync_server.catalog.service import ImmutableAssetError, publish_assets
    from sync_server.migrate import upgrade

    upgrade(settings)
    try:
        keys = in_transaction(settings, lambda s: publish_assets(session=s, assets_dir=settings.assets_dir))
    except (TemplateError, ImmutableAssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("published: " + (", ".join(keys) if keys else "nothing new"))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Migrate, publish and serve; in production refuse plain HTTP and demo passwords (``sync_server.production``)."""
    import uvicorn
    from pydantic import ValidationError

    from sync_server import production
    from sync_server.app import create_served_app

    given = {"tls_certfile": args.tls_certfile, "tls_keyfile": args.tls_keyfile,
             "trusted_proxies": args.trusted_proxies}
    try:
        settings = Settings(**{**settings.model_dump(), **{k: v for k, v in given.items() if v is not None}})
    except ValidationError as exc:
        return _settings_error(exc)
    problems = production.transport_problems(settings) if settings.environment == "production" else []
    if not problems:
        if cmd_publish(settings, args) != 0:  # migrates first
            return 1
        problems = in_transaction(settings, lambda s: production.startup_problems(settings=settings, session=s))
    if problems:
        print("error: INSPECTIE_ENVIRONMENT=production refuses to start:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    workers = args.workers or settings.workers
    if workers == 1:
        uvicorn.run(create_served_app(settings), host=args.host, port=args.port, log_level="info",
                    **production.uvicorn_options(settings))
        return 0
    # Several processes: uvicorn imports the app factory in each, which reads its settings from the environment
    # (the command line's choices are handed down the same way). What they share lives in the database and the
    # photo folder (docs/ARCHITECTURE.md "Several worker processes").
    os.environ.update({f"INSPECTIE_{k.upper()}": str(v) for k, v in given.items() if v is not None})
    uvicorn.run("sync_server.app:create_served_app", factory=True, workers=workers, host=args.host, port=args.port,
                log_level="info", timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
                **production.uvicorn_options(settings))
    return 0


def _settings_error(exc: Exception) -> int:
    """A refused setting as one line per problem (pydantic's ``ValidationError``), exit 2."""
    from pydantic import ValidationError

    assert isinstance(exc, ValidationError)
    lines = [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]
    print("error: " + "\n  ".join(lines), file=sys.stderr)
    return 2


def _fail(exc: ApiError) -> int:
    print(f"error: {exc.spec.en}" + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
    return 1


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.admin import service
    from sync_server.tenancy import service as tenancy

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Wachtwoord: ")
    if len(password) < 8:
        print("error: password must be at least 8 characters", file=sys.stderr)
        return 2

    def work(s: Session) -> None:
        team = tenancy.get_team_or_raise(session=s, organisation_key=args.organisation, team_key=args.team)
        actor = service.cli_actor(user=None, organisation_id=team.organisation_id)  # the same path as the office app
        service.create_user(session=s, viewer=actor, username=args.username, password=password, role=Role(args.role),
                            display_name=args.display_name, team_id=team.id)

    try:
        in_transaction(settings, work)
    except ApiError as exc:
        return _fail(exc)
    print(f"user {args.username} created in team {args.organisation}/{args.team}")
    return 0


def cmd_create_team(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.admin import service

    def work(s: Session) -> bool:
        _team, new_org = service.create_team_cli(session=s, organisation_key=args.organisation_key,
                                                 team_key=args.team_key, name=args.name,
                                                 organisation_name=args.organisation_name)
        return new_org

    try:
        new_org = in_transaction(settings, work)
    except ApiError as exc:
        return _fail(exc)
    print(("organisation " + args.organisation_key + " created; " if new_org else "")
          + f"team {args.organisation_key}/{args.team_key} created")
    return 0


def cmd_move_user(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.admin import service
    from sync_server.tenancy import service as tenancy

    def work(s: Session) -> str:
        team = tenancy.get_team_or_raise(session=s, organisation_key=args.organisation, team_key=args.team)
        _user, old = service.move_user_anywhere(session=s, username=args.username, team=team)
        return old.key

    try:
        old_key = in_transaction(settings, work)
    except ApiError as exc:
        return _fail(exc)
    print(f"user {args.username} moved from team {old_key} to {args.organisation}/{args.team}; "
          "their devices start their next pull over")
    return 0


def cmd_seed_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from sync_server.seed import seed_demo

    if settings.environment == "production":
        print("error: seed-demo refuses to run with INSPECTIE_ENVIRONMENT=production", file=sys.stderr)
        return 1
    if cmd_publish(settings, _args) != 0:  # migrates first
        return 1
    created = in_transaction(settings, lambda s: seed_demo(session=s))
    print("created: " + (", ".join(created) if created else "nothing (already seeded)"))
    return 0


def cmd_catalogue_test(settings: Settings, args: argparse.Namespace) -> int:
    """Run reference cases against the published catalogue (or a draft file); 0 ok, 1 mismatch, 2 broken."""
    from schemas.templates import TemplateError
    from sync_server import assets
    from sync_server.catalog import casetest

    try:
        catalogue = casetest.load_catalogue_for_test(settings.assets_dir, args.catalogue)
        templates = assets.all_templates(settings.assets_dir)
        paths = casetest.case_files(args.path)
    except (TemplateError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return casetest.BROKEN
    problems = assets.template_warnings(catalogue, templates)
    if problems:  # e.g. a rule reading a question a checklist marks not scoring, or a question no checklist has
        from sync_server.catalog.problems import translate  # the office app's Dutch words for the same findings

        print("error: the catalogue does not fit the checklists:\n  "
              + "\n  ".join(f"{p}\n    {translate(p).message}" for p in problems), file=sys.stderr)
        return casetest.BROKEN
    report = casetest.run_cases(paths, templates, catalogue, with_margins=args.margins)
    casetest.print_report(report, catalogue, sys.stdout)
    return report.exit_code


def cmd_catalogue_docs(settings: Settings, args: argparse.Namespace) -> int:
    """Write docs/INDICATORS.md from the published catalogue (``--check``: exit 1 when the file differs)."""
    from schemas.templates import TemplateError
    from sync_server import assets
    from sync_server.catalog.docs import indicators_markdown

    try:
        text = indicators_markdown(assets.published_catalogue(settings.assets_dir),
                                   assets.published_templates(settings.assets_dir))
    except TemplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output: Path = args.output
    if args.check:
        same = output.is_file() and output.read_text(encoding="utf-8") == text
        print(f"{output}: {'up to date' if same else 'out of date: run inspectie-server catalogue docs'}")
        return 0 if same else 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def _add_catalogue_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("catalogue", help="test and document the indicator catalogue")
    commands = group.add_subparsers(dest="catalogue_command", required=True)
    test = commands.add_parser("test", help="run reference cases; exit 1 on a mismatch, 2 on a broken file")
    test.add_argument("path", type=Path, help="a case file or a folder of case files (e.g. assets/cases)")
    test.add_argument("--catalogue", type=Path, default=None,
                      help="a draft catalogue file instead of the published one")
    test.add_argument("--margins", action="store_true",
                      help="also list, per case, the single answers that would move its level up or down")
    test.set_defaults(func=cmd_catalogue_test)
    docs = commands.add_parser("docs", help="(re)generate docs/INDICATORS.md from the catalogue")
    docs.add_argument("--output", type=Path, default=Path("docs/INDICATORS.md"))
    docs.add_argument("--check", action="store_true", help="only report whether the file is up to date")
    docs.set_defaults(func=cmd_catalogue_docs)


def _add_tenancy_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from sync_server.tenancy.service import DEFAULT_ORGANISATION_KEY, DEFAULT_TEAM_KEY

    team = sub.add_parser("create-team", help="create a team (and its organisation when it does not exist yet)")
    team.add_argument("organisation_key", metavar="ORG_KEY", help="e.g. gemeente-arnhem")
    team.add_argument("team_key", metavar="TEAM_KEY", help="e.g. interventieteam (unique within the organisation)")
    team.add_argument("--name", required=True, help="the team's display name")
    team.add_argument("--organisation-name", default=None,
                      help="the organisation's display name, when this creates it (default: ORG_KEY)")
    team.set_defaults(func=cmd_create_team)
    user = sub.add_parser("create-user", help="create a user in a team")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--display-name", required=True)
    user.add_argument("--team", default=DEFAULT_TEAM_KEY, metavar="KEY",
                      help=f"the user's team (default: {DEFAULT_TEAM_KEY})")
    user.add_argument("--organisation", default=DEFAULT_ORGANISATION_KEY, metavar="KEY",
                      help=f"the team's organisation (default: {DEFAULT_ORGANISATION_KEY})")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(func=cmd_create_user)
    move = sub.add_parser("move-user", help="move a user to another team (audited; their devices start over; an "
                                            "organisation's last active beheerder stays)")
    move.add_argument("username", metavar="USERNAME")
    move.add_argument("--team", required=True, metavar="KEY", help="the new team")
    move.add_argument("--organisation", default=DEFAULT_ORGANISATION_KEY, metavar="KEY",
                      help=f"the new team's organisation (default: {DEFAULT_ORGANISATION_KEY})")
    move.set_defaults(func=cmd_move_user)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inspectie-server", description="Inspectie sync server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, publish assets and run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--tls-certfile", type=Path, default=None, metavar="PEM",
                       help="serve over TLS with this certificate (default: INSPECTIE_TLS_CERTFILE)")
    serve.add_argument("--tls-keyfile", type=Path, default=None, metavar="PEM",
                       help="the certificate's private key (default: INSPECTIE_TLS_KEYFILE)")
    serve.add_argument("--trusted-proxies", default=None, metavar="ADDRESSES",
                       help="comma-separated addresses of the TLS-terminating proxy whose X-Forwarded-* headers "
                            "are believed (default: INSPECTIE_TRUSTED_PROXIES). With INSPECTIE_ENVIRONMENT="
                            "production one of TLS or a trusted proxy is required, and no user may still have "
                            "the demo password")
    serve.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes (default: INSPECTIE_WORKERS, 1); each has its own connection pool "
                            "(INSPECTIE_DB_POOL_SIZE + INSPECTIE_DB_MAX_OVERFLOW connections on PostgreSQL)")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="bring the database to the newest schema").set_defaults(func=cmd_migrate)
    _add_tenancy_commands(sub)
    sub.add_parser("seed-demo", help="create demo users and planned controls (development only)").set_defaults(
        func=cmd_seed_demo)
    sub.add_parser("publish-assets", help="publish templates and catalogue from the assets folder").set_defaults(
        func=cmd_publish)
    _add_catalogue_commands(sub)
    audit_cli.add_commands(sub)
    retention_cli.add_commands(sub)
    admin_cli.add_account_commands(sub)  # devices list, revoke-device, disable/enable-user, reset-password, quarantine
    backup_cli.add_commands(sub)  # backup DIR, restore DIR [--force]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pydantic import ValidationError

    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:  # e.g. a short identifier key in production: a message, not a traceback
        return _settings_error(exc)
    return int(args.func(settings, args))


if __name__ == "__main__":
    raise SystemExit(main())
