"""A database at an older revision, for the tests of a migration on existing data (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command

from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.migrate import alembic_config

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"  # as in conftest.py (not importable: two conftests)


@contextmanager
def database_at(revision: str, *, backend: str, tmp_path: Path, pg_available: bool, label: str) -> Iterator[Settings]:
    """Settings of a new database (``backend``: sqlite or postgres) migrated up to ``revision``; a PostgreSQL one is
    dropped afterwards. Skips when PostgreSQL does not answer."""
    name = None
    if backend == "postgres":
        if not pg_available:
            pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer")
        import psycopg

        name = f"inspectie_{label}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    settings = Settings(data_dir=tmp_path, database_url=url)
    engine = make_engine(settings)
    with engine.connect() as conn:
        cfg = alembic_config(settings)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()
    try:
        yield settings
    finally:
        if name:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
