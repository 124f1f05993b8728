"""The web process's page cache: what a page read, kept with the data revisions it was read under.

A hit needs the same key (page, parameters, today, the user) and the same revisions, read again for every
request before anything else: a write committed by any process (another web worker, the CLI, the nightly)
raises a revision, and the next request reads afresh. Bounded: the least recently used entry goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

MISSING = object()


class PageCache:
    """A bounded map from a page's key to (revisions, data); thread-safe."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._data: OrderedDict[Hashable, tuple[tuple[int, ...], Any]] = OrderedDict()
        self._users: dict[tuple[int, int], tuple[int, Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, revisions: tuple[int, ...]) -> Any:
        """The data kept under the key if it was read under these revisions, else MISSING."""
        with self._lock:
            found = self._data.get(key)
            if found is None or found[0] != revisions:
                self.misses += 1
                return MISSING
            self._data.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: Hashable, revisions: tuple[int, ...], data: Any) -> None:
        """Keep the data read under these revisions; drop the least recently used beyond the bound."""
        if self.entries <= 0:
            return
        with self._lock:
            self._data[key] = (revisions, data)
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)

    def user(self, login: tuple[int, int], everything: int) -> Any:
        """The user of that login (id, session version) if loaded while `*` stood at `everything`, else None.

        Every change to a user (disabled, role, password reset) raises `*`: a kept user is never stale."""
        found = self._users.get(login)
        return found[1] if found is not None and found[0] == everything else None

    def keep_user(self, user: Any, everything: int) -> None:
        """Remember a user loaded while `*` stood at `everything`."""
        if self.entries <= 0:
            return
        with self._lock:
            if len(self._users) >= self.entries:
                self._users.clear()
            self._users[(user.id, user.session_version)] = (everything, user)

    def __len__(self) -> int:
        return len(self._data)
