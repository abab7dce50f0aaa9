"""overview neighbourhood: the address's neighbourhood as a column of inspection, and a covering index for the
office's counts (issue 13: aard en omvang read every wide inspection row and its address JSON)

Revision ID: 2026_12_05_1500
Revises: 2026_12_05_1400
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_05_1500"
down_revision: str | Sequence[str] | None = "2026_12_05_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection") as batch:
        batch.add_column(sa.Column("neighbourhood", sa.String(length=100), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE inspection SET neighbourhood = left(NULLIF(address->>'neighbourhood', ''), 100)")
    else:
        op.execute("UPDATE inspection SET neighbourhood = substr(NULLIF(json_extract(address, '$.neighbourhood'), ''),"
                   " 1, 100)")
    op.create_index("ix_inspection_overview", "inspection",
                    ["organisation_id", "status", "started_at", "control_type", "level", "neighbourhood", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_inspection_overview", table_name="inspection")
    with op.batch_alter_table("inspection") as batch:
        batch.drop_column("neighbourhood")
