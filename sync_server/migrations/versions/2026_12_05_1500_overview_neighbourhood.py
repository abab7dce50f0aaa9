"""overview neighbourhood: the address's neighbourhood and address key as columns of inspection, a covering index
for the office's counts and one for the controls at an address (issue 13: aard en omvang and the establishments read
every wide inspection row and its address JSON)

Revision ID: 2026_12_05_1500
Revises: 2026_12_05_1400
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sync_server.inspections.models import address_key_of

CHUNK = 1000

revision: str = "2026_12_05_1500"
down_revision: str | Sequence[str] | None = "2026_12_05_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection") as batch:
        batch.add_column(sa.Column("neighbourhood", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("address_key", sa.String(length=400), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE inspection SET neighbourhood = left(NULLIF(address->>'neighbourhood', ''), 100)")
    else:
        op.execute("UPDATE inspection SET neighbourhood = substr(NULLIF(json_extract(address, '$.neighbourhood'), ''),"
                   " 1, 100)")
    op.create_index("ix_inspection_overview", "inspection",
                    ["organisation_id", "status", "started_at", "control_type", "level", "neighbourhood", "team_id"])
    _fill_address_keys()
    op.create_index("ix_inspection_address_key", "inspection", ["organisation_id", "address_key", "status"])


def _fill_address_keys() -> None:
    """The key's normalisation is Python's (``schemas.addresses.address_key``): computed here, in chunks."""
    bind = op.get_bind()
    table = sa.table("inspection", sa.column("id", sa.Uuid()), sa.column("address", sa.JSON()),
                     sa.column("address_key", sa.String()))
    last = None
    while True:
        stmt = sa.select(table.c.id, table.c.address).order_by(table.c.id).limit(CHUNK)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        rows = list(bind.execute(stmt))
        if not rows:
            return
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                     .values(address_key=sa.bindparam("key")),
                     [{"row_id": r.id, "key": address_key_of(r.address)} for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_inspection_address_key", table_name="inspection")
    op.drop_index("ix_inspection_overview", table_name="inspection")
    with op.batch_alter_table("inspection") as batch:
        batch.drop_column("address_key")
        batch.drop_column("neighbourhood")
