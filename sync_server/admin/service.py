"""The beheerder's users, teams and devices: list them, create a user (with a temporary password) or a team, move a
user to another team, revoke a device (a lost tablet wipes itself at its next contact), disable or enable a user,
reset a password. Each act is audited; each stays within the actor's organisation (``tenancy.access``: another
organisation's user, team or device is ``not_found``). The organisation keeps at least one active beheerder.

The same functions serve the API (the actor is the logged-in beheerder) and the command line (the actor is
``cli_actor``: the server's administrator, acting in the organisation of the user concerned).
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.accounts import AccountRead, DeviceRead, DeviceState, PasswordResetRead, TeamRead
from sync_server.auth import service as users
from sync_server.auth import tokens
from sync_server.auth.models import Device, User
from sync_server.auth.schemas import Principal, Role
from sync_server.errors import ApiError
from sync_server.review import audit, chain
from sync_server.review.models import AuditEntry
from sync_server.sync.models import Quarantine, SyncClient
from sync_server.tenancy import access
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Organisation, Team

# no 0/O, 1/l/I: a temporary password is read out or typed over
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_PASSWORD_LENGTH = 14
CLI_DEVICE = uuid.UUID(int=0)


def cli_actor(*, user: User | None, organisation_id: uuid.UUID) -> Principal:
    """The server's administrator on the command line, acting in an organisation about ``user`` (audited as
    ``inspectie-server``; the entry's user is the user concerned, as for ``move-user``)."""
    return Principal(user_id=user.id if user else CLI_DEVICE, username="inspectie-server",
                     display_name="inspectie-server", role=Role.BEHEERDER, device_id=CLI_DEVICE,
                     team_id=user.team_id if user else CLI_DEVICE, organisation_id=organisation_id)


def list_accounts(*, session: Session, viewer: Principal, policy: tokens.TokenPolicy,
                  username: str | None = None, query: str | None = None, team_id: uuid.UUID | None = None,
                  limit: int | None = None) -> list[AccountRead]:
    """The users of the viewer's organisation (or the one named), each with the devices worth seeing; ``query``
    keeps those whose username or name holds it, ``team_id`` those of one team, ``limit`` the first so many."""
    stmt = select(User, Team).join(Team, Team.id == User.team_id).where(access.user_clause(viewer))
    if username is not None:
        stmt = stmt.where(User.username == username.strip().lower())
    if query and query.strip():
        text = query.strip().lower()  # '%' and '_' are searched for, not wildcards
        stmt = stmt.where(func.lower(User.username).contains(text, autoescape=True)
                          | func.lower(User.display_name).contains(text, autoescape=True))
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    rows = session.execute(stmt.order_by(User.username).limit(limit)).all()
    return _accounts(session, [(u, t) for u, t in rows], policy)


def list_teams(*, session: Session, viewer: Principal) -> list[TeamRead]:
    """The teams of the viewer's organisation with their number of users, by name."""
    counts = dict(session.execute(select(User.team_id, func.count()).join(Team, Team.id == User.team_id)
                                  .where(access.user_clause(viewer)).group_by(User.team_id)).all())
    teams = session.scalars(select(Team).where(access.user_clause(viewer)).order_by(Team.name, Team.key))
    return [TeamRead(id=t.id, key=t.key, name=t.name, users=int(counts.get(t.id, 0))) for t in teams]


def team_or_404(*, session: Session, viewer: Principal, team_id: uuid.UUID) -> Team:
    """A team of the viewer's organisation; 404 ``not_found`` otherwise (also another organisation's)."""
    team = session.scalar(select(Team).where(Team.id == team_id, access.user_clause(viewer)))
    if team is None:
        raise ApiError("not_found")
    return team


def create_team(*, session: Session, viewer: Principal, key: str, name: str) -> Team:
    """A new team in the viewer's organisation (``tenancy.create_team``: the same rules as ``create-team``);
    ``team_key_invalid``, ``team_exists``. Audited."""
    org = session.get(Organisation, viewer.organisation_id)
    if org is None:
        raise ApiError("not_found")
    if not name.strip():
        raise ApiError("display_name_invalid")
    try:
        team, _new = tenancy.create_team(session=session, organisation_key=org.key, team_key=key, team_name=name)
    except ApiError as exc:
        if exc.code == "validation_error":
            raise ApiError("team_key_invalid") from None
        raise
    audit.record(session=session, user=viewer, action="create_team", object_type="team", object_id=team.key,
                 detail={"name": team.name})
    return team


def create_user(*, session: Session, viewer: Principal, username: str, display_name: str, role: Role,
                team_id: uuid.UUID, password: str | None = None) -> tuple[User, str | None]:
    """A new user in a team of the viewer's organisation (``auth.service.create``: the username rules of
    ``create-user``). Without ``password`` they get a temporary one (returned once) and must choose their own at
    the first login. Audited."""
    team = team_or_404(session=session, viewer=viewer, team_id=team_id)
    name = display_name.strip()
    if not name or len(name) > 200:
        raise ApiError("display_name_invalid")
    temporary = None if password is not None else _temporary()
    user = users.create(session=session, username=username, password=password or temporary or "", role=role,
                        display_name=name, team_id=team.id)
    user.must_change_password = temporary is not None
    actor = viewer if viewer.device_id != CLI_DEVICE else cli_actor(user=user, organisation_id=team.organisation_id)
    audit.record(session=session, user=actor, action="create_user", object_type="user", object_id=user.username,
                 detail={"role": user.role, "team": team.key})
    return user, temporary


def move_user(*, session: Session, viewer: Principal, user_id: uuid.UUID, team_id: uuid.UUID) -> tuple[User, Team]:
    """Move a user of the viewer's organisation to another of its teams (``tenancy.move_user``, as ``move-user``):
    their devices start their next pull over. Returns the user and the team they left. Audited."""
    user, old = access.user_or_404(session=session, viewer=viewer, user_id=user_id)
    team = team_or_404(session=session, viewer=viewer, team_id=team_id)
    if team.id == old.id:
        raise ApiError("user_already_in_team")
    moved, left = tenancy.move_user(session=session, username=user.username, team=team)
    audit.record(session=session, user=viewer, action="move_user", object_type="user", object_id=moved.username,
                 detail={"username": moved.username, "from_team": str(left.id), "to_team": str(team.id)})
    return moved, left


def move_user_anywhere(*, session: Session, username: str, team: Team) -> tuple[User, Team]:
    """``move-user`` on the command line: to any team, another organisation's too (its last active beheerder
    stays: ``last_beheerder``). Audited in both organisations as ``inspectie-server``."""
    user = users.get_by_username(session=session, username=username)
    if user is None:
        raise ApiError("not_found", detail=f"user {username}")
    old = session.get(Team, user.team_id)
    if old is not None and not access.belongs(old, team.organisation_id):  # leaving its organisation
        _keep_a_beheerder(session, user, old.organisation_id)
    moved, left = tenancy.move_user(session=session, username=username, team=team)
    audit.record_move(session=session, user=moved, old_team=left, new_team=team)
    return moved, left


def create_team_cli(*, session: Session, organisation_key: str, team_key: str, name: str,
                    organisation_name: str | None = None) -> tuple[Team, bool]:
    """``create-team`` on the command line (the organisation too when new); audited as ``inspectie-server``."""
    team, new_org = tenancy.create_team(session=session, organisation_key=organisation_key, team_key=team_key,
                                        team_name=name, organisation_name=organisation_name)
    chain.queue(session, AuditEntry(at=datetime.now(UTC), user_id=None, organisation_id=team.organisation_id,
                                    username="inspectie-server", role="cli", action="create_team",
                                    object_type="team", object_id=team.key, detail={"name": team.name}))
    return team, new_org


def _temporary() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))


def _keep_a_beheerder(session: Session, user: User, organisation_id: uuid.UUID) -> None:
    """Refuse (``last_beheerder``) to take away the organisation's last active beheerder."""
    if user.role != Role.BEHEERDER.value or user.disabled_at is not None:
        return
    others = session.scalar(select(func.count()).select_from(User).join(Team, Team.id == User.team_id).where(
        access.in_organisation(Team, organisation_id), User.role == Role.BEHEERDER.value, User.disabled_at.is_(None),
        User.id != user.id))
    if not others:
        raise ApiError("last_beheerder")


def get_account(*, session: Session, viewer: Principal, user_id: uuid.UUID,
                policy: tokens.TokenPolicy) -> AccountRead:
    """One user of the viewer's organisation with their devices; 404 otherwise."""
    return _accounts(session, [access.user_or_404(session=session, viewer=viewer, user_id=user_id)], policy)[0]


def revoke_device(*, session: Session, viewer: Principal, device_id: uuid.UUID) -> User:
    """Revoke a device of the viewer's organisation: its token dies at once and the tablet wipes itself at its next
    contact (after handing over its unsynced work). Returns the device's user."""
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError("not_found")
    owner, _team = access.user_or_404(session=session, viewer=viewer, user_id=device.user_id)
    tokens.revoke(device=device)
    audit.record(session=session, user=viewer, action="revoke_device", object_type="device",
                 object_id=str(device.id), detail={"username": owner.username, "device": device.name})
    return owner


def disable_user(*, session: Session, viewer: Principal, user_id: uuid.UUID) -> User:
    """Disable a user: every token of theirs ends at once and logins are refused (``account_disabled``)."""
    user, team = access.user_or_404(session=session, viewer=viewer, user_id=user_id)
    _keep_a_beheerder(session, user, team.organisation_id)
    if user.disabled_at is None:
        user.disabled_at = datetime.now(UTC)
    tokens.end_all(session=session, user_id=user.id, reason="user_disabled")
    audit.record(session=session, user=viewer, action="disable_user", object_type="user", object_id=user.username)
    return user


def enable_user(*, session: Session, viewer: Principal, user_id: uuid.UUID) -> User:
    """Let a disabled user log in again (their old tokens stay dead)."""
    user, _team = access.user_or_404(session=session, viewer=viewer, user_id=user_id)
    user.disabled_at = None
    audit.record(session=session, user=viewer, action="enable_user", object_type="user", object_id=user.username)
    return user


def reset_password(*, session: Session, viewer: Principal, user_id: uuid.UUID) -> tuple[User, str]:
    """Give a user a temporary password (returned once, never stored or audited in clear): every token of theirs
    ends, and after their next login only the password change answers until they chose their own."""
    user, _team = access.user_or_404(session=session, viewer=viewer, user_id=user_id)
    temporary = _temporary()
    user.password_hash, user.must_change_password = users.hash_password(temporary), True
    tokens.end_all(session=session, user_id=user.id, reason="password_reset")
    audit.record(session=session, user=viewer, action="reset_password", object_type="user", object_id=user.username)
    return user, temporary


def password_reset_read(*, session: Session, viewer: Principal, user: User, temporary: str,
                        policy: tokens.TokenPolicy) -> PasswordResetRead:
    account = get_account(session=session, viewer=viewer, user_id=user.id, policy=policy)
    return PasswordResetRead(account=account, temporary_password=temporary)


def _accounts(session: Session, rows: list[tuple[User, Team]], policy: tokens.TokenPolicy) -> list[AccountRead]:
    user_ids = [u.id for u, _t in rows]
    by_user: dict[uuid.UUID, list[Device]] = defaultdict(list)
    for device in session.scalars(select(Device).where(Device.user_id.in_(user_ids))
                                  .order_by(Device.last_seen.desc(), Device.created_at.desc())):
        by_user[device.user_id].append(device)
    devices = [d for ds in by_user.values() for d in ds]
    versions = _schema_versions(session, [d.id for d in devices])
    handed = _handed_over(session, [d.id for d in devices if d.revoked_at is not None])
    at = datetime.now(UTC)
    return [AccountRead(id=u.id, username=u.username, display_name=u.display_name, role=u.role, team=t.key,
                        disabled=u.disabled_at is not None, must_change_password=u.must_change_password,
                        devices=[_device_read(d, policy, at, versions, handed)
                                 for d in by_user[u.id] if _listed(d, policy, at)])
            for u, t in rows]


def _state(device: Device, policy: tokens.TokenPolicy, at: datetime) -> DeviceState:
    if device.revoked_at is not None:
        return DeviceState.WIPED if device.wiped_at is not None else DeviceState.REVOKED
    if device.ended_at is not None:
        return DeviceState.ENDED
    return DeviceState.EXPIRED if at >= tokens.expires_at(device, policy) else DeviceState.ACTIVE


def _listed(device: Device, policy: tokens.TokenPolicy, at: datetime) -> bool:
    """What a beheerder needs to see: every tablet that may still hold data (bound to a sync client; not logged out,
    since logging out wipes the tablet) and every office session that is still live."""
    state = _state(device, policy, at)
    if device.client_id is None:
        return state is DeviceState.ACTIVE
    return not (state is DeviceState.ENDED and device.end_reason == "logout")


def _device_read(device: Device, policy: tokens.TokenPolicy, at: datetime, versions: dict[uuid.UUID, int],
                 handed: dict[uuid.UUID, int]) -> DeviceRead:
    state = _state(device, policy, at)
    return DeviceRead(id=device.id, name=device.name, client_id=device.client_id,
                      created_at=tokens.aware(device.created_at),
                      last_seen=tokens.aware(device.last_seen) if device.last_seen else None,
                      expires_at=tokens.expires_at(device, policy) if state is DeviceState.ACTIVE else None,
                      app_schema_version=versions.get(device.id), state=state,
                      revoked_at=tokens.aware(device.revoked_at) if device.revoked_at else None,
                      wiped_at=tokens.aware(device.wiped_at) if device.wiped_at else None,
                      handed_over=handed.get(device.id, 0))


def _schema_versions(session: Session, device_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The newest sync schema version each device's app pushed or pulled with."""
    if not device_ids:
        return {}
    rows = session.execute(select(SyncClient.device_id, func.max(SyncClient.schema_version))
                           .where(SyncClient.device_id.in_(device_ids)).group_by(SyncClient.device_id))
    return {device_id: int(version) for device_id, version in rows if device_id is not None}


def _handed_over(session: Session, device_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many changes each revoked device handed over into quarantine."""
    if not device_ids:
        return {}
    counts: dict[uuid.UUID, int] = defaultdict(int)
    rows = session.execute(select(Quarantine.device_id, Quarantine.payload)
                           .where(Quarantine.device_id.in_(device_ids), Quarantine.reason == "device_revoked"))
    for device_id, payload in rows:
        if device_id is not None:
            counts[device_id] += len(_mutations(payload))
    return dict(counts)


def _mutations(payload: Any) -> list[Any]:
    mutations = payload.get("mutations") if isinstance(payload, dict) else None
    return mutations if isinstance(mutations, list) else []
