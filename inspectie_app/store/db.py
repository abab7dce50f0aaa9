"""Opening the tablet's SQLite database: durable pragmas on every connection, migrations at start.

Tablets lose power, so every connection runs in WAL mode with ``synchronous=FULL`` (a committed
change survives a power cut) and enforces foreign keys. The pysqlite driver's own transaction
handling is switched off and SQLAlchemy emits ``BEGIN`` itself, so a transaction really starts at
its first statement (reads included), as SQLAlchemy's SQLite documentation recommends. ``secure_delete``
overwrites deleted and replaced content with zeros, so a purged outbox row or an answer in clear replaced by its
sealed form leaves nothing behind in free pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MEMORY_URL = "sqlite://"


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` (a file URL, or ``sqlite://`` for an in-memory store in tests)."""
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if url in (MEMORY_URL, "sqlite:///:memory:"):
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine: Engine) -> None:
    """Bring the store's schema to the newest revision (the engine carries the store's cipher: a revision may seal
    data); VACUUM afterwards when a revision asks for it, so no old page keeps what it replaced."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    if config.attributes.get("vacuum"):
        vacuum(engine)


def vacuum(engine: Engine) -> None:
    """Rewrite the database file without free pages and empty the WAL (outside any transaction)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
