"""A rejection names the item it concerns (issue 14): the refused mutation's name, control, question, person and
identifier, so the tablet shows it on that item with a way to fix it; ``resolved_at`` marks one the inspector fixed
(kept, so the same rejection pulled again after a reset does not come back). An identifier remembers the outbox id
of its ``identifier.add`` (a rejection that arrives only by pull still finds it). Additive only: existing
rejections keep NULL and are shown on no item (the sync bar still lists them).

Revision ID: 20261205_1000
Revises: 20261204_1100
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261205_1000"
down_revision = "20261204_1100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rejection") as batch_op:
        batch_op.add_column(sa.Column("mutation_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("inspection_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("question_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("person_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("identifier_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("control_identifier") as batch_op:
        batch_op.add_column(sa.Column("mutation_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("control_identifier") as batch_op:
        batch_op.drop_column("mutation_id")
    with op.batch_alter_table("rejection") as batch_op:
        for column in ("resolved_at", "identifier_id", "person_id", "question_id", "inspection_id", "mutation_name"):
            batch_op.drop_column(column)
