"""planning: start time, duration and establishment of planned controls; year targets; the establishment
register, violations and handhavingsmatrix versions (additive)

Revision ID: 2026_11_29_1100
Revises: 2026_11_29_1000
Create Date: 2026-11-29 11:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_29_1100"
down_revision: str | Sequence[str] | None = "2026_11_29_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "establishment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("address_key", sa.String(length=120), nullable=False),
        sa.Column("licence_status", sa.String(length=20), nullable=False),
        sa.Column("licence_number", sa.String(length=60), nullable=False),
        sa.Column("licence_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_establishment")),
    )
    with op.batch_alter_table("establishment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_establishment_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_establishment_address_key"), ["address_key"], unique=False)
    op.create_table(
        "establishment_violation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("establishment_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("step_taken", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["establishment_id"], ["establishment.id"],
                                name=op.f("fk_establishment_violation_establishment_id_establishment")),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name=op.f("fk_establishment_violation_inspection_id_inspection")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user_account.id"],
                                name=op.f("fk_establishment_violation_recorded_by_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_establishment_violation")),
    )
    with op.batch_alter_table("establishment_violation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_establishment_violation_establishment_id"), ["establishment_id"],
                              unique=False)
    op.create_table(
        "enforcement_matrix",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_enforcement_matrix")),
    )
    op.create_table(
        "plan_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_plan_year")),
    )
    with op.batch_alter_table("planned_control", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), server_default="120", nullable=False))
        batch_op.add_column(sa.Column("establishment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_planned_control_establishment_id"), ["establishment_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_planned_control_establishment_id_establishment"),
                                    "establishment", ["establishment_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("planned_control", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_planned_control_establishment_id_establishment"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_planned_control_establishment_id"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("establishment_id")
        batch_op.drop_column("duration_minutes")
        batch_op.drop_column("start_time")
    op.drop_table("plan_year")
    op.drop_table("enforcement_matrix")
    with op.batch_alter_table("establishment_violation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_establishment_violation_establishment_id"))
    op.drop_table("establishment_violation")
    with op.batch_alter_table("establishment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_establishment_address_key"))
        batch_op.drop_index(batch_op.f("ix_establishment_kind"))
    op.drop_table("establishment")
