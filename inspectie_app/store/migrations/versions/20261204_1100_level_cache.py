"""The home list's level cache: the tablet's own evaluation of each control, kept with a fingerprint of what it
was computed from (answers, persons, catalogue version), so the list does not evaluate every unsynced control
again each time it is shown. Additive only; a missing or stale entry is computed again.

Revision ID: 20261204_1100
Revises: 20261204_1000
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261204_1100"
down_revision = "20261204_1000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "level_cache",
        sa.Column("inspection_id", sa.String(36), sa.ForeignKey("inspection.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("level_cache")
