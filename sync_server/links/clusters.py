"""Clusters of controls linked by shared identifiers, kept up to date as identifiers come and go.

Why: "Koppelingen" shows an organisation's connected groups of controls, largest first. Computing them means
joining every identifier value to every other (1.5 s at 100,000 controls, and growing with the years). Instead every
``control_identifier`` row carries the id of its control's cluster (``identifier_cluster``: the organisation, how
many controls, the smallest control id), so the screen pages over clusters in SQL and reads the rows of a page's
clusters only.

How they are kept, from any writer (the push's ``identifier.add``/``remove``, retention's purge, a test's factory):

* a new row (``after_flush``) *merges*: the clusters of its control and of every other row with the same value
  become one (the largest keeps its id; the others' rows move to it), or the control becomes a cluster of one;
* a deleted row (``session.delete``: its cluster read in ``before_flush``; a bulk ``DELETE``: read before it runs,
  ``do_orm_execute``) *splits*: the rows left in its cluster are grouped again (union-find over that cluster only)
  and each group gets a cluster of its own.

Each writer first takes its organisation's row lock (``identifier_cluster_lock``, held to the end of the
transaction), so two transactions never merge or split from each other's stale view. ``tests/server/
test_link_clusters.py`` compares the kept clusters with a computation from scratch after random adds and removes,
also from concurrent transactions. Migration 2026_12_06_1000 fills them for the rows stored before.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, and_, case, delete, event, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from sync_server.links.models import Cluster, ClusterLock, Identifier
from sync_server.tenancy import access

CHUNK = 500
_ROWS = cast(Table, Identifier.__table__)
_SPLITS = "links.clusters.split"  # session.info key: clusters whose rows a flush deletes

Value = tuple[str, str]
"""An identifier value as stored: (kind, digest)."""


def components(rows: Iterable[tuple[uuid.UUID, str, str]]) -> list[set[uuid.UUID]]:
    """The connected groups of controls, one per group (also groups of one), joined by the values in ``rows``
    ((control id, kind, digest)) - the definition the kept clusters follow."""
    parent: dict[uuid.UUID, uuid.UUID] = {}
    first_of: dict[Value, uuid.UUID] = {}

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


def lock(session: Session, organisation_id: uuid.UUID) -> None:
    """Take the organisation's cluster lock (its row created the first time), held until the transaction ends."""
    table = cast(Table, ClusterLock.__table__)
    query = select(table.c.organisation_id).where(access.in_organisation(table.c, organisation_id)).with_for_update()
    if session.execute(query).first() is None:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(table).values(organisation_id=organisation_id).on_conflict_do_nothing())
        session.execute(query)


def _clusters_of(session: Session, *where: Any) -> set[uuid.UUID]:
    ident = cast(Table, Identifier.__table__).c
    return set(session.scalars(select(ident.cluster_id).where(ident.cluster_id.is_not(None), *where).distinct()))


def merge(session: Session, row_id: uuid.UUID, organisation_id: uuid.UUID, inspection_id: uuid.UUID, kind: str,
          dig: str) -> uuid.UUID:
    """Put a new identifier row into the cluster of its control and of its value's other rows (merging those);
    returns the cluster id. The common cases take one lookup and one or two updates: a control already in the
    only cluster found keeps it; a control joining one cluster adds itself to its count."""
    ident, clusters = cast(Table, Identifier.__table__).c, cast(Table, Cluster.__table__)
    found = session.execute(select(ident.cluster_id, ident.inspection_id == inspection_id).distinct().where(
        ident.cluster_id.is_not(None), or_(ident.inspection_id == inspection_id, and_(
            access.in_organisation(ident, organisation_id), ident.kind == kind, ident.digest == dig)))).all()
    own = {cid for cid, mine in found if mine}
    ids = {cid for cid, _mine in found}
    if not ids:
        target = uuid.uuid4()
        session.execute(insert(clusters).values(id=target, organisation_id=organisation_id, controls=1,
                                                anchor=inspection_id))
    elif len(ids) == 1:
        target = next(iter(ids))
        if not own:  # the control joins: one more, and perhaps the smallest id
            session.execute(update(clusters).where(clusters.c.id == target).values(
                controls=clusters.c.controls + 1,
                anchor=case((clusters.c.anchor > inspection_id, inspection_id), else_=clusters.c.anchor)))
    else:
        rows = session.execute(select(clusters.c.id, clusters.c.controls, clusters.c.anchor)
                               .where(clusters.c.id.in_(ids))).all()
        target = max(rows, key=lambda r: (r.controls, str(r.id))).id
        others = [r.id for r in rows if r.id != target]
        session.execute(update(_ROWS).where(ident.cluster_id.in_(others)).values(cluster_id=target))
        session.execute(delete(clusters).where(clusters.c.id.in_(others)))
        size = sum(r.controls for r in rows) + (0 if own else 1)
        anchor = min([r.anchor for r in rows] + [inspection_id])
        session.execute(update(clusters).where(clusters.c.id == target).values(controls=size, anchor=anchor))
    session.execute(update(_ROWS).where(ident.id == row_id).values(cluster_id=target))
    return target


def split(session: Session, cluster_id: uuid.UUID) -> None:
    """Group the rows left in a cluster again after some were deleted: the largest group keeps the cluster, each
    other group gets one of its own, an empty cluster goes."""
    ident, clusters = cast(Table, Identifier.__table__).c, cast(Table, Cluster.__table__)
    head = session.execute(select(clusters.c.organisation_id).where(clusters.c.id == cluster_id)).first()
    if head is None:
        return
    rows = session.execute(select(ident.inspection_id, ident.kind, ident.digest)
                           .where(ident.cluster_id == cluster_id)).all()
    groups = sorted(components((r[0], r[1], r[2]) for r in rows), key=lambda g: (-len(g), str(min(g))))
    if not groups:
        session.execute(delete(clusters).where(clusters.c.id == cluster_id))
        return
    session.execute(update(clusters).where(clusters.c.id == cluster_id)
                    .values(controls=len(groups[0]), anchor=min(groups[0])))
    for group in groups[1:]:
        new = uuid.uuid4()
        session.execute(insert(clusters).values(id=new, organisation_id=head[0], controls=len(group),
                                                anchor=min(group)))
        members = sorted(group, key=str)
        for start in range(0, len(members), CHUNK):
            chunk = members[start:start + CHUNK]
            session.execute(update(_ROWS).where(ident.cluster_id == cluster_id, ident.inspection_id.in_(chunk))
                            .values(cluster_id=new))


def _lock_all(session: Session, organisations: Iterable[uuid.UUID]) -> None:
    for org in sorted(set(organisations), key=str):
        lock(session, org)


@event.listens_for(Session, "before_flush")
def _note_deleted(session: Session, _context: Any, _instances: Any) -> None:
    """Before identifier rows are written or deleted: their organisations' locks, and the clusters of the rows
    this flush deletes (read before they go)."""
    touched = [o for o in (*session.new, *session.deleted) if isinstance(o, Identifier)]
    if not touched:
        return
    with session.no_autoflush:
        _lock_all(session, (o.organisation_id for o in touched))
        ids = [o.id for o in session.deleted if isinstance(o, Identifier)]
        if ids:
            session.info.setdefault(_SPLITS, set()).update(_clusters_of(session, _ROWS.c.id.in_(ids)))


@event.listens_for(Session, "after_flush")
def _follow_identifiers(session: Session, _context: Any) -> None:
    """Split the clusters that lost rows in this flush, then merge the new rows in (locks taken before it)."""
    splits: set[uuid.UUID] = session.info.pop(_SPLITS, set())
    for cid in sorted(splits, key=str):
        split(session, cid)
    new = sorted((o for o in session.new if isinstance(o, Identifier)), key=lambda o: str(o.id))
    for o in new:
        merge(session, o.id, o.organisation_id, o.inspection_id, o.kind, o.digest)


@event.listens_for(Session, "do_orm_execute")
def _follow_bulk_deletes(state: ORMExecuteState) -> Any:
    """A bulk ``DELETE`` of identifier rows (retention's purge): lock, note their clusters, delete, split them."""
    if not state.is_delete or state.bind_mapper is None or state.bind_mapper.class_ is not Identifier:
        return None
    where = state.statement.whereclause  # type: ignore[attr-defined]
    condition = [] if where is None else [where]
    _lock_all(state.session, state.session.scalars(select(_ROWS.c.organisation_id).where(*condition).distinct()))
    affected = _clusters_of(state.session, *condition)
    result = state.invoke_statement()
    for cid in sorted(affected, key=str):
        split(state.session, cid)
    return result
