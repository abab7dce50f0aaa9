"""scale: aggregates in SQL (reporting, planning, exports) — issue 13 part A2

Revision ID: 2026_12_04_1100
Revises: 2026_12_04_1000
Create Date: 2026-12-04 11:00:00

``signal_fact``: one row per signal (a flag subject at level >= 1) with its level, profile, label and indicator
codes, so aard en omvang, the uitzendbureaus, the ranking and the MDO export count signals in SQL instead of
parsing every flag (``sync_server.inspections.signal_facts`` keeps them in step from now on); filled here from the
flags stored so far. Indexes for the reporting and planning queries (docs/PERFORMANCE.md, "Reporting and
planning at 100,000 controls"): ``ix_inspection_org_status_started`` (aard en omvang over a year),
``ix_inspection_planned_control`` (whether a planned control is under way or done: year plan, schedule) and
``ix_answer_question`` (the uitzendbureaus named as landlord in one question's answers).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_04_1100"
down_revision: str | Sequence[str] | None = "2026_12_04_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def upgrade() -> None:
    op.create_table(
        "signal_fact",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=True),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE",
                                name=op.f("fk_signal_fact_inspection_id_inspection")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_fact")),
    )
    with op.batch_alter_table("signal_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_fact_inspection_id"), ["inspection_id"], unique=False)
    _fill_signal_facts()
    op.create_index("ix_inspection_org_status_started", "inspection", ["organisation_id", "status", "started_at"])
    op.create_index("ix_inspection_planned_control", "inspection", ["planned_control_id", "organisation_id", "status"])
    op.create_index("ix_answer_question", "answer", ["question_id", "person_id"])


def _subjects(flag: Any) -> list[dict[str, Any]]:
    if not isinstance(flag, dict):
        return []
    return [s for s in flag.get("subjects", []) if isinstance(s, dict) and int(s.get("level", 0)) >= 1]


def _row(inspection_id: Any, s: dict[str, Any]) -> dict[str, Any]:
    codes = sorted({str(h.get("code")) for h in s.get("hits", []) if isinstance(h, dict)})
    return {"inspection_id": inspection_id, "subject_id": str(s["subject_id"]), "label": str(s.get("label", "")),
            "level": int(s["level"]), "profile": str(s["profile"]) if s.get("profile") else None,
            "codes": ", ".join(codes)}


def _fill_signal_facts() -> None:
    """The facts of every flag stored so far, read and written ``BATCH`` controls at a time (by id)."""
    conn = op.get_bind()
    inspection = sa.table("inspection", sa.column("id", sa.Uuid()), sa.column("level", sa.Integer()),
                          sa.column("flag", sa.JSON()))
    fact = sa.table("signal_fact", sa.column("inspection_id", sa.Uuid()), sa.column("subject_id", sa.String()),
                    sa.column("label", sa.Text()), sa.column("level", sa.Integer()),
                    sa.column("profile", sa.String()), sa.column("codes", sa.Text()))
    after = None
    while True:
        stmt = sa.select(inspection.c.id, inspection.c.flag).where(inspection.c.level >= 1).order_by(
            inspection.c.id).limit(BATCH)
        if after is not None:
            stmt = stmt.where(inspection.c.id > after)
        rows = conn.execute(stmt).all()
        if not rows:
            return
        values = [_row(iid, s) for iid, flag in rows for s in _subjects(flag)]
        if values:
            conn.execute(fact.insert(), values)
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_answer_question", table_name="answer")
    op.drop_index("ix_inspection_planned_control", table_name="inspection")
    op.drop_index("ix_inspection_org_status_started", table_name="inspection")
    with op.batch_alter_table("signal_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_fact_inspection_id"))
    op.drop_table("signal_fact")
