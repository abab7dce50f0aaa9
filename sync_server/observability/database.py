"""Figures read from the database for ``/metrics``: the tablets' time since last contact, the age of the signals
nobody has concluded on, and the photo store's size.

Each is one aggregate query (a ``CASE`` per bucket, so no row comes back to Python) over an indexed column, and
the answer is cached for ``metrics_cache_seconds``: Prometheus scraping every 15 s from two places costs one query
of each a minute. Every organisation is counted together (the operator sees the server, not a team's work).

A signal is a row of ``signal_fact`` (one per subject with level >= 1, kept in step with the flags); it is unverified
while its latest verification (by time, then id, as ``review.signals`` orders them) is none or "meer informatie
nodig", and its age counts from the
control's finish.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily
from sqlalchemy import and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from schemas.review import Verdict
from sync_server.auth.models import Device
from sync_server.blobs.models import Blob
from sync_server.db import READ_ONLY
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.review.models import Verification

logger = logging.getLogger(__name__)
HOUR, DAY = 3600, 86400
CONTACT_BUCKETS = (15 * 60, HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY)
SIGNAL_AGE_BUCKETS = (DAY, 2 * DAY, 5 * DAY, 10 * DAY, 30 * DAY, 90 * DAY)


@dataclass
class Ages:
    buckets: list[tuple[str, float]] = field(default_factory=list)  # cumulative (le, count), "+Inf" last
    seconds: float = 0.0  # the sum of the ages (rows without a time add nothing)


@dataclass
class Figures:
    contact: Ages = field(default_factory=Ages)
    unverified: Ages = field(default_factory=Ages)
    blob_count: int = 0
    blob_bytes: int = 0


def _epoch(session: Session, column: Any) -> Any:
    """``column`` as seconds since 1970 in SQL (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column)
    return (func.julianday(column) - 2440587.5) * 86400.0


def _ages(session: Session, column: Any, where: Any, buckets: tuple[int, ...], now: datetime) -> Ages:
    """Gauge-histogram of the age of ``column`` over the rows ``where`` admits, in one query: (le, rows at most
    ``le`` seconds old) per bucket, then ("+Inf", every row, also those without a time), and the sum of ages."""
    counts = [func.sum(case((column >= now - timedelta(seconds=b), 1), else_=0)) for b in buckets]
    row = session.execute(select(func.count(), func.count(column), func.sum(_epoch(session, column)), *counts)
                          .where(where)).one()
    total, timed, epochs = int(row[0] or 0), int(row[1] or 0), float(row[2] or 0.0)
    per_bucket = [float(v or 0) for v in row[3:]]
    cumulative = [(str(float(b)), c) for b, c in zip(buckets, per_bucket, strict=True)]
    return Ages(buckets=[*cumulative, ("+Inf", float(total))], seconds=max(0.0, timed * now.timestamp() - epochs))


def read_figures(session: Session, now: datetime) -> Figures:
    """The database's figures at ``now`` (four aggregate queries)."""
    tablets = and_(Device.client_id.is_not(None), Device.revoked_at.is_(None), Device.ended_at.is_(None))
    latest, later = aliased(Verification), aliased(Verification)
    superseded = exists().where(later.inspection_id == latest.inspection_id, later.subject_id == latest.subject_id,
                                or_(later.at > latest.at, and_(later.at == latest.at, later.id > latest.id)))
    concluded = exists().where(latest.inspection_id == SignalFact.inspection_id,
                               latest.subject_id == SignalFact.subject_id, latest.verdict != Verdict.MEER_INFO,
                               not_(superseded))
    signals = and_(Inspection.id == SignalFact.inspection_id, not_(concluded))
    raised = func.coalesce(Inspection.finished_at, Inspection.received_at)
    count, size = session.execute(select(func.count(), func.coalesce(func.sum(Blob.size), literal(0)))).one()
    return Figures(contact=_ages(session, Device.last_seen, tablets, CONTACT_BUCKETS, now),
                   unverified=_ages(session, raised, signals, SIGNAL_AGE_BUCKETS, now),
                   blob_count=int(count or 0), blob_bytes=int(size or 0))


class DatabaseCollector:
    """A prometheus_client collector over ``read_figures``, cached for ``ttl`` seconds (thread-safe)."""

    def __init__(self, factory: sessionmaker[Session], ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.factory, self.ttl, self.clock = factory, ttl, clock
        self._lock = threading.Lock()
        self._cached: tuple[float, Figures | None] | None = None

    def describe(self) -> list[Any]:
        return []  # nothing is read when the collector is registered

    def figures(self) -> Figures | None:
        """The cached figures, read again when older than ``ttl``; None when the database did not answer."""
        with self._lock:
            if self._cached is not None and self.clock() - self._cached[0] < self.ttl:
                return self._cached[1]
            try:
                with self.factory() as session, session.begin():
                    session.connection(execution_options=READ_ONLY)
                    figures: Figures | None = read_figures(session, datetime.now(UTC))
            except Exception:
                logger.exception("metrics: the database figures could not be read")
                figures = None
            self._cached = (self.clock(), figures)
            return figures

    def collect(self) -> Iterator[Any]:
        figures = self.figures()
        up = GaugeMetricFamily("inspectie_metrics_database_up", "1 when the database figures below could be read")
        up.add_metric([], 1.0 if figures else 0.0)
        yield up
        if figures is None:
            return
        yield GaugeHistogramMetricFamily(
            "inspectie_tablet_last_contact_age_seconds", "Tablets (active sync devices) by seconds since their last "
            "contact with the server", buckets=figures.contact.buckets,
            gsum_value=figures.contact.seconds)
        yield GaugeHistogramMetricFamily(
            "inspectie_unverified_signals_age_seconds", "Signals whose latest verification is none or 'meer "
            "informatie nodig', by seconds since their control was finished", buckets=figures.unverified.buckets,
            gsum_value=figures.unverified.seconds)
        stored = GaugeMetricFamily("inspectie_blob_store_files", "Photos stored (one file per organisation and hash)")
        stored.add_metric([], float(figures.blob_count))
        yield stored
        size = GaugeMetricFamily("inspectie_blob_store_bytes", "Bytes of the stored photos")
        size.add_metric([], float(figures.blob_bytes))
        yield size
