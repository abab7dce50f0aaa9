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


@dataclass(frozen=True)
class History:
    """What the score reads of an address's controls; ``summarise`` makes it from ``PastControl``s, the server
    counts it in SQL (``suggestions``)."""

    last_done: date | None = None  # the last finished control
    signals: int = 0  # finished controls with a signal within SIGNAL_WINDOW_DAYS
    worst: tuple[int, date] | None = None  # the highest of those levels, and its latest date
    open_signals: int = 0
    done_this_year: bool = False


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
    history: History | None = None  # when given, ``controls`` is not read


def summarise(controls: list[PastControl], today: date) -> History:
    """The ``History`` of a list of past controls."""
    since = today - timedelta(days=SIGNAL_WINDOW_DAYS)
    signals = sorted((p for p in controls if p.level and p.on >= since),
                     key=lambda p: (-(p.level or 0), -p.on.toordinal()))
    done = [p.on for p in controls if p.finished]
    return History(last_done=max(done, default=None), signals=len(signals),
                   worst=(signals[0].level or 0, signals[0].on) if signals else None,
                   open_signals=sum(1 for p in controls if p.open_signal),
                   done_this_year=any(p.finished and p.on.year == today.year for p in controls))


Reason = tuple[str, int, dict[str, object]]


def score(c: Candidate, today: date) -> list[RankReason]:
    """The reasons (with points) for ranking ``c``; the score is their sum."""
    return [RankReason(code=code, points=points, params=params) for code, points, params in _reasons(c, today)]


def points(c: Candidate, today: date) -> int:
    """The score of ``c`` (the sum of ``score``'s points, without building the reasons)."""
    return sum(r[1] for r in _reasons(c, today))


def _reasons(c: Candidate, today: date) -> list[Reason]:
    h = c.history or summarise(c.controls, today)
    reasons = _signal_reasons(h) + _time_reasons(h, today)
    if c.linked_controls:
        reasons.append(("linked_controls", min(LINK_CAP, LINK_POINTS * c.linked_controls),
                        {"count": c.linked_controls}))
    if c.kind == "seksinrichting" and c.licence_status == "vergund" and not h.done_this_year:
        reasons.append(("licence_due", LICENCE_DUE, {"year": today.year}))
    if c.kind in VULNERABLE_KINDS:
        reasons.append(("vulnerable_branch", VULNERABLE, {"kind": c.kind}))
    if c.next_planned_on is not None and c.next_planned_on >= today:
        reasons.append(("already_planned", ALREADY_PLANNED, {"date": c.next_planned_on.isoformat()}))
    return sorted(reasons, key=lambda r: -r[1])


def _signal_reasons(h: History) -> list[Reason]:
    out: list[Reason] = []
    if h.worst is not None:
        level, on = h.worst
        out.append(("signal_level", LEVEL_POINTS.get(level, 0), {"level": level, "date": on.isoformat()}))
    if h.signals > 1:
        out.append(("repeat_signals", min(REPEAT_CAP, REPEAT_POINTS * (h.signals - 1)), {"count": h.signals}))
    if h.open_signals:
        out.append(("open_signals", min(OPEN_CAP, OPEN_POINTS * h.open_signals), {"count": h.open_signals}))
    return out


def _time_reasons(h: History, today: date) -> list[Reason]:
    if h.last_done is None:
        return [("never_controlled", NEVER_CONTROLLED, {})]
    days = (today - h.last_done).days
    if days < RECENT_DAYS:
        return [("recently_controlled", RECENT_POINTS, {"days": days})]
    for threshold, pts in LONG_AGO:
        if days >= threshold:
            return [("last_control_long_ago", pts, {"days": days})]
    return []


def rank(candidates: list[Candidate], today: date, *, limit: int = 50) -> list[Suggestion]:
    """Candidates with a positive score, highest first (ties: longest since the last control, then key). Scores are
    summed first and the reasons built for the ``limit`` shown only."""
    scored = []
    for c in candidates:
        total = points(c, today)
        if total > 0:
            scored.append((-total, _last(c, today) or date.min, c.key, c))
    scored.sort(key=lambda t: t[:3])
    return [Suggestion(key=c.key, address=c.address, establishment_id=c.establishment_id, establishment_name=c.name,
                       kind=c.kind, score=-neg, reasons=score(c, today),
                       last_control_on=last if last != date.min else None)
            for neg, last, _key, c in scored[:limit]]


def _last(c: Candidate, today: date) -> date | None:
    return c.history.last_done if c.history is not None else summarise(c.controls, today).last_done
