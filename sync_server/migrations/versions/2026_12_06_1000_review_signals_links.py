"""review signals links: issue 13 (Alle signalen and Koppelingen at any history size)

Revision ID: 2026_12_06_1000
Revises: 2026_12_05_1600
Create Date: 2026-12-06 10:00:00

A slot in a fixed chain, so that the parts built side by side never make two heads: a part that needs no schema
change leaves it empty.

Alle signalen: ``signal_fact`` gets copies of its control's organisation and ``raised_at`` (finish, else arrival),
filled here, and ``ix_signal_fact_review`` (organisation, verdict, level, raised_at, control, subject), from which
``review.signals`` reads the list in its order.

Koppelingen: ``identifier_cluster`` (one row per connected group of an organisation's controls: how many, the
smallest control id), ``control_identifier.cluster_id`` and the per-organisation ``identifier_cluster_lock``; the
clusters of the identifiers stored before are computed here (the definition ``links.clusters.components`` keeps
from now on), one organisation at a time.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1000"
down_revision: str | Sequence[str] | None = "2026_12_05_1600"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000


def upgrade() -> None:
    _signals()
    _clusters()


def _signals() -> None:
    with op.batch_alter_table("signal_fact") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("raised_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE signal_fact SET"
               " organisation_id = (SELECT i.organisation_id FROM inspection i WHERE i.id = signal_fact.inspection_id),"
               " raised_at = (SELECT COALESCE(i.finished_at, i.received_at) FROM inspection i"
               " WHERE i.id = signal_fact.inspection_id)")
    op.create_index("ix_signal_fact_review", "signal_fact",
                    ["organisation_id", "verdict", "level", "raised_at", "inspection_id", "subject_id"])


def _clusters() -> None:
    op.create_table(
        "identifier_cluster",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("controls", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_identifier_cluster_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifier_cluster")),
    )
    op.create_index("ix_identifier_cluster_order", "identifier_cluster", ["organisation_id", "controls", "anchor"])
    op.create_table(
        "identifier_cluster_lock",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_identifier_cluster_lock_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_identifier_cluster_lock")),
    )
    with op.batch_alter_table("control_identifier") as batch:
        batch.add_column(sa.Column("cluster_id", sa.Uuid(), nullable=True))
    op.create_index("ix_control_identifier_cluster", "control_identifier", ["cluster_id", "inspection_id"])
    _fill_clusters()


_IDENT = sa.table("control_identifier", sa.column("id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()),
                  sa.column("inspection_id", sa.Uuid()), sa.column("kind", sa.String()),
                  sa.column("digest", sa.String()), sa.column("cluster_id", sa.Uuid()))
_CLUSTER = sa.table("identifier_cluster", sa.column("id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()),
                    sa.column("controls", sa.Integer()), sa.column("anchor", sa.Uuid()))


def _components(rows: Sequence[tuple[uuid.UUID, str, str]]) -> list[set[uuid.UUID]]:
    """The connected groups of controls (also of one) joined by shared (kind, digest): a frozen copy of
    ``links.clusters.components``."""
    parent: dict[uuid.UUID, uuid.UUID] = {}
    first_of: dict[tuple[str, str], uuid.UUID] = {}

    def find(x: uuid.UUID) -> uuid.UUID:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for iid, kind, dig in rows:
        parent.setdefault(iid, iid)
        first = first_of.setdefault((kind, dig), iid)
        parent[find(iid)] = find(first)
    groups: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for iid in parent:
        groups[find(iid)].add(iid)
    return list(groups.values())


def _fill_clusters() -> None:
    bind = op.get_bind()
    organisations = list(bind.execute(sa.select(_IDENT.c.organisation_id).distinct()).scalars())
    for org in organisations:
        rows = bind.execute(sa.select(_IDENT.c.inspection_id, _IDENT.c.kind, _IDENT.c.digest)
                            .where(_IDENT.c.organisation_id == org)).all()
        clusters, members = [], []
        for group in _components([(r[0], r[1], r[2]) for r in rows]):
            cid = uuid.uuid4()
            clusters.append({"id": cid, "organisation_id": org, "controls": len(group), "anchor": min(group)})
            members += [{"c": cid, "i": iid} for iid in group]
        for start in range(0, len(clusters), CHUNK):
            bind.execute(sa.insert(_CLUSTER), clusters[start:start + CHUNK])
        stmt = (sa.update(_IDENT).where(_IDENT.c.inspection_id == sa.bindparam("i"))
                .values(cluster_id=sa.bindparam("c")))
        for start in range(0, len(members), CHUNK):
            bind.execute(stmt, members[start:start + CHUNK])


def downgrade() -> None:
    op.drop_index("ix_control_identifier_cluster", table_name="control_identifier")
    with op.batch_alter_table("control_identifier") as batch:
        batch.drop_column("cluster_id")
    op.drop_table("identifier_cluster_lock")
    op.drop_index("ix_identifier_cluster_order", table_name="identifier_cluster")
    op.drop_table("identifier_cluster")
    op.drop_index("ix_signal_fact_review", table_name="signal_fact")
    with op.batch_alter_table("signal_fact") as batch:
        batch.drop_column("raised_at")
        batch.drop_column("organisation_id")
