"""Photos remember whether an upload was ever started, so a never-tried photo skips the HEAD request.
Additive only.

Revision ID: 20261129_1400
Revises: 20261129_1200
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_1400"
down_revision = "20261129_1200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing rows count as started: an older app version may have sent part of them already
    with op.batch_alter_table("photo") as batch_op:
        batch_op.add_column(sa.Column("upload_started", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("photo") as batch_op:
        batch_op.drop_column("upload_started")
