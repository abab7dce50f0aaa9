"""Alembic environment for the tablet's store; run at start by ``inspectie_app.store.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from inspectie_app.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # plain `alembic` command line, e.g. to autogenerate a revision
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite:///inspectie-dev.db")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
