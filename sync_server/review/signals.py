"""Signals and their verification state.

A signal is a subject of a control's flag (a person, or the premises) with level >= 1. Its state is the
latest verification; "meer informatie nodig" keeps it open. An open signal older than
``Settings.verify_within_days`` is *overdue* and shows up in red.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import Address
from schemas.review import Partner, SignalState, Verdict
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
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
