"""Users and their registered devices (one live bearer token per device, only its sha256 stored).

A device is one installation of an app: a tablet (bound to its sync ``client_id``) or an office browser session.
Its token expires when unused for ``token_idle_hours`` and at the latest ``token_max_age_days`` after it was issued
(``sync_server.auth.tokens``). ``ended_at`` (logout, user disabled, password reset) kills the token without more;
``revoked_at`` (a beheerder's revoke, e.g. a lost tablet) kills it and tells the tablet to wipe itself, which it
confirms (``wiped_at``) after handing over its unsynced work (``sync_server.sync.handover``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db import Base


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # set by a beheerder's password reset: until the user sets a new password, only that endpoint answers
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Device(Base):
    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None, index=True)  # the tablet's sync client
    token_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    end_reason: Mapped[str | None] = mapped_column(String(20), default=None)  # logout, user_disabled, ...
    wiped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class LoginFailure(Base):
    """A login attempt that counts against the limits (``auth.ratelimit``): a failure, or one being checked now.
    Rows live for the throttle's window only."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str | None] = mapped_column(String(64), index=True, default=None)  # HMAC of the username
    address: Mapped[str] = mapped_column(String(64), index=True)  # IPv4, or the IPv6 /64
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
