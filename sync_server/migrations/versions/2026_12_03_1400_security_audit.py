"""security: tamper-evident audit trail and retention runs — issue 12 part D

Revision ID: 2026_12_03_1400
Revises: 2026_12_03_1300
Create Date: 2026-12-03 14:00:00

A slot in a fixed chain, so that the parts of issue 12 built side by side never make two heads: a part that needs
no schema change leaves it empty.
"""

from collections.abc import Sequence

revision: str = "2026_12_03_1400"
down_revision: str | Sequence[str] | None = "2026_12_03_1300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
