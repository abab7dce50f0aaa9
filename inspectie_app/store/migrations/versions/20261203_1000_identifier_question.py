"""Identifiers remember the checklist question that asked for them (``identifier.add.v2``). Additive only:
existing rows keep NULL (recorded in the Kenmerken panel).

Revision ID: 20261203_1000
Revises: 20261129_1400
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_1000"
down_revision = "20261129_1400"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("control_identifier") as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("control_identifier") as batch_op:
        batch_op.drop_column("question_id")
