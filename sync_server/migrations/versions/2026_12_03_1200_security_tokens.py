"""security: expiring, revocable tokens, devices, disabled users, password resets — issue 12 part B

Revision ID: 2026_12_03_1200
Revises: 2026_12_03_1100
Create Date: 2026-12-03 12:00:00

Additive: ``device`` learns its tablet's ``client_id``, when its token was issued (the absolute maximum age
counts from there; existing tokens count from ``created_at``), when and why it was ended (logout, user disabled,
password reset) and when a revoked tablet confirmed it wiped itself; ``user_account.must_change_password``;
``quarantine`` learns why a push is kept there ("schema" for every existing row, "device_revoked" for the last
work of a revoked tablet) and from which device.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1200"
down_revision: str | Sequence[str] | None = "2026_12_03_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("token_issued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("wiped_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_device_client_id"), ["client_id"], unique=False)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=20), nullable=False, server_default="schema"))
        batch_op.add_column(sa.Column("device_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_quarantine_device_id"), ["device_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_quarantine_device_id_device"), "device", ["device_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_quarantine_device_id_device"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quarantine_device_id"))
        batch_op.drop_column("device_id")
        batch_op.drop_column("reason")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_client_id"))
        batch_op.drop_column("wiped_at")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("token_issued_at")
        batch_op.drop_column("client_id")
