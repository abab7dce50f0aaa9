"""scale: office lists page in the database (review queue, signals, links, establishments, audit) — issue 13 part A1

Revision ID: 2026_12_04_1000
Revises: 2026_12_03_1400
Create Date: 2026-12-04 10:00:00

Indexes for the lists that now page in SQL (each checked with EXPLAIN in tests/server/test_query_plans_office.py):

* ``ix_inspection_queue_org`` / ``ix_inspection_queue_team``: the review queue of a ketenregisseur (organisation)
  and a teamleider (team) in its order, ``level``, ``started_at``, ``id`` (a level filter uses them too);
* ``ix_signal_verification_signal``: a signal's latest verification (Alle signalen sorts by it);
* ``ix_control_identifier_org_kind_digest_inspection`` replaces ``ix_control_identifier_org_kind_digest``: the same
  lookups, and the clusters' grouping of shared values by control read from the index alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "2026_12_04_1000"
down_revision: str | Sequence[str] | None = "2026_12_03_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_index("ix_inspection_queue_org", "inspection", ["organisation_id", "level", "started_at", "id"])
    op.create_index("ix_inspection_queue_team", "inspection", ["team_id", "level", "started_at", "id"])
    op.create_index("ix_signal_verification_signal", "signal_verification", ["inspection_id", "subject_id", "at"])
    op.create_index("ix_control_identifier_org_kind_digest_inspection", "control_identifier",
                    ["organisation_id", "kind", "digest", "inspection_id"])
    op.drop_index("ix_control_identifier_org_kind_digest", table_name="control_identifier")


def downgrade() -> None:
    op.create_index("ix_control_identifier_org_kind_digest", "control_identifier",
                    ["organisation_id", "kind", "digest"])
    op.drop_index("ix_control_identifier_org_kind_digest_inspection", table_name="control_identifier")
    op.drop_index("ix_signal_verification_signal", table_name="signal_verification")
    op.drop_index("ix_inspection_queue_team", table_name="inspection")
    op.drop_index("ix_inspection_queue_org", table_name="inspection")
