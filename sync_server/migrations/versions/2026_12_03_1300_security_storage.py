"""security: shorter identifier hints, quarantine sizes, photo holders — issue 12 part C

Revision ID: 2026_12_03_1300
Revises: 2026_12_03_1200
Create Date: 2026-12-03 13:00:00

* ``control_identifier.hint``: every stored hint is shortened to the new rule of ``schemas.identifiers.hint``
  (a phone number keeps its first two characters, anything else its first, then six dots; an uitzendbureau's
  KvK number stays whole). The old hint (first two and last two characters) holds everything the new one needs.
  A downgrade cannot bring the removed characters back; it leaves the short hints.
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


def upgrade() -> None:
    _shorten_hints()


def downgrade() -> None:
    pass  # the characters the old hints showed are gone for good
