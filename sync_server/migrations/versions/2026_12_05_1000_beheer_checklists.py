"""beheer checklists: issue 15 part A (checklist drafts)

Revision ID: 2026_12_05_1000
Revises: 2026_12_04_1300
Create Date: 2026-12-05 10:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads: a part that needs no schema
change leaves it empty.

* ``checklist_draft`` (new): a beheerder's draft of the next version of one checklist, one per organisation and
  template id; published versions stay in ``published_template``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_05_1000"
down_revision: str | Sequence[str] | None = "2026_12_04_1300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checklist_draft",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_checklist_draft_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"],
                                name=op.f("fk_checklist_draft_created_by_user_account")),
        sa.ForeignKeyConstraint(["updated_by"], ["user_account.id"],
                                name=op.f("fk_checklist_draft_updated_by_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_draft")),
        sa.UniqueConstraint("organisation_id", "template_id",
                            name=op.f("uq_checklist_draft_organisation_id_template_id")),
    )
    op.create_index(op.f("ix_checklist_draft_organisation_id"), "checklist_draft", ["organisation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_checklist_draft_organisation_id"), table_name="checklist_draft")
    op.drop_table("checklist_draft")
