"""Signals and their verification state.

A signal is a subject of a control's flag (a person, or the premises) with level >= 1. Its state is the
latest verification; "meer informatie nodig" keeps it open. An open signal older than
``Settings.verify_within_days`` is *overdue* and shows up in red.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from schemas.pages import Page
from schemas.records import Address
from schemas.review import Partner, SignalState, Verdict
from sync_server import paging
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.review.models import Referral, Verification
from sync_server.tenancy import access

OPEN = (None, Verdict.MEER_INFO)


@dataclass(frozen=True)
class Latest:
    verdict: Verdict
    reason: str
    by: str
    at: datetime


def raised_at(inspection: Inspection) -> datetime:
    """When the signal reached the team: the control's finish (else its arrival), always timezone-aware."""
    value = inspection.finished_at or inspection.received_at
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def subjects(flag: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The flag's subjects with a level of 1 or more."""
    if not flag:
        return []
    return [s for s in flag.get("subjects", []) if isinstance(s, dict) and int(s.get("level", 0)) >= 1]


def latest_verifications(*, session: Session, inspection_ids: list[uuid.UUID] | None = None
                         ) -> dict[tuple[uuid.UUID, str], Latest]:
    """The latest verification of each signal of these inspections (callers keep the list small: a page, or a
    chunk of 500)."""
    stmt = (select(Verification, User.display_name).join(User, User.id == Verification.by_id)
            .order_by(Verification.at, Verification.id))
    if inspection_ids is not None:
        stmt = stmt.where(Verification.inspection_id.in_(inspection_ids))
    out: dict[tuple[uuid.UUID, str], Latest] = {}
    for v, name in session.execute(stmt):
        out[(v.inspection_id, v.subject_id)] = Latest(Verdict(v.verdict), v.reason, name, v.at)
    return out


def referrals_by_inspection(*, session: Session) -> dict[uuid.UUID, list[Partner]]:
    out: dict[uuid.UUID, list[Partner]] = defaultdict(list)
    for r in session.scalars(select(Referral).order_by(Referral.at)):
        if Partner(r.partner) not in out[r.inspection_id]:
            out[r.inspection_id].append(Partner(r.partner))
    return out


def age_days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def states(*, inspection: Inspection, inspector: str, latest: dict[tuple[uuid.UUID, str], Latest],
           referrals: list[Partner], within_days: int, now: datetime) -> list[SignalState]:
    """Every signal of one control with its state."""
    out = []
    since = raised_at(inspection)
    age = age_days(since, now)
    for s in subjects(inspection.flag):
        v = latest.get((inspection.id, str(s["subject_id"])))
        verdict = v.verdict if v else None
        out.append(SignalState(
            inspection_id=inspection.id, subject_id=str(s["subject_id"]), label=str(s.get("label", "")),
            level=int(s["level"]), profile=s.get("profile"), address=Address.model_validate(inspection.address),
            control_type=inspection.control_type, inspector=inspector, raised_at=since, age_days=age,
            verdict=verdict, reason=v.reason if v else "", verified_by=v.by if v else "",
            verified_at=v.at if v else None, referrals=referrals, overdue=verdict in OPEN and age > within_days))
    return out


def all_signals(*, session: Session, user: Principal, within_days: int, only_open: bool = False) -> list[SignalState]:
    """Every signal across the controls ``user`` may see: overdue first, then highest level, then oldest."""
    now = datetime.now(UTC)
    latest = latest_verifications(session=session)
    refs = referrals_by_inspection(session=session)
    stmt = (select(Inspection, User.display_name).join(User, User.id == Inspection.inspector_id)
            .where(Inspection.level >= 1, access.inspection_clause(user)))
    out: list[SignalState] = []
    for inspection, name in session.execute(stmt):
        out += states(inspection=inspection, inspector=name, latest=latest, referrals=refs.get(inspection.id, []),
                      within_days=within_days, now=now)
    if only_open:
        out = [s for s in out if s.verdict in OPEN]
    return sorted(out, key=lambda s: (not s.overdue, -s.level, s.raised_at, str(s.inspection_id), s.subject_id))


SIGNAL_CURSOR = (paging.as_int, paging.as_int, paging.as_datetime, paging.as_uuid, paging.as_str)
LEVELS = (3, 2, 1)
"""A signal's levels, highest first (``schemas.engine.SubjectResult.level``: 0 to 3; a signal is 1 or more)."""
OPEN_VERDICTS: tuple[str | None, ...] = (None, Verdict.MEER_INFO.value)
CLOSED_VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict if v.value not in OPEN_VERDICTS)


def _signal_keys(now: datetime, within_days: int) -> tuple[ColumnElement[bool], list[Any]]:
    """(the signal is open, the sort key ascending: overdue first, highest level, oldest, then ids), as one SQL
    expression over ``signal_fact`` joined to its control (the MDO export, ``reporting.exports``, sorts by it; the
    list itself reads it part by part, ``list_signals``).

    Overdue is ``age_days > within_days``, i.e. raised at or before ``now - (within_days + 1)`` days."""
    is_open = func.coalesce(SignalFact.verdict, Verdict.MEER_INFO.value) == Verdict.MEER_INFO.value
    raised = func.coalesce(Inspection.finished_at, Inspection.received_at)
    overdue = case((and_(is_open, raised <= now - timedelta(days=within_days + 1)), 0), else_=1)
    return is_open, [overdue, -SignalFact.level, raised, SignalFact.inspection_id, SignalFact.subject_id]


@dataclass(frozen=True)
class _Part:
    """The signals of one place in the order (overdue 0 or not 1, one level), as ranges of
    ``ix_signal_fact_review``: one per verdict (None: not verified yet), each with its bound on ``raised_at``."""

    overdue: int
    level: int
    ranges: tuple[tuple[str | None, ColumnElement[bool] | None], ...]


def _parts(cutoff: datetime, only_open: bool) -> list[_Part]:
    """The list's parts in their order: overdue signals (open, raised at or before ``cutoff``), highest level
    first; then the rest (closed ones, unless ``only_open``, and open ones raised after ``cutoff``)."""
    raised = SignalFact.raised_at
    overdue = tuple((v, raised <= cutoff) for v in OPEN_VERDICTS)
    rest = (*(() if only_open else tuple((v, None) for v in CLOSED_VERDICTS)),
            *((v, raised > cutoff) for v in OPEN_VERDICTS))
    return [_Part(0, level, overdue) for level in LEVELS] + [_Part(1, level, rest) for level in LEVELS]


def list_signals(*, session: Session, user: Principal, within_days: int, only_open: bool = False,
                 limit: int = paging.DEFAULT_LIMIT, cursor: str | None = None) -> Page[SignalState]:
    """A page of the signals across the controls ``user`` may see: overdue first, then highest level, then
    oldest (then control and subject id). Read from ``signal_fact`` (one row per signal) part by part of the
    order, each part a few index ranges merged, so a page reads about as many rows as it shows at any history size.

    Overdue is ``age_days > within_days``, i.e. open and raised at or before ``now - (within_days + 1)`` days."""
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=within_days + 1)
    start = None if cursor is None else paging.decode(cursor, SIGNAL_CURSOR)
    rows: list[Any] = []
    for part in _parts(cutoff, only_open):
        key = (part.overdue, -part.level)
        if start is not None and key < (start[0], start[1]):
            continue
        after = start[2:] if start is not None and key == (start[0], start[1]) else None
        rows += [(part, r) for r in _part_rows(session, user, part, after, limit + 1 - len(rows))]
        if len(rows) > limit:
            break
    more, rows = len(rows) > limit, rows[:limit]
    total, exact = _capped_total(session, user, only_open)
    page_ids = list(dict.fromkeys(r[4] for _p, r in rows))
    latest = latest_verifications(session=session, inspection_ids=page_ids) if rows else {}
    refs = referrals_of(session=session, inspection_ids=page_ids) if rows else {}
    items = [_signal(r, latest, refs.get(r[4], []), within_days, now) for _p, r in rows]
    next_cursor = None
    if more:
        part, last = rows[-1]
        next_cursor = paging.encode([part.overdue, -part.level, last.raised_at, last[4], last[0]])
    return Page[SignalState](items=items, next_cursor=next_cursor, total=total, total_is_exact=exact)


def _capped_total(session: Session, user: Principal, only_open: bool) -> tuple[int, bool]:
    """(the signals ``user`` may see, counted up to ``paging.COUNT_CAP``, whether that is all), counted range by range
    of ``ix_signal_fact_review`` in index order, like the page: one COUNT over the join let PostgreSQL, without
    statistics yet (a freshly loaded database), walk every control of the team probing the index (3.5 s at 100,000
    controls)."""
    verdicts = OPEN_VERDICTS if only_open else (*OPEN_VERDICTS, *CLOSED_VERDICTS)
    left, counted = paging.COUNT_CAP + 1, 0
    for verdict in verdicts:
        for level in LEVELS:
            if left == 0:
                break
            part = (select(SignalFact.id).join(Inspection, Inspection.id == SignalFact.inspection_id)
                    .where(access.in_organisation(SignalFact, user.organisation_id), _verdict_is(verdict),
                           SignalFact.level == level, access.inspection_clause(user))
                    .order_by(*_INDEX_ORDER).limit(left).subquery())
            n = int(session.scalar(select(func.count()).select_from(part)) or 0)
            counted, left = counted + n, left - n
    return min(counted, paging.COUNT_CAP), counted <= paging.COUNT_CAP


def _verdict_is(verdict: str | None) -> ColumnElement[bool]:
    return SignalFact.verdict.is_(None) if verdict is None else SignalFact.verdict == verdict


_ORDER = (SignalFact.raised_at, SignalFact.inspection_id, SignalFact.subject_id)
_INDEX_ORDER = (SignalFact.organisation_id, SignalFact.verdict, SignalFact.level, *_ORDER)
"""``ix_signal_fact_review``'s columns: a part's ORDER BY names the leading ones too (constant within the query):
PostgreSQL does not take ``verdict IS NULL`` as fixing the verdict, and without them sorted the whole range (a
sequential scan at 100,000 controls) instead of reading it in order."""


def _part_rows(session: Session, user: Principal, part: _Part, after: list[Any] | None, limit: int) -> list[Any]:
    """Up to ``limit`` signals of one part, after the sort key ``after`` (raised, control, subject) when given:
    each verdict's range read in index order, the ranges merged."""
    order = list(_ORDER)
    rows: list[Any] = []
    for verdict, bound in part.ranges:
        stmt = (select(SignalFact.subject_id, SignalFact.label, SignalFact.level, SignalFact.profile, Inspection.id,
                       Inspection.address, Inspection.control_type, Inspection.finished_at, Inspection.received_at,
                       User.display_name, SignalFact.raised_at)
                .join(Inspection, Inspection.id == SignalFact.inspection_id)
                .join(User, User.id == Inspection.inspector_id)
                .where(access.in_organisation(SignalFact, user.organisation_id),
                       _verdict_is(verdict),
                       SignalFact.level == part.level, access.inspection_clause(user),
                       *([] if bound is None else [bound]),
                       *([] if after is None else [paging.after(order, after)]))
                .order_by(*_INDEX_ORDER).limit(limit))
        rows += session.execute(stmt).all()
    rows.sort(key=lambda r: (r.raised_at, r[4], r[0]))
    return rows[:limit]


def referrals_of(*, session: Session, inspection_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Partner]]:
    """The partners each of these inspections was referred to, first referral first (one query)."""
    out: dict[uuid.UUID, list[Partner]] = defaultdict(list)
    stmt = select(Referral.inspection_id, Referral.partner).where(Referral.inspection_id.in_(inspection_ids))
    for iid, partner in session.execute(stmt.order_by(Referral.at)):
        if Partner(partner) not in out[iid]:
            out[iid].append(Partner(partner))
    return out


def _signal(row: Any, latest: dict[tuple[uuid.UUID, str], Latest], referrals: list[Partner], within_days: int,
            now: datetime) -> SignalState:
    subject_id, label, level, profile, iid, address, control_type, finished, received, inspector = row[:10]
    since = finished or received
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    age = age_days(since, now)
    v = latest.get((iid, subject_id))
    verdict = v.verdict if v else None
    return SignalState(inspection_id=iid, subject_id=subject_id, label=label, level=level, profile=profile,
                       address=Address.model_validate(address), control_type=control_type, inspector=inspector,
                       raised_at=since, age_days=age, verdict=verdict, reason=v.reason if v else "",
                       verified_by=v.by if v else "", verified_at=v.at if v else None, referrals=referrals,
                       overdue=verdict in OPEN and age > within_days)
