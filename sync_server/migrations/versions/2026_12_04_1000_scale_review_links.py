"""scale: office lists page in the database (review queue, signals, links, establishments, audit) — issue 13 part A1

Revision ID: 2026_12_04_1000
Revises: 2026_12_03_1400
Create Date: 2026-12-04 10:00:00

A slot in a fixed chain, so that the parts of issue 13 built side by side never make two heads: a part that needs
no schema change leaves it empty.
"""

from collections.abc import Sequence

revision: str = "2026_12_04_1000"
down_revision: str | Sequence[str] | None = "2026_12_03_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
