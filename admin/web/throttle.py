"""Too many wrong passwords for one login: refuse further tries for a while (per process)."""

from __future__ import annotations

import threading
import time

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    """Counts failed logins per name within a window; thread-safe, in memory."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, login: str) -> bool:
        """True when the login has failed too often lately."""
        with self._lock:
            return len(self._recent(login.strip().lower())) >= self.max_failures

    def failed(self, login: str) -> None:
        """Record one failure."""
        key = login.strip().lower()
        with self._lock:
            self._failures[key] = [*self._recent(key), time.monotonic()]
            if len(self._failures) > 10_000:
                self._failures.clear()

    def succeeded(self, login: str) -> None:
        """Forget the failures of a login that got in."""
        with self._lock:
            self._failures.pop(login.strip().lower(), None)

    def _recent(self, key: str) -> list[float]:
        cutoff = time.monotonic() - self.window
        return [t for t in self._failures.get(key, []) if t > cutoff]
