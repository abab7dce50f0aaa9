"""The MDO and RIEC exports' rows as they were built before issue 13 (every signal and flagged control in memory,
two queries per RIEC row), kept as the oracle ``test_exports_streamed`` compares the streamed rows with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import Address
from schemas.review import SignalState
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
from sync_server.links import service as links
from sync_server.reporting.exports import PROFILES
from sync_server.reporting.pdf import CONTROL_TYPES, LEVELS, PARTNERS, VERDICTS
from sync_server.review import signals
from sync_server.review.service import to_local
from sync_server.tenancy import access

Row = list[Any]


def all_signals(*, session: Session, user: Principal, within_days: int) -> list[SignalState]:
    now = datetime.now(UTC)
    latest = signals.latest_verifications(session=session)
    refs = signals.referrals_by_inspection(session=session)
    stmt = (select(Inspection, User.display_name).join(User, User.id == Inspection.inspector_id)
            .where(Inspection.level >= 1, access.inspection_clause(user)))
    out: list[SignalState] = []
    for inspection, name in session.execute(stmt):
        out += signals.states(inspection=inspection, inspector=name, latest=latest,
                              referrals=refs.get(inspection.id, []), within_days=within_days, now=now)
    return sorted(out, key=lambda s: (not s.overdue, -s.level, s.raised_at, str(s.inspection_id), s.subject_id))


def mdo(session: Session, user: Principal, within_days: int) -> list[Row]:
    inspections = {i.id: i for i in session.scalars(select(Inspection).where(Inspection.level >= 1,
                                                                             access.inspection_clause(user)))}
    rows: list[Row] = []
    for s in all_signals(session=session, user=user, within_days=within_days):
        inspection = inspections[s.inspection_id]
        codes: list[dict[str, Any]] = next((sub.get("hits", []) for sub in signals.subjects(inspection.flag)
                      if str(sub["subject_id"]) == s.subject_id), [])
        rows.append([to_local(inspection.started_at).date(), s.address.one_line(), s.address.neighbourhood,
                     CONTROL_TYPES.get(s.control_type, s.control_type),
                     "Pand" if s.subject_id == "premises" else s.label, LEVELS[s.level],
                     PROFILES.get(s.profile or "", ""), ", ".join(sorted({str(h.get("code")) for h in codes})),
                     VERDICTS[s.verdict.value] if s.verdict else "niet geverifieerd", s.reason,
                     ", ".join(PARTNERS[p.value] for p in s.referrals)])
    return rows


def riec(session: Session, user: Principal) -> list[Row]:
    cluster_of = links.cluster_ids(session=session, viewer=user)
    refs = signals.referrals_by_inspection(session=session)
    rows: list[Row] = []
    for i in session.scalars(select(Inspection).where(Inspection.level >= 1, access.inspection_clause(user))
                             .order_by(Inspection.started_at, Inspection.id)):
        address = Address.model_validate(i.address)
        flag = i.flag or {}
        rows.append([to_local(i.started_at).date(), f"{address.street} {address.house_number}".strip(),
                     address.postcode, address.neighbourhood, CONTROL_TYPES.get(i.control_type, i.control_type),
                     LEVELS.get(i.level or 0, ""), PROFILES.get(str(flag.get("profile") or ""), ""),
                     len(signals.subjects(flag)), cluster_of.get(i.id, ""),
                     len(links.linked(session=session, inspection=i, viewer=user)),
                     ", ".join(PARTNERS[p.value] for p in refs.get(i.id, []))])
    return rows
