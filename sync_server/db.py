"""Database plumbing: the declarative base, the engine factory and the per-request session.

Nothing here runs at import time. ``SessionDep`` owns ONE transaction per request: it commits when
the endpoint returns (before the response is sent, so an acknowledged push is durable) and rolls back
on any error. Services never commit.

SQLite: WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction so a
transaction that reads first and writes later can never fail with SQLITE_BUSY_SNAPSHOT; SQLite has one
writer anyway. A transaction that only reads can ask for a plain (deferred) ``BEGIN`` with
``session.connection(execution_options=READ_ONLY)`` as its first statement: it reads a WAL snapshot and
never waits for the writer (authentication does this, so photo uploads do not queue behind a push).
PostgreSQL: READ COMMITTED plus the locked ``sync_counter`` row for sync ordering.
Both: a pool of ``db_pool_size`` + ``db_max_overflow`` connections per worker process; a request that waits longer
than ``db_pool_timeout`` for one is answered 503 ``server_busy`` (``errors.install_error_handlers``), as is one
that finds SQLite's write lock taken for longer than the busy timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from sync_server.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


READ_ONLY = {"inspectie_read_only": True}
"""Execution options for a transaction that never writes (SQLite: deferred BEGIN; PostgreSQL: no change)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _aware_columns(cls: type) -> tuple[str, ...]:
    """The attribute names of ``cls``'s ``DateTime(timezone=True)`` columns (cached per class)."""
    cached: tuple[str, ...] | None = cls.__dict__.get("_inspectie_aware_columns")
    if cached is None:
        mapper: Any = sa_inspect(cls)
        cached = tuple(attr.key for attr in mapper.column_attrs
                       if any(isinstance(c.type, DateTime) and c.type.timezone for c in attr.columns))
        type.__setattr__(cls, "_inspectie_aware_columns", cached)
    return cached


@event.listens_for(Base, "load", propagate=True)
@event.listens_for(Base, "refresh", propagate=True)
def _utc_on_load(target: Any, *_args: Any) -> None:
    """SQLite hands a stored UTC time back without its zone; every loaded row gets it back, so an answer never
    carries a date-time without an offset (PostgreSQL's are aware already)."""
    for key in _aware_columns(type(target)):
        value = target.__dict__.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            set_committed_value(target, key, value.replace(tzinfo=UTC))


def make_engine(settings: Settings) -> Engine:
    """Build the engine for ``settings.database_url``; SQLite gets WAL, FKs and BEGIN IMMEDIATE."""
    if not settings.is_sqlite:
        return create_engine(settings.database_url, pool_pre_ping=True, **_pool_options(settings))
    if settings.database_url.startswith("sqlite:///") and ":memory:" not in settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    pool = {} if ":memory:" in settings.database_url else _pool_options(settings)
    engine = create_engine(settings.database_url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
    _configure_sqlite(engine)
    return engine


def _pool_options(settings: Settings) -> dict[str, Any]:
    """The connection pool of one worker process (``db_pool_size`` + ``db_max_overflow``, ``db_pool_timeout``)."""
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get("inspectie_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def insert_if_absent(session: Session, model: type[Base], **values: Any) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING`` (both databases); True if the row is new. A concurrent transaction
    inserting the same key makes this wait for it and then do nothing, instead of failing at commit."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = cast(Table, model.__table__)
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return session.execute(stmt).first() is not None


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


def get_session(request: Request) -> Iterator[Session]:
    """One session and one transaction per request; committed on success, rolled back on error."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


T = TypeVar("T")


def in_transaction(settings: Settings, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one committed transaction against the configured database (the command line's unit of work)."""
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            return work(session)
    finally:
        engine.dispose()
