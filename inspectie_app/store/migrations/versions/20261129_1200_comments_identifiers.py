"""Review on the tablet: the team lead's comments (pull entity ``comment``) and the identifiers recorded on
a control. Additive only.

Revision ID: 20261129_1200
Revises: 20261129_1000
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_1200"
down_revision = "20261129_1000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_comment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE",
                                name=op.f("fk_review_comment_inspection_id_inspection")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comment")),
    )
    op.create_index(op.f("ix_review_comment_inspection_id"), "review_comment", ["inspection_id"])
    op.create_table(
        "control_identifier",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("inspection_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE",
                                name=op.f("fk_control_identifier_inspection_id_inspection")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_identifier")),
    )
    op.create_index(op.f("ix_control_identifier_inspection_id"), "control_identifier", ["inspection_id"])


def downgrade() -> None:
    op.drop_table("control_identifier")
    op.drop_table("review_comment")
