"""Login throttling kept in the database: at most ``login_max_failures`` failed logins per account and
``login_max_failures_per_address`` per client address within ``login_window_seconds`` (a sliding window).

Why in the database: the limits then hold across a restart and across several worker processes or servers on one
database (process memory held neither).

Why an attempt is written before it is counted (``reserve``): each attempt inserts its row and commits, and only then
counts the rows of its account and of its address. Of two attempts at the same moment the one that commits last
always sees the other, so no two can both slip under a limit (both may be refused: the safe side). An attempt over a
limit deletes its row again, so waiting out a lockout is never extended by knocking. A failed attempt leaves its
row: it is the failure. A successful one deletes its row and the failures of the same account *from the same
address* only: an attacker's failures from another address keep counting.

Keys: the account is an HMAC of the normalised username (``auth.usernames``) under the server's key, so what
someone typed as a name (at times their password) is never stored; the address is the client's IPv4 address, or
its IPv6 /64 network (one subscriber holds a whole /64).

Bounded: rows older than the window go on every attempt, and beyond ``login_failures_kept`` rows the oldest go
(a flood from tens of thousands of addresses within one window would then shorten some counts; the table never
outgrows the setting).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.auth.models import LoginFailure
from sync_server.auth.usernames import normalise
from sync_server.config import Settings
from sync_server.errors import ApiError


def address_key(host: str | None) -> str:
    """The address a client is counted under: IPv4 as is, IPv6 as its /64 network."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return (host or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Attempt:
    """One reserved login attempt: its row, the normalised username ("" when it cannot be a name) and its keys."""

    row_id: int
    username: str
    account: str | None
    address: str


class LoginThrottle:
    """Reserve login attempts against the per-account and per-address limits; see the module docstring."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.factory = factory
        self.max_per_account = settings.login_max_failures
        self.max_per_address = settings.login_max_failures_per_address
        self.window = timedelta(seconds=settings.login_window_seconds)
        self.kept = settings.login_failures_kept
        self._key = settings.identifier_key.encode()
        self._clock = clock or (lambda: datetime.now(UTC))

    def account_key(self, username: str) -> str:
        return hmac.new(self._key, b"login:" + username.encode(), hashlib.sha256).hexdigest()

    def reserve(self, *, username: str, address: str) -> Attempt:
        """Count this attempt; 429 ``login_rate_limited`` with ``Retry-After`` when its account or address is over
        its limit (before any password is checked)."""
        name = normalise(username) or ""
        account = self.account_key(name) if name else None
        now = self._clock()
        with self.factory() as session, session.begin():
            row = LoginFailure(account=account, address=address, at=now)
            session.add(row)
            session.flush()
            self._prune(session, now)
            attempt = Attempt(row_id=row.id, username=name, account=account, address=address)
        with self.factory() as session, session.begin():
            wait = self._wait(session, attempt, now)
            if wait:
                session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.row_id))
        if wait:
            raise ApiError("login_rate_limited", headers={"Retry-After": str(wait)})
        return attempt

    def succeeded(self, *, session: Session, attempt: Attempt) -> None:
        """Forget this attempt and the failures of its account from its address (in the caller's transaction)."""
        stmt = delete(LoginFailure).where(LoginFailure.id == attempt.row_id)
        if attempt.account is not None:
            stmt = delete(LoginFailure).where((LoginFailure.id == attempt.row_id) | (
                (LoginFailure.account == attempt.account) & (LoginFailure.address == attempt.address)))
        session.execute(stmt)

    def _prune(self, session: Session, now: datetime) -> None:
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        oldest_kept = session.scalar(select(LoginFailure.id).order_by(LoginFailure.id.desc())
                                     .offset(max(self.kept - 1, 0)).limit(1))
        if oldest_kept is not None:
            session.execute(delete(LoginFailure).where(LoginFailure.id < oldest_kept))

    def _wait(self, session: Session, attempt: Attempt, now: datetime) -> int:
        """Seconds until this attempt would be under both limits (at least 1); 0 when it is now."""
        checks = [(LoginFailure.account, attempt.account, self.max_per_account),
                  (LoginFailure.address, attempt.address, self.max_per_address)]
        wait: float | None = None
        for column, key, limit in checks:
            if key is None:
                continue
            times = [_utc(t) for t in session.scalars(
                select(LoginFailure.at).where(column == key, LoginFailure.at > now - self.window,
                                              LoginFailure.id != attempt.row_id).order_by(LoginFailure.at))]
            if len(times) >= limit:  # this attempt would be one too many: wait until enough of them expire
                free_at = times[len(times) - limit] + self.window
                wait = max(wait or 0.0, (free_at - now).total_seconds())
        return 0 if wait is None else max(1, math.ceil(wait))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
