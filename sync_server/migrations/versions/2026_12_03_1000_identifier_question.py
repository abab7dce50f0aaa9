"""links: the checklist question that asked for an identifier (``control_identifier.question_id``, additive;
existing rows keep NULL)

Revision ID: 2026_12_03_1000
Revises: 2026_12_01_1000
Create Date: 2026-12-03 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1000"
down_revision: str | Sequence[str] | None = "2026_12_01_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("control_identifier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("control_identifier", schema=None) as batch_op:
        batch_op.drop_column("question_id")
