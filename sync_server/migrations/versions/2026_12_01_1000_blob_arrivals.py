"""blob arrivals: photos whose "all photos present" announcement is still owed (additive)

Revision ID: 2026_12_01_1000
Revises: 2026_11_30_1000
Create Date: 2026-12-01 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_01_1000"
down_revision: str | Sequence[str] | None = "2026_11_30_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blob_arrival",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_blob_arrival_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("organisation_id", "sha256", name=op.f("pk_blob_arrival")),
    )


def downgrade() -> None:
    op.drop_table("blob_arrival")
