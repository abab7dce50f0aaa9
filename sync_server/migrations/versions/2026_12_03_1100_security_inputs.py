"""security: login attempts kept in the database (rate limit per account and address) — issue 12 part A

Revision ID: 2026_12_03_1100
Revises: 2026_12_03_1000
Create Date: 2026-12-03 11:00:00

``login_failure``: one row per login attempt that counts against the limits (``sync_server.auth.ratelimit``),
kept for the throttle's window only. Existing usernames are brought to the one normalisation the login now uses
(``sync_server.auth.usernames``: NFKC, stripped, case folded), where that changes a name and no other user has the
result already; for the ASCII names ``create-user`` made so far it changes nothing.
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1100"
down_revision: str | Sequence[str] | None = "2026_12_03_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"], unique=False)
    _normalise_usernames()


def _normalise(name: str) -> str:
    """A frozen copy of ``sync_server.auth.usernames.normalise`` as of this revision (without its refusals)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).strip().casefold()).strip()


def _normalise_usernames() -> None:
    users = sa.table("user_account", sa.column("id", sa.Uuid()), sa.column("username", sa.String()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.username)).all()
    taken = {username for _id, username in rows}
    for user_id, username in rows:
        name = _normalise(username)
        if name and name != username and name not in taken and len(name) <= 100:
            conn.execute(users.update().where(users.c.id == user_id).values(username=name))
            taken.add(name)


def downgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failure_at"))
        batch_op.drop_index(batch_op.f("ix_login_failure_address"))
        batch_op.drop_index(batch_op.f("ix_login_failure_account"))
    op.drop_table("login_failure")
