"""sync: finding conflicts, office-correction seqs, scope epochs and served cursors (additive)

Revision ID: 2026_11_29_1000
Revises: 0001
Create Date: 2026-11-29 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_29_1000"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope_key", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("scope_epoch", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("served_cursor", sa.BigInteger(), server_default="0", nullable=False))
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_office_seq", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_seq", sa.BigInteger(), nullable=True))
    op.create_table(
        "finding_conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.BigInteger(), nullable=False),
        sa.Column("device_value", sa.JSON(), nullable=True),
        sa.Column("office_value", sa.JSON(), nullable=True),
        sa.Column("office_seq", sa.BigInteger(), nullable=False),
        sa.Column("winner", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.String(length=12), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name=op.f("fk_finding_conflict_inspection_id_inspection")),
        sa.ForeignKeyConstraint(["resolved_by"], ["user_account.id"],
                                name=op.f("fk_finding_conflict_resolved_by_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_conflict")),
    )
    with op.batch_alter_table("finding_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_conflict_inspection_id"), ["inspection_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("finding_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_conflict_inspection_id"))
    op.drop_table("finding_conflict")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("office_seq")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_column("note_office_seq")
    with op.batch_alter_table("sync_client", schema=None) as batch_op:
        batch_op.drop_column("served_cursor")
        batch_op.drop_column("scope_epoch")
        batch_op.drop_column("scope_key")
