"""Links between controls through identifiers recorded on them (DESIGN §4).

Decision: the server never stores an identifier in plain text. On ingest (mutation ``identifier.add.v1``)
the value is normalised and hashed with HMAC-SHA256 under the server's ``identifier_key``; only the
digest and a masked hint (``06••••••``) are kept, so the database alone reveals no phone number, URL,
name or plate, and a digest cannot be brute-forced without the key. A ketenregisseur who must check a
known value asks ``POST /links/lookup``: it is hashed the same way, matched, and the lookup is audited.
Identifiers match only within one organisation (each row carries the organisation of its control), and a
viewer sees only linked controls they may see themselves (``tenancy.access``).
The one exception is the KvK number of an uitzendbureau: a public company register number, not personal
data, which the uitzendbureau overview must name; it is kept in ``public_value`` and reading it is audited.
An identifier asked by a checklist question keeps that ``question_id`` (``identifier.add.v2``); every answer that
lists a control's identifiers names the question and, when the control's template has it, its label.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from schemas.identifiers import IdentifierKind, hint, normalise, problem
from schemas.pages import Page
from schemas.records import Address
from schemas.review import Cluster, IdentifierRead, LinkedControl
from schemas.templates import Scope, Text
from sync_server import paging
from sync_server.auth.schemas import Principal
from sync_server.catalog import published as catalog
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection
from sync_server.links import clusters as _kept  # noqa: F401  (keeps the clusters: its hooks)
from sync_server.links.models import Cluster as ClusterRow
from sync_server.links.models import Identifier
from sync_server.tenancy import access

KEY_INFO = "identifier_key"


def digest(*, key: str, kind: IdentifierKind, canonical: str) -> str:
    """HMAC-SHA256 of ``kind:canonical`` under ``key`` (hex)."""
    return hmac.new(key.encode(), f"{kind.value}:{canonical}".encode(), hashlib.sha256).hexdigest()


def session_key(session: Session) -> str:
    """The identifier key the app factory put on the session (``session.info``)."""
    key = session.info.get(KEY_INFO)
    if not isinstance(key, str) or not key:
        raise RuntimeError("identifier_key missing from session.info; build sessions with the app factory")
    return key


def add(*, session: Session, identifier_id: uuid.UUID, inspection: Inspection, kind: IdentifierKind,
        value: str, question_id: str | None = None) -> str | None:
    """Store one identifier of a control as its keyed hash; returns why it was refused (a code of
    ``schemas.identifiers.PROBLEMS``: the tablet's own check, so it can say so in its words), else None."""
    refused = problem(kind, value)
    if refused is not None:
        return refused
    canonical = normalise(kind, value.strip())
    session.add(Identifier(id=identifier_id, inspection_id=inspection.id, organisation_id=inspection.organisation_id,
                           kind=kind.value,
                           digest=digest(key=session_key(session), kind=kind, canonical=canonical),
                           hint=hint(kind, canonical),
                           public_value=canonical if kind is IdentifierKind.UITZENDBUREAU else None,
                           question_id=question_id, created_at=datetime.now(UTC)))
    session.flush()
    return None


def remove(*, session: Session, identifier_id: uuid.UUID, inspection: Inspection) -> Identifier | None:
    """Delete one identifier of ``inspection`` (the link index is these rows: the control leaves every cluster
    and lookup the value put it in); returns the row deleted, None when there was none (never stored, because
    its ``add`` was refused, or already removed)."""
    row = session.get(Identifier, identifier_id)
    if row is None or row.inspection_id != inspection.id:
        return None
    session.delete(row)
    session.flush()
    return row


Row = tuple[uuid.UUID, str, str, str, str | None]
"""One stored identifier as the link queries read it: (inspection id, kind, digest, hint, question id)."""


def _rows(session: Session, *where: Any) -> list[Row]:
    """The identifier rows matching ``where``, oldest first."""
    stmt = (select(Identifier.inspection_id, Identifier.kind, Identifier.digest, Identifier.hint,
                   Identifier.question_id).where(*where).order_by(Identifier.created_at, Identifier.id))
    return [(iid, kind, dig, h, qid) for iid, kind, dig, h, qid in session.execute(stmt)]


class _Labels:
    """Question labels from the controls' templates, each template read once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.questions: dict[tuple[str, int], dict[str, Text]] = {}

    def label(self, inspection: _Shown, question_id: str | None) -> Text | None:
        if question_id is None:
            return None
        key = (inspection.template_id, inspection.template_version)
        if key not in self.questions:
            template = catalog.get_template(session=self.session, template_id=key[0], version=key[1])
            self.questions[key] = {} if template is None else {
                q.id: q.label for scope in Scope for q in template.questions(scope)}
        return self.questions[key].get(question_id)


def _reads(inspection: _Shown, rows: Iterable[Row], labels: _Labels) -> list[IdentifierRead]:
    return [IdentifierRead(kind=IdentifierKind(kind), hint=h, question_id=qid, question=labels.label(inspection, qid))
            for _iid, kind, _dig, h, qid in rows]


def _control(inspection: _Shown, rows: list[Row], labels: _Labels) -> LinkedControl:
    """A linked control with the kinds it shares and its identifiers that make the link (``rows``)."""
    return LinkedControl(inspection_id=inspection.id, address=Address.model_validate(inspection.address),
                         control_type=inspection.control_type, started_at=inspection.started_at,
                         level=inspection.level, kinds=sorted({IdentifierKind(r[1]) for r in rows}),
                         identifiers=_reads(inspection, rows, labels))


def identifiers(*, session: Session, inspection: Inspection) -> list[IdentifierRead]:
    """Every identifier recorded on a control (kind, masked hint, the question that asked for it), oldest first."""
    return _reads(inspection, _rows(session, Identifier.inspection_id == inspection.id), _Labels(session))


class _Shown(Protocol):
    """What a linked control shows and its question labels read: a stored control, or a ``_Row`` of one."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def address(self) -> dict[str, Any]: ...
    @property
    def control_type(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def level(self) -> int | None: ...
    @property
    def template_id(self) -> str: ...
    @property
    def template_version(self) -> int: ...


@dataclass(frozen=True)
class _Row:
    id: uuid.UUID
    address: dict[str, Any]
    control_type: str
    started_at: datetime
    level: int | None
    template_id: str
    template_version: int


_SHOWN = (Inspection.id, Inspection.address, Inspection.control_type, Inspection.started_at, Inspection.level,
          Inspection.template_id, Inspection.template_version)


def _visible(session: Session, ids: Iterable[uuid.UUID], viewer: Principal) -> list[_Row]:
    """The controls among ``ids`` that ``viewer`` may see, in no particular order (one query per 500), as the
    columns shown. Read by primary key, the rule (``access.inspection_clause``) a column of the answer: with the
    rule in the WHERE clause SQLite chose the organisation's index and read all of its controls."""
    seen = access.inspection_clause(viewer).label("seen")
    return [_Row(*r[:-1]) for chunk in inspections.chunks(list(ids))
            for r in session.execute(select(*_SHOWN, seen).where(Inspection.id.in_(chunk))) if r[-1]]


def linked(*, session: Session, inspection: Inspection, viewer: Principal) -> list[LinkedControl]:
    """Other controls of the organisation sharing at least one identifier with this one (those ``viewer`` may
    see), which kinds they share, and their identifiers that do."""
    mine = list(session.execute(select(Identifier.kind, Identifier.digest)
                                .where(Identifier.inspection_id == inspection.id)))
    if not mine:
        return []
    shared: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for kind, dig in set(mine):
        for row in _rows(session, access.in_organisation(Identifier, inspection.organisation_id),
                         Identifier.kind == kind, Identifier.digest == dig, Identifier.inspection_id != inspection.id):
            shared[row[0]].append(row)
    labels = _Labels(session)
    out = [_control(i, shared[i.id], labels) for i in _visible(session, shared, viewer)]
    return sorted(out, key=lambda c: (c.started_at, str(c.inspection_id)))


def _shared_rows(session: Session, viewer: Principal) -> list[Row]:
    """The identifiers that link: rows of the controls ``viewer`` may see whose (kind, digest) is recorded on another
    of those controls too (an EXISTS probe into ``ix_control_identifier_org_kind_digest_inspection`` per row). Only
    these rows, not every identifier, come into Python."""
    other = aliased(Identifier)
    seen = (select(Inspection.id).where(Inspection.id == other.inspection_id, access.inspection_clause(viewer))
            .correlate_except(Inspection))
    shared = (select(other.id).where(access.same_organisation(other, Identifier), other.kind == Identifier.kind,
                                     other.digest == Identifier.digest, other.inspection_id != Identifier.inspection_id,
                                     seen.exists()).correlate(Identifier))
    stmt = (select(Identifier.inspection_id, Identifier.kind, Identifier.digest, Identifier.hint,
                   Identifier.question_id)
            .join(Inspection, Inspection.id == Identifier.inspection_id)
            .where(access.in_organisation(Identifier, viewer.organisation_id), access.inspection_clause(viewer),
                   shared.exists())
            .order_by(Identifier.created_at, Identifier.id))
    return [(iid, kind, dig, h, qid) for iid, kind, dig, h, qid in session.execute(stmt)]


def _components(rows: list[Row]) -> list[set[uuid.UUID]]:
    """The connected groups of controls joined by the shared values in ``rows`` (union-find over list positions)."""
    index: dict[uuid.UUID, int] = {}
    parent: list[int] = []
    first_of: dict[tuple[str, str], int] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for iid, kind, dig, _h, _q in rows:
        n = index.setdefault(iid, len(parent))
        if n == len(parent):
            parent.append(n)
        first = first_of.setdefault((kind, dig), n)
        parent[find(n)] = find(first)
    groups: dict[int, set[uuid.UUID]] = defaultdict(set)
    for iid, n in index.items():
        groups[find(n)].add(iid)
    return [g for g in groups.values() if len(g) > 1]


CLUSTER_CURSOR = (paging.as_int, paging.as_uuid)
"""A page of clusters ends after (controls, anchor)."""


def cluster_ids(*, session: Session, viewer: Principal) -> dict[uuid.UUID, str]:
    """Control id -> the id of its cluster (as ``clusters`` names it), for the controls ``viewer`` may see that are
    in one; no control is loaded."""
    return {iid: str(min(group))[:8] for group in _components(_shared_rows(session, viewer)) for iid in group}


def clusters(*, session: Session, viewer: Principal, limit: int = paging.DEFAULT_LIMIT,
             cursor: str | None = None) -> Page[Cluster]:
    """A page of the connected groups of two or more of the organisation's controls that share identifiers, largest
    first (then by smallest control id), for a viewer who sees the whole organisation (the ketenregisseur). Read from
    the kept clusters (``links.clusters``) size by size in index order; only the page's clusters' rows and controls
    are loaded."""
    page = _cluster_page(session, viewer, limit + 1, None if cursor is None else paging.decode(cursor, CLUSTER_CURSOR))
    more, page = len(page) > limit, page[:limit]
    total, exact = paging.capped_count(session, select(ClusterRow.id).where(
        access.in_organisation(ClusterRow, viewer.organisation_id), ClusterRow.controls >= 2))
    by_cluster: dict[uuid.UUID, dict[uuid.UUID, list[Row]]] = {cid: defaultdict(list) for cid, _n, _a in page}
    ids = [cid for cid, _n, _a in page]
    stmt = (select(Identifier.cluster_id, Identifier.inspection_id, Identifier.kind, Identifier.digest, Identifier.hint,
                   Identifier.question_id).where(Identifier.cluster_id.in_(ids)).order_by(Identifier.created_at,
                                                                                        Identifier.id))
    for cid, iid, kind, dig, h, qid in (session.execute(stmt) if ids else []):
        if cid is not None:
            by_cluster[cid][iid].append((iid, kind, dig, h, qid))
    shown = {cid: _linking(rows) for cid, rows in by_cluster.items()}
    members = {iid for rows in shown.values() for iid in rows}
    loaded = {i.id: i for i in _visible(session, members, viewer)}
    labels = _Labels(session)
    items = [_cluster(set(shown[cid]), shown[cid], loaded, labels) for cid, _n, _a in page]
    next_cursor = paging.encode([page[-1][1], page[-1][2]]) if more else None
    return Page[Cluster](items=items, next_cursor=next_cursor, total=total, total_is_exact=exact)


def _cluster_page(session: Session, viewer: Principal, limit: int, after: list[Any] | None
                  ) -> list[tuple[uuid.UUID, int, uuid.UUID]]:
    """Up to ``limit`` clusters of two or more controls, (id, controls, anchor), largest first, then by anchor; after
    the cluster (controls, anchor) ``after`` when given. One index range per size (``ix_identifier_cluster_order``),
    the next size found by an index probe."""
    mine = access.in_organisation(ClusterRow, viewer.organisation_id)
    out: list[tuple[uuid.UUID, int, uuid.UUID]] = []
    size: int | None = after[0] if after else session.scalar(select(func.max(ClusterRow.controls)).where(mine))
    anchor = after[1] if after else None
    while size is not None and size >= 2 and len(out) < limit:
        stmt = (select(ClusterRow.id, ClusterRow.controls, ClusterRow.anchor)
                .where(mine, ClusterRow.controls == size, *([] if anchor is None else [ClusterRow.anchor > anchor]))
                .order_by(ClusterRow.anchor).limit(limit - len(out)))
        out += [(r[0], r[1], r[2]) for r in session.execute(stmt)]
        size = session.scalar(select(func.max(ClusterRow.controls)).where(mine, ClusterRow.controls < size))
        anchor = None
    return out


def _linking(by_control: dict[uuid.UUID, list[Row]]) -> dict[uuid.UUID, list[Row]]:
    """The rows of one cluster that link (their value is on another control of it; every control holding a value
    is in the value's cluster), per control."""
    holders: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    for iid, rows in by_control.items():
        for r in rows:
            holders[(r[1], r[2])].add(iid)
    out = {iid: [r for r in rows if len(holders[(r[1], r[2])]) > 1] for iid, rows in by_control.items()}
    return {iid: rows for iid, rows in out.items() if rows}


def _cluster(members: set[uuid.UUID], by_control: dict[uuid.UUID, list[Row]], loaded: dict[uuid.UUID, _Row],
             labels: _Labels) -> Cluster:
    rows = [r for iid in members for r in by_control[iid]]
    controls = [_control(loaded[iid], by_control[iid], labels) for iid in members if iid in loaded]
    controls.sort(key=lambda c: (c.started_at, str(c.inspection_id)))
    shared = {(r[1], r[2]): r[3] for r in rows}
    return Cluster(id=str(min(members))[:8], kinds=sorted({IdentifierKind(k) for k, _ in shared}),
                   hints=sorted({f"{k}: {h}" for (k, _d), h in shared.items()}), controls=controls)


def lookup(*, session: Session, viewer: Principal, kind: IdentifierKind, value: str) -> list[LinkedControl]:
    """The controls of the viewer's organisation on which this exact identifier (after normalising) was
    recorded."""
    canonical = normalise(kind, value)
    if not canonical:
        return []
    dig = digest(key=session_key(session), kind=kind, canonical=canonical)
    found: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for row in _rows(session, access.in_organisation(Identifier, viewer.organisation_id), Identifier.kind == kind.value,
                     Identifier.digest == dig):
        found[row[0]].append(row)
    labels = _Labels(session)
    out = [_control(i, found[i.id], labels) for i in _visible(session, found, viewer)]
    return sorted(out, key=lambda c: (c.started_at, str(c.inspection_id)))
