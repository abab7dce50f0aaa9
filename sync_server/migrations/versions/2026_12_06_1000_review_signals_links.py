"""review signals links: issue 13 (Alle signalen and Koppelingen at any history size)

Revision ID: 2026_12_06_1000
Revises: 2026_12_05_1600
Create Date: 2026-12-06 10:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads: a part that needs no schema
change leaves it empty.
"""

from collections.abc import Sequence

revision: str = "2026_12_06_1000"
down_revision: str | Sequence[str] | None = "2026_12_05_1600"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
