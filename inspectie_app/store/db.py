"""Opening the tablet's SQLite database: durable pragmas on every connection, migrations at start.

Tablets lose power, so every connection runs in WAL mode with ``synchronous=FULL`` (a committed
change survives a power cut) and enforces foreign keys. The pysqlite driver's own transaction
handling is switched off and SQLAlchemy emits ``BEGIN`` itself, so a transaction really starts at
its first statement (reads included), as SQLAlchemy's SQLite documentation recommends.
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
    cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine: Engine) -> None:
    """Bring the store's schema to the newest revision."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
