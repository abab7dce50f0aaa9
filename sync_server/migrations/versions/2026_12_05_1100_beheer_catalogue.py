"""beheer catalogue: issue 15 part B (catalogue drafts, reference cases, handhavingsmatrix)

Revision ID: 2026_12_05_1100
Revises: 2026_12_05_1000
Create Date: 2026-12-05 11:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads: a part that needs no schema
change leaves it empty.

* ``catalogue_draft`` (new): an organisation's draft of the next indicator catalogue version (one per organisation).
* ``catalogue_publication`` (new): who published a version from the office app, and the signed reason when
  reference cases failed.
* ``reference_case`` (new): an organisation's reference cases, seeded from ``assets/cases`` and edited in the app.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_05_1100"
down_revision: str | Sequence[str] | None = "2026_12_05_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_draft",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_catalogue_draft_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_draft")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_catalogue_draft_organisation_id")),
    )
    op.create_table(
        "catalogue_publication",
        sa.Column("catalogue_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cases_passed", sa.Integer(), nullable=False),
        sa.Column("cases_failed", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_catalogue_publication_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("catalogue_id", "version", name=op.f("pk_catalogue_publication")),
    )
    op.create_index(op.f("ix_catalogue_publication_organisation_id"), "catalogue_publication", ["organisation_id"],
                    unique=False)
    op.create_table(
        "reference_case",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_reference_case_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("organisation_id", "name", name=op.f("pk_reference_case")),
    )


def downgrade() -> None:
    op.drop_table("reference_case")
    op.drop_index(op.f("ix_catalogue_publication_organisation_id"), table_name="catalogue_publication")
    op.drop_table("catalogue_publication")
    op.drop_table("catalogue_draft")
