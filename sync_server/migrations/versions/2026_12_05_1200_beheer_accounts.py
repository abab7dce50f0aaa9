"""beheer accounts: issue 15 part C (users, teams, devices, settings)

Revision ID: 2026_12_05_1200
Revises: 2026_12_05_1100
Create Date: 2026-12-05 12:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads. This part adds
``organisation_settings``: an organisation's own retention periods (shorter than the server's) and its verification
deadline; no row means the server's environment settings apply, so an existing server changes nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_05_1200"
down_revision: str | Sequence[str] | None = "2026_12_05_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation_settings",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("retention_controls_without_signals_days", sa.Integer(), nullable=True),
        sa.Column("retention_unfounded_signals_days", sa.Integer(), nullable=True),
        sa.Column("retention_referred_days", sa.Integer(), nullable=True),
        sa.Column("retention_photos_days", sa.Integer(), nullable=True),
        sa.Column("retention_audit_days", sa.Integer(), nullable=True),
        sa.Column("verify_within_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_organisation_settings_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_organisation_settings")),
    )


def downgrade() -> None:
    op.drop_table("organisation_settings")
