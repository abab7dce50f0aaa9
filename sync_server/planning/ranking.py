"""Where to look next: a transparent score per address or establishment, each point with its reason.

Pure functions over plain facts, so the weights are easy to read and to test on fictional histories.
The list is advice to the planner; nothing is ever scheduled from it automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from schemas.planning import RankReason, Suggestion
from schemas.records import Address

LEVEL_POINTS = {3: 40, 2: 25, 1: 10}
SIGNAL_WINDOW_DAYS = 2 * 365
REPEAT_POINTS, REPEAT_CAP = 5, 15
OPEN_POINTS, OPEN_CAP = 15, 45
LINK_POINTS, LINK_CAP = 10, 30
NEVER_CONTROLLED = 20
LONG_AGO = ((365, 15), (180, 8))  # days since the last control -> points
RECENT_DAYS, RECENT_POINTS = 30, -20
LICENCE_DUE = 30
VULNERABLE = 5
VULNERABLE_KINDS = {"massagesalon", "seksinrichting", "flitsbezorger"}
ALREADY_PLANNED = -50


@dataclass(frozen=True)
class PastControl:
    on: date
    level: int | None
    finished: bool = True
    open_signal: bool = False  # a signal (level >= 1) nobody has verified yet (or "meer info nodig")


@dataclass
class Candidate:
    key: str
    address: Address
    establishment_id: UUID | None = None
    name: str = ""
    kind: str = ""
    licence_status: str = ""
    controls: list[PastControl] = field(default_factory=list)
    linked_controls: int = 0
    next_planned_on: date | None = None


def score(c: Candidate, today: date) -> list[RankReason]:
    """The reasons (with points) for ranking ``c``; the score is their sum."""
    reasons = _signal_reasons(c, today) + _time_reasons(c, today)
    if c.linked_controls:
        reasons.append(RankReason(code="linked_controls", points=min(LINK_CAP, LINK_POINTS * c.linked_controls),
                                  params={"count": c.linked_controls}))
    if c.kind == "seksinrichting" and c.licence_status == "vergund" and not any(
            p.finished and p.on.year == today.year for p in c.controls):
        reasons.append(RankReason(code="licence_due", points=LICENCE_DUE, params={"year": today.year}))
    if c.kind in VULNERABLE_KINDS:
        reasons.append(RankReason(code="vulnerable_branch", points=VULNERABLE, params={"kind": c.kind}))
    if c.next_planned_on is not None and c.next_planned_on >= today:
        reasons.append(RankReason(code="already_planned", points=ALREADY_PLANNED,
                                  params={"date": c.next_planned_on.isoformat()}))
    return sorted(reasons, key=lambda r: -r.points)


def _signal_reasons(c: Candidate, today: date) -> list[RankReason]:
    since = today - timedelta(days=SIGNAL_WINDOW_DAYS)
    signals = sorted((p for p in c.controls if p.level and p.on >= since),
                     key=lambda p: (-(p.level or 0), -p.on.toordinal()))
    out: list[RankReason] = []
    if signals:
        worst = signals[0]
        out.append(RankReason(code="signal_level", points=LEVEL_POINTS.get(worst.level or 0, 0),
                              params={"level": worst.level, "date": worst.on.isoformat()}))
    if len(signals) > 1:
        out.append(RankReason(code="repeat_signals", points=min(REPEAT_CAP, REPEAT_POINTS * (len(signals) - 1)),
                              params={"count": len(signals)}))
    open_count = sum(1 for p in c.controls if p.open_signal)
    if open_count:
        out.append(RankReason(code="open_signals", points=min(OPEN_CAP, OPEN_POINTS * open_count),
                              params={"count": open_count}))
    return out


def _time_reasons(c: Candidate, today: date) -> list[RankReason]:
    done = [p.on for p in c.controls if p.finished]
    if not done:
        return [RankReason(code="never_controlled", points=NEVER_CONTROLLED)]
    days = (today - max(done)).days
    if days < RECENT_DAYS:
        return [RankReason(code="recently_controlled", points=RECENT_POINTS, params={"days": days})]
    for threshold, points in LONG_AGO:
        if days >= threshold:
            return [RankReason(code="last_control_long_ago", points=points, params={"days": days})]
    return []


def rank(candidates: list[Candidate], today: date, *, limit: int = 50) -> list[Suggestion]:
    """Candidates with a positive score, highest first (ties: longest since the last control, then key)."""
    out = []
    for c in candidates:
        reasons = score(c, today)
        total = sum(r.points for r in reasons)
        if total <= 0:
            continue
        last = max((p.on for p in c.controls if p.finished), default=None)
        out.append(Suggestion(key=c.key, address=c.address, establishment_id=c.establishment_id,
                              establishment_name=c.name, kind=c.kind, score=total, reasons=reasons,
                              last_control_on=last))
    out.sort(key=lambda s: (-s.score, s.last_control_on or date.min, s.key))
    return out[:limit]
