"""Login throttling: at most N failures per (username, client IP) in a sliding window.

Kept in process memory: one server process is the supported deployment; a restart forgets failures.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginRateLimiter:
    def __init__(self, max_failures: int, window_seconds: float) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, username: str, ip: str) -> bool:
        """True when this username+IP has used up its failures in the window."""
        with self._lock:
            return len(self._recent((username.lower(), ip), time.monotonic())) >= self.max_failures

    def record_failure(self, username: str, ip: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((username.lower(), ip), now).append(now)

    def reset(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), ip), None)
