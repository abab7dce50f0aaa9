"""``inspectie-server devices list | revoke-device | disable-user | enable-user | reset-password | quarantine``:
the beheerder's user and device actions on the command line, saying what the office screen "Gebruikers en
apparaten" says. The actor is the server's administrator (audited as ``inspectie-server``, in the organisation of
the user concerned)."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from schemas.accounts import AccountRead, DeviceRead, DeviceState
from schemas.sync import PushResponse
from sync_server.admin import service
from sync_server.auth import service as users
from sync_server.auth.models import Device, User
from sync_server.auth.tokens import TokenPolicy
from sync_server.config import Settings
from sync_server.errors import ApiError
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Team

T = TypeVar("T")
TZ = ZoneInfo("Europe/Amsterdam")
STATE_TEXT = {DeviceState.ACTIVE: "active", DeviceState.EXPIRED: "expired (logs in again)",
              DeviceState.ENDED: "ended", DeviceState.REVOKED: "REVOKED, wipe not yet confirmed",
              DeviceState.WIPED: "revoked and wiped"}


def _run(settings: Settings, work: Callable[[Session], T]) -> T:
    from sync_server.db import in_transaction

    return in_transaction(settings, work)


def _fail(exc: ApiError | LookupError) -> int:
    text = f"{exc.spec.en}" + (f" ({exc.detail})" if exc.detail else "") if isinstance(exc, ApiError) else str(exc)
    print(f"error: {text}", file=sys.stderr)
    return 1


def _when(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime("%d-%m-%Y %H:%M") if value else "never"


def _user(session: Session, username: str) -> tuple[User, uuid.UUID]:
    user = users.get_by_username(session=session, username=username)
    if user is None:
        raise ApiError("not_found", detail=f"user {username}")
    team = session.get(Team, user.team_id)
    assert team is not None
    return user, team.organisation_id


def device_line(d: DeviceRead) -> str:
    """One device as ``devices list`` prints it."""
    parts = [str(d.id), d.name, STATE_TEXT[d.state], f"last contact {_when(d.last_seen)}"]
    if d.app_schema_version is not None:
        parts.append(f"app schema {d.app_schema_version}")
    if d.expires_at is not None:
        parts.append(f"token expires {_when(d.expires_at)}")
    if d.handed_over:
        parts.append(f"{d.handed_over} changes handed over (inspectie-server quarantine list)")
    return "  " + " · ".join(parts)


def account_lines(a: AccountRead) -> list[str]:
    flags = [f for f, on in (("DISABLED", a.disabled), ("must change password", a.must_change_password)) if on]
    head = f"{a.username} ({a.display_name}; {a.role}, team {a.team})" + (f" [{', '.join(flags)}]" if flags else "")
    return [head] + ([device_line(d) for d in a.devices] or ["  no devices"])


def cmd_devices_list(settings: Settings, args: argparse.Namespace) -> int:
    policy = TokenPolicy.from_settings(settings)

    def work(s: Session) -> list[AccountRead]:
        if args.user:
            user, org = _user(s, args.user)
            return [service.get_account(session=s, viewer=service.cli_actor(user=user, organisation_id=org),
                                        user_id=user.id, policy=policy)]
        org_row = tenancy.get_organisation(session=s, key=args.organisation)
        if org_row is None:
            raise ApiError("team_unknown", detail=args.organisation)
        return service.list_accounts(session=s, viewer=service.cli_actor(user=None, organisation_id=org_row.id),
                                     policy=policy)

    try:
        accounts = _run(settings, work)
    except ApiError as exc:
        return _fail(exc)
    for account in accounts:
        print("\n".join(account_lines(account)))
    return 0


def cmd_revoke_device(settings: Settings, args: argparse.Namespace) -> int:
    def work(s: Session) -> tuple[str, str]:
        device = s.get(Device, args.device_id)
        owner = s.get(User, device.user_id) if device is not None else None
        if device is None or owner is None:
            raise ApiError("not_found", detail=f"device {args.device_id}")
        _, org = _user(s, owner.username)
        service.revoke_device(session=s, viewer=service.cli_actor(user=owner, organisation_id=org),
                              device_id=device.id)
        return owner.username, device.name

    try:
        username, name = _run(settings, work)
    except ApiError as exc:
        return _fail(exc)
    print(f"device {args.device_id} ({name}) of {username} revoked: its token no longer works; the tablet hands "
          "over its unsynced work and wipes itself at its next contact")
    return 0


def _user_action(settings: Settings, username: str, act: Callable[..., object]) -> None:
    def work(s: Session) -> None:
        user, org = _user(s, username)
        act(session=s, viewer=service.cli_actor(user=user, organisation_id=org), user_id=user.id)

    _run(settings, work)


def cmd_disable_user(settings: Settings, args: argparse.Namespace) -> int:
    try:
        _user_action(settings, args.username, service.disable_user)
    except ApiError as exc:
        return _fail(exc)
    print(f"user {args.username} disabled: every token of theirs stopped working and logins are refused "
          "(revoke their tablets too, with revoke-device, to have them wiped)")
    return 0


def cmd_enable_user(settings: Settings, args: argparse.Namespace) -> int:
    try:
        _user_action(settings, args.username, service.enable_user)
    except ApiError as exc:
        return _fail(exc)
    print(f"user {args.username} enabled: they can log in again")
    return 0


def cmd_reset_password(settings: Settings, args: argparse.Namespace) -> int:
    def work(s: Session) -> str:
        user, org = _user(s, args.username)
        _user_row, temporary = service.reset_password(
            session=s, viewer=service.cli_actor(user=user, organisation_id=org), user_id=user.id)
        return temporary

    try:
        temporary = _run(settings, work)
    except ApiError as exc:
        return _fail(exc)
    print(f"password of {args.username} reset; every token of theirs stopped working.\n"
          f"temporary password (shown once): {temporary}\n"
          "after logging in with it they must choose a new password before anything else works")
    return 0


def cmd_quarantine_list(settings: Settings, args: argparse.Namespace) -> int:
    from sync_server.sync import handover

    def work(s: Session) -> list[str]:
        out = []
        for q, username, device in handover.entries(session=s):
            mutations = q.payload.get("mutations") if isinstance(q.payload, dict) else None
            count = len(mutations) if isinstance(mutations, list) else 0
            replayed = f"replayed {_when(q.replayed_at)}" if q.replayed_at else "not replayed"
            out.append(f"{q.id} · {_when(q.received_at.replace(tzinfo=q.received_at.tzinfo or UTC))} · {username} · "
                       f"{q.reason}{' (' + device + ')' if device else ''} · {count} changes · {replayed}")
        return out

    lines = _run(settings, work)
    print("\n".join(lines) if lines else "quarantine is empty")
    return 0


def _replay(session: Session, *, quarantine_id: uuid.UUID) -> PushResponse:
    from sync_server.sync import handover

    return handover.replay(session=session, quarantine_id=quarantine_id)


def cmd_quarantine_replay(settings: Settings, args: argparse.Namespace) -> int:
    for qid in args.ids:
        try:
            reply = _run(settings, partial(_replay, quarantine_id=qid))
        except LookupError as exc:
            return _fail(exc)
        refused = f"; {len(reply.rejections)} refused (the inspector sees why)" if reply.rejections else ""
        print(f"{qid} replayed as the inspector's push: applied up to change {reply.last_mutation_id}{refused}")
    return 0


def add_account_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the user, device and quarantine commands on ``inspectie-server``."""
    from sync_server.tenancy.service import DEFAULT_ORGANISATION_KEY

    devices = sub.add_parser("devices", help="list users with their devices (last contact, app version, revoked)")
    dev_sub = devices.add_subparsers(dest="devices_command", required=True)
    listing = dev_sub.add_parser("list", help="users with their tablets and live office sessions")
    listing.add_argument("--user", default=None, metavar="USERNAME", help="only this user")
    listing.add_argument("--organisation", default=DEFAULT_ORGANISATION_KEY, metavar="KEY",
                         help=f"the organisation to list (default: {DEFAULT_ORGANISATION_KEY})")
    listing.set_defaults(func=cmd_devices_list)
    revoke = sub.add_parser("revoke-device", help="revoke a device (a lost tablet): its token dies, the tablet hands "
                                                  "over its unsynced work and wipes itself at its next contact")
    revoke.add_argument("device_id", metavar="DEVICE_ID", type=uuid.UUID, help="from `devices list`")
    revoke.set_defaults(func=cmd_revoke_device)
    for name, func, text in (("disable-user", cmd_disable_user, "disable a user: all tokens die, login refused"),
                             ("enable-user", cmd_enable_user, "let a disabled user log in again"),
                             ("reset-password", cmd_reset_password,
                              "give a user a temporary password; they must choose their own at the next login")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("username", metavar="USERNAME")
        cmd.set_defaults(func=func)
    quarantine = sub.add_parser("quarantine", help="pushes kept aside: from too old an app, or the last work of a "
                                                   "revoked tablet")
    q_sub = quarantine.add_subparsers(dest="quarantine_command", required=True)
    q_sub.add_parser("list", help="every quarantined push, oldest first").set_defaults(func=cmd_quarantine_list)
    replay = q_sub.add_parser("replay", help="apply a revoked tablet's handed-over work as its inspector's push "
                                             "(after looking at it; replaying twice changes nothing)")
    replay.add_argument("ids", metavar="ID", type=uuid.UUID, nargs="+", help="from `quarantine list`, oldest first")
    replay.set_defaults(func=cmd_quarantine_replay)
