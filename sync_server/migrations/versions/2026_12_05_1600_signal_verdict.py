"""signal verdict: the latest verification's verdict on each signal_fact row (issue 13: "Alle signalen" sorted
open and overdue signals with one subquery per signal)

Revision ID: 2026_12_05_1600
Revises: 2026_12_05_1500
Create Date: 2026-12-05 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_05_1600"
down_revision: str | Sequence[str] | None = "2026_12_05_1500"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signal_fact") as batch:
        batch.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))
    op.execute("UPDATE signal_fact SET verdict = (SELECT v.verdict FROM signal_verification v"
               " WHERE v.inspection_id = signal_fact.inspection_id AND v.subject_id = signal_fact.subject_id"
               " ORDER BY v.at DESC, v.id DESC LIMIT 1)")


def downgrade() -> None:
    with op.batch_alter_table("signal_fact") as batch:
        batch.drop_column("verdict")
