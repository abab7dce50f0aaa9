"""reporting planning: issue 13 (aard en omvang, uitzendbureaus, year plan and Waar kijken we? at any history size)

Revision ID: 2026_12_06_1100
Revises: 2026_12_06_1000
Create Date: 2026-12-06 11:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads: a part that needs no schema
change leaves it empty.
"""

from collections.abc import Sequence

revision: str = "2026_12_06_1100"
down_revision: str | Sequence[str] | None = "2026_12_06_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
