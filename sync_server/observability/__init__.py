"""Operations' view of the server: one JSON log line per request, Prometheus ``/metrics`` and ``/readyz``
(docs/OPERATIONS.md)."""
