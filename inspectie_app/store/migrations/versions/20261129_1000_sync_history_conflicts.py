"""Sync: outbox history (acked_at), scope epoch, photo confirmation/purge, conflicts. Additive only:
pending outbox rows of an older app survive this upgrade unchanged.

Revision ID: 20261129_1000
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_1000"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("acked_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_acked_at"), ["acked_at"], unique=False)
    with op.batch_alter_table("sync_meta") as batch_op:
        batch_op.add_column(sa.Column("scope_epoch", sa.Integer(), nullable=True))
    with op.batch_alter_table("photo") as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("purged", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
    )
    with op.batch_alter_table("conflict") as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_inspection_id"), ["inspection_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conflict") as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_inspection_id"))
    op.drop_table("conflict")
    with op.batch_alter_table("photo") as batch_op:
        batch_op.drop_column("purged")
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("sync_meta") as batch_op:
        batch_op.drop_column("scope_epoch")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_acked_at"))
        batch_op.drop_column("acked_at")
