"""security: shorter identifier hints, quarantine sizes, photo holders — issue 12 part C

Revision ID: 2026_12_03_1300
Revises: 2026_12_03_1200
Create Date: 2026-12-03 13:00:00

* ``control_identifier.hint``: every stored hint is shortened to the new rule of ``schemas.identifiers.hint``
  (a phone number keeps its first two characters, anything else its first, then six dots; an uitzendbureau's
  KvK number stays whole). The old hint (first two and last two characters) holds everything the new one needs.
  A downgrade cannot bring the removed characters back; it leaves the short hints.
* ``blob_holder`` (new): who uploaded every byte of a photo; a control's photo is present, and downloadable, only
  when its inspector holds it. Filled from what is known: each blob's uploader, and the inspector of every control
  that references a stored blob (attachments made before this revision keep their photos).
* ``quarantine.size``: the bytes of each quarantined push (a quota per user); existing rows are measured.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_03_1300"
down_revision: str | Sequence[str] | None = "2026_12_03_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MASK = "••••••"


def shortened_hint(kind: str, old: str) -> str:
    """The new hint from the old one (``canonical[:2] + up to 8 dots + canonical[-2:]``, or only dots for a value
    of at most 4 characters); kept here, not imported, so this revision keeps meaning what it meant."""
    if kind == "uitzendbureau":
        return old
    if not old or set(old) == {"•"}:
        return MASK
    length = len(old) if old.count("•") < 8 else 12  # eight dots: the value had 12 characters or more
    shown = 2 if kind == "phone" else 1
    return old[:shown] + MASK if length > shown + 3 else MASK


def _shorten_hints() -> None:
    identifiers = sa.table("control_identifier", sa.column("id", sa.Uuid()), sa.column("kind", sa.String()),
                           sa.column("hint", sa.String()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(identifiers.c.id, identifiers.c.kind, identifiers.c.hint)).all()
    changed = [{"row_id": row_id, "new_hint": shortened_hint(kind, hint)} for row_id, kind, hint in rows
               if shortened_hint(kind, hint) != hint]
    if changed:
        bind.execute(identifiers.update().where(identifiers.c.id == sa.bindparam("row_id"))
                     .values(hint=sa.bindparam("new_hint")), changed)


def _create_holders() -> None:
    op.create_table(
        "blob_holder",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_blob_holder_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_blob_holder_user_id_user_account")),
        sa.PrimaryKeyConstraint("organisation_id", "sha256", "user_id", name=op.f("pk_blob_holder")),
    )
    op.create_index("ix_blob_holder_user_received", "blob_holder", ["user_id", "received_at"], unique=False)
    op.execute("""
        INSERT INTO blob_holder (organisation_id, sha256, user_id, size, received_at)
        SELECT organisation_id, sha256, user_id, MAX(size), MIN(stored_at) FROM (
            SELECT b.organisation_id, b.sha256, b.uploaded_by AS user_id, b.size, b.stored_at
              FROM blob b WHERE b.uploaded_by IS NOT NULL
            UNION ALL
            SELECT b.organisation_id, b.sha256, i.inspector_id AS user_id, b.size, b.stored_at
              FROM blob b JOIN photo p ON p.sha256 = b.sha256
              JOIN inspection i ON i.id = p.inspection_id AND i.organisation_id = b.organisation_id
        ) known GROUP BY organisation_id, sha256, user_id
    """)


def upgrade() -> None:
    _shorten_hints()
    _create_holders()
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute("UPDATE quarantine SET size = LENGTH(CAST(payload AS TEXT))")


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_column("size")
    op.drop_index("ix_blob_holder_user_received", table_name="blob_holder")
    op.drop_table("blob_holder")
    # the characters the old hints showed are gone for good: the short hints stay
