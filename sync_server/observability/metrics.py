"""Prometheus metrics: what the requests did (counted in each process) and what the database holds (read at
scrape time, cached).

Request figures are labelled by method, route *template* and status only, so the number of series is bounded by
the routes the code has, whatever the traffic. Figures per device or per control are never labels: the sync lag of
the tablets is one gauge histogram of "seconds since each tablet's last contact", the open signals one of their
age.

Several worker processes: prometheus_client's multiprocess mode. When ``PROMETHEUS_MULTIPROC_DIR`` is set in the
server's environment (before it starts; the container and the systemd unit set it and empty the folder at start),
each process writes its counters and histograms there and ``/metrics``, answered by any one worker, adds them up.
The database figures are not per process: the worker that answers computes them (``DatabaseCollector``).
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SIZE_BUCKETS = (1e3, 1e4, 1e5, 2.5e5, 1e6, 4e6, 16e6)
PUSH_ROUTE, PULL_ROUTE = "/api/v1/sync/push", "/api/v1/sync/pull"


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class RequestMetrics:
    """The per-process request metrics of one app (its own registry, so several apps in one test process do not
    collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("inspectie_http_requests", "HTTP requests by method, route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("inspectie_http_request_duration_seconds", "Time to answer, by route template",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.push_bytes = Histogram("inspectie_sync_push_request_bytes", "Size of a sync push's body",
                                    buckets=SIZE_BUCKETS, registry=self.registry)
        self.pull_bytes = Histogram("inspectie_sync_pull_response_bytes", "Size of a sync pull's answer",
                                    buckets=SIZE_BUCKETS, registry=self.registry)

    def observe(self, *, method: str, route: str, status: int, seconds: float, received: int, sent: int) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        if route == PUSH_ROUTE:
            self.push_bytes.observe(received)
        elif route == PULL_ROUTE:
            self.pull_bytes.observe(sent)

    def exposition(self, database: Any) -> bytes:
        """The text format: this process's figures (or every process's, in multiprocess mode) and the database's."""
        if multiprocess_dir():
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = CollectorRegistry()
            registry.register(_Forward(self.registry))
        registry.register(database)
        return generate_latest(registry)


class _Forward:
    """Collects another registry's metrics into this one (the app's own registry stays reusable)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Any:
        return self.registry.collect()
