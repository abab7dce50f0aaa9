"""security: tamper-evident audit trail and retention runs — issue 12 part D

Revision ID: 2026_12_03_1400
Revises: 2026_12_03_1300
Create Date: 2026-12-03 14:00:00

The audit trail becomes a hash chain per organisation: ``audit_entry`` gets ``chain_seq``, ``prev_hash`` and
``entry_hash`` (existing entries are chained here, per organisation in the order they were written), the head of
each chain lives in ``audit_chain``, retention checkpoints in ``audit_checkpoint``. ``audit_entry.inspection_id``
loses its foreign key: an entry about a control outlives the control's retention period; ``user_id`` may be
empty (what the server did by itself, a purge). ``purge_run`` records
what each purge deleted.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1400"
down_revision: str | Sequence[str] | None = "2026_12_03_1300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        _fk("audit_chain", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_audit_chain")),
    )
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("through_seq", sa.BigInteger(), nullable=False),
        sa.Column("through_hash", sa.String(length=64), nullable=False),
        sa.Column("through_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("audit_checkpoint", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index(op.f("ix_audit_checkpoint_organisation_id"), "audit_checkpoint", ["organisation_id"])
    op.create_table(
        "purge_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        _fk("purge_run", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_run")),
    )
    op.create_index(op.f("ix_purge_run_organisation_id"), "purge_run", ["organisation_id"])
    op.create_index(op.f("ix_purge_run_run_id"), "purge_run", ["run_id"])
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch.drop_constraint("fk_audit_entry_inspection_id_inspection", type_="foreignkey")
        batch.alter_column("user_id", existing_type=sa.Uuid(), nullable=True)
    _chain_existing_entries()
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("chain_seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint("uq_audit_entry_organisation_id_chain_seq", ["organisation_id", "chain_seq"])


_ENTRY = sa.table(
    "audit_entry", sa.column("id", sa.Integer()), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()), sa.column("username", sa.String()),
    sa.column("role", sa.String()), sa.column("action", sa.String()), sa.column("object_type", sa.String()),
    sa.column("object_id", sa.String()), sa.column("inspection_id", sa.Uuid()), sa.column("detail", sa.JSON()),
    sa.column("chain_seq", sa.BigInteger()), sa.column("prev_hash", sa.String()), sa.column("entry_hash", sa.String()),
)
_CHAIN = sa.table("audit_chain", sa.column("organisation_id", sa.Uuid()), sa.column("seq", sa.BigInteger()),
                  sa.column("head_hash", sa.String()))


def _chain_existing_entries() -> None:
    """Chain every existing entry, per organisation in row-id order (the order they were written), with the same
    hash the server computes (``sync_server.review.chain``)."""
    from sync_server.review.chain import entry_hash
    from sync_server.review.models import AuditEntry

    conn = op.get_bind()
    heads: dict[Any, tuple[int, str]] = {}
    for row in conn.execute(sa.select(_ENTRY).order_by(_ENTRY.c.id)).mappings():
        seq, prev = heads.get(row["organisation_id"], (0, GENESIS))
        entry = AuditEntry(**{k: row[k] for k in ("at", "user_id", "organisation_id", "username", "role", "action",
                                                  "object_type", "object_id", "inspection_id", "detail")})
        entry.chain_seq = seq + 1
        digest = entry_hash(prev, entry)
        conn.execute(_ENTRY.update().where(_ENTRY.c.id == row["id"])
                     .values(chain_seq=seq + 1, prev_hash=prev, entry_hash=digest))
        heads[row["organisation_id"]] = (seq + 1, digest)
    for organisation_id, (seq, digest) in heads.items():
        conn.execute(_CHAIN.insert().values(organisation_id=organisation_id, seq=seq, head_hash=digest))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint("uq_audit_entry_organisation_id_chain_seq", type_="unique")
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("chain_seq")
        batch.create_foreign_key("fk_audit_entry_inspection_id_inspection", "inspection", ["inspection_id"], ["id"])
    op.execute("DELETE FROM audit_entry WHERE user_id IS NULL")
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("user_id", existing_type=sa.Uuid(), nullable=False)
    op.drop_index(op.f("ix_purge_run_run_id"), table_name="purge_run")
    op.drop_index(op.f("ix_purge_run_organisation_id"), table_name="purge_run")
    op.drop_table("purge_run")
    op.drop_index(op.f("ix_audit_checkpoint_organisation_id"), table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_chain")
