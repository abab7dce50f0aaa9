"""reporting planning: issue 13 (aard en omvang, uitzendbureaus, year plan and Waar kijken we? at any history size)

Revision ID: 2026_12_06_1100
Revises: 2026_12_06_1000
Create Date: 2026-12-06 11:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads.

``control_fact``: one narrow row per control with its local quarter and address key (``inspections.control_facts``,
kept by a flush hook from now on), filled here for the controls stored before, in chunks (the local quarter is
Python's time zone arithmetic, the same function the hook uses), with the persons of each. Indexes for the year
plan's unplanned pandenacties finished in a year and for the uitzendbureaus by number.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sync_server.inspections.control_facts import persons_of, row_of

CHUNK = 1000

revision: str = "2026_12_06_1100"
down_revision: str | Sequence[str] | None = "2026_12_06_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "control_fact",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("on_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("control_type", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("neighbourhood", sa.String(length=100), nullable=True),
        sa.Column("address_key", sa.String(length=400), nullable=True),
        sa.Column("signals", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"], ondelete="CASCADE",
                                name=op.f("fk_control_fact_inspection_id_inspection")),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_control_fact")),
    )
    _fill()
    op.create_index("ix_control_fact_overview", "control_fact",
                    ["organisation_id", "finished", "quarter", "control_type", "level", "neighbourhood", "team_id",
                     "inspector_id"])
    op.create_index("ix_control_fact_signals", "control_fact",
                    ["organisation_id", "finished", "quarter", "team_id", "inspector_id", "inspection_id"],
                    sqlite_where=sa.text("signals > 0"), postgresql_where=sa.text("signals > 0"))
    op.create_index("ix_control_fact_address", "control_fact",
                    ["organisation_id", "address_key", "finished", "on_at", "level"])
    op.create_index("ix_control_fact_level", "control_fact",
                    ["organisation_id", "level", "on_at", "finished", "address_key"])
    op.create_index("ix_control_identifier_agency", "control_identifier",
                    ["organisation_id", "kind", "public_value", "inspection_id"])
    op.create_index("ix_inspection_unplanned", "inspection",
                    ["organisation_id", "status", "control_type", "planned_control_id", "finished_at"])


def _fill() -> None:
    """A fact row for every stored control, read in chunks of the primary key."""
    bind = op.get_bind()
    ids = ("id", "organisation_id", "team_id", "inspector_id")
    plain = ("status", "control_type", "level", "neighbourhood", "address_key")
    source = sa.table("inspection", *(sa.column(name, sa.Uuid()) for name in ids),
                      *(sa.column(name) for name in plain),
                      sa.column("started_at", sa.DateTime(timezone=True)),
                      sa.column("finished_at", sa.DateTime(timezone=True)), sa.column("flag", sa.JSON()))
    target = sa.table("control_fact", *(sa.column(name, sa.Uuid()) for name in (
        "inspection_id", "organisation_id", "team_id", "inspector_id")),
        sa.column("on_at", sa.DateTime(timezone=True)), *(sa.column(name) for name in (
            "finished", "quarter", "control_type", "level", "neighbourhood", "address_key", "signals", "persons")))
    last = None
    while True:
        stmt = sa.select(source).order_by(source.c.id).limit(CHUNK)
        if last is not None:
            stmt = stmt.where(source.c.id > last)
        rows = list(bind.execute(stmt))
        if not rows:
            return
        persons = persons_of(bind, [r.id for r in rows])
        bind.execute(sa.insert(target), [row_of(r, persons.get(r.id, 0)) for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_inspection_unplanned", table_name="inspection")
    op.drop_index("ix_control_identifier_agency", table_name="control_identifier")
    op.drop_table("control_fact")
