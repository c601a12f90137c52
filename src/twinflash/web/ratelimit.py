"""Per-client rate limits for the public side: sliding windows kept in this process.

Good enough for one server process (the service's default); behind several processes
each keeps its own count, so the effective limit multiplies by their number.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, window_s: float = 60.0) -> None:
        self.window_s = window_s
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._last_sweep = time.monotonic()

    def allow(self, bucket: str, client: str, limit: int) -> float:
        """0 if allowed (and counted), else the seconds until the next hit is allowed."""
        now = time.monotonic()
        with self._lock:
            if now - self._last_sweep > self.window_s:
                self._sweep(now)
            hits = self._hits[(bucket, client)]
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= limit:
                return hits[0] + self.window_s - now
            hits.append(now)
            return 0.0

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window_s]:
            del self._hits[key]
        self._last_sweep = now
