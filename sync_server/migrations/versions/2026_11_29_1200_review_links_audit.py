"""review: signal verifications, referrals, comments, the audit trail; links: control identifiers as
keyed hashes (additive)

Revision ID: 2026_11_29_1200
Revises: 2026_11_29_1100
Create Date: 2026-11-29 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_29_1200"
down_revision: str | Sequence[str] | None = "2026_11_29_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "signal_verification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("signal_verification", "inspection_id", "inspection"),
        _fk("signal_verification", "by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_verification")),
    )
    op.create_index(op.f("ix_signal_verification_inspection_id"), "signal_verification", ["inspection_id"])
    op.create_table(
        "signal_referral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("partner", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("signal_referral", "inspection_id", "inspection"),
        _fk("signal_referral", "by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_referral")),
    )
    op.create_index(op.f("ix_signal_referral_inspection_id"), "signal_referral", ["inspection_id"])
    op.create_table(
        "review_comment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("review_comment", "inspection_id", "inspection"),
        _fk("review_comment", "author_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comment")),
    )
    op.create_index(op.f("ix_review_comment_inspection_id"), "review_comment", ["inspection_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        _fk("audit_entry", "user_id", "user_account"),
        _fk("audit_entry", "inspection_id", "inspection"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_at"), "audit_entry", ["at"])
    op.create_index(op.f("ix_audit_entry_inspection_id"), "audit_entry", ["inspection_id"])
    op.create_table(
        "control_identifier",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=40), nullable=False),
        sa.Column("public_value", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("control_identifier", "inspection_id", "inspection"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_identifier")),
    )
    op.create_index(op.f("ix_control_identifier_inspection_id"), "control_identifier", ["inspection_id"])
    op.create_index("ix_control_identifier_kind_digest", "control_identifier", ["kind", "digest"])


def downgrade() -> None:
    for table in ("control_identifier", "audit_entry", "review_comment", "signal_referral", "signal_verification"):
        op.drop_table(table)
