"""The login flow: throttle, password check, audit trail.

1. The attempt is reserved with the throttle (``auth.ratelimit``) under the normalised username
   (``auth.usernames``) and the client's address: over a limit it is refused with 429 and ``Retry-After`` before any
   password is checked, so the right password during a lockout is refused too.
2. The password is checked (``check``: ``service.login``, which also issues the device's token).
3. A failure keeps its reservation (it counts) and, when the name is an account, is audited in that account's
   organisation in a transaction of its own (the request's transaction is rolled back first: it ends in the 401
   anyway, and on SQLite it holds the one write lock). A success deletes
   the reservation and this account's failures from this address, and is audited in the request's transaction,
   together with the new device.

A failed login under a name that is no account has no organisation to be audited in (an audit entry belongs to an
organisation and a user): it counts against its address, and the server log notes the address, never the name.
Refused attempts (429) are not audited one by one: the failures that led to the refusal are.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import LoginResponse
from sync_server.auth import service
from sync_server.auth.models import User
from sync_server.auth.ratelimit import Attempt, LoginThrottle
from sync_server.auth.schemas import Principal, Role
from sync_server.errors import ApiError
from sync_server.review import audit
from sync_server.tenancy.models import Team

logger = logging.getLogger(__name__)
NO_DEVICE = uuid.UUID(int=0)
"""The device of an audited failed login: none was registered."""


def log_in(*, session: Session, throttle: LoginThrottle, username: str, address: str,
           check: Callable[[str], LoginResponse | None]) -> LoginResponse:
    """Run one login attempt (see the module docstring); ``check(normalised_username)`` verifies the password."""
    attempt = throttle.reserve(username=username, address=address)
    try:
        result = check(attempt.username)
    except ApiError as exc:  # e.g. account_disabled: the right password of a disabled account
        _audit_failure(session, throttle, attempt, reason=exc.code)
        raise
    if result is None:
        _audit_failure(session, throttle, attempt, reason="login_failed")
        raise ApiError("login_failed")
    throttle.succeeded(session=session, attempt=attempt)
    user = _account(session, attempt.username)
    if user is not None:
        audit.record(session=session, user=_actor(session, user, result.device_id), action="login",
                     object_type="user", object_id=user.username,
                     detail={"address": attempt.address, "device_id": str(result.device_id)})
    return result


def _audit_failure(request_session: Session, throttle: LoginThrottle, attempt: Attempt, *, reason: str) -> None:
    """Audit a failure in a transaction of its own, after rolling back the request's (which ends in an error anyway,
    and on SQLite holds the one write lock)."""
    request_session.rollback()
    with throttle.factory() as session, session.begin():
        user = _account(session, attempt.username)
        if user is None:
            logger.info("failed login under a name that is no account, from %s", attempt.address)
            return
        audit.record(session=session, user=_actor(session, user, NO_DEVICE), action="login_failed",
                     object_type="user", object_id=user.username,
                     detail={"address": attempt.address, "reason": reason})


def _account(session: Session, username: str) -> User | None:
    return service.get_by_username(session=session, username=username) if username else None


def _actor(session: Session, user: User, device_id: uuid.UUID) -> Principal:
    """The account as the actor of its login entry, in its organisation."""
    organisation_id = session.scalar(select(Team.organisation_id).where(Team.id == user.team_id))
    assert organisation_id is not None
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role),
                     device_id=device_id, team_id=user.team_id, organisation_id=organisation_id)
