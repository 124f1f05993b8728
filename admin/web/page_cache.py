"""The web process's page cache: what a page read, kept with the data revisions it was read under.

A hit needs the same key (page, parameters, today, the user) and the same revisions, read again for every
request before anything else: a write committed by any process (another web worker, the CLI, the nightly)
raises a revision, and the next request reads afresh. Bounded: the least recently used entry goes first.

When a write makes a page stale, the readers who ask for it at once do not all read it again: the first
reads it (`reading` says it is first), the others wait for that read and take its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

MISSING = object()


class PageCache:
    """A bounded map from a page's key to (revisions, data); thread-safe."""

    new_event = threading.Event  # what a page being read is waited on with

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._data: OrderedDict[Hashable, tuple[tuple[int, ...], Any]] = OrderedDict()
        self._users: dict[tuple[int, int], tuple[int, Any]] = {}
        self._reading: dict[tuple[Hashable, tuple[int, ...]], threading.Event] = {}
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

    @contextmanager
    def reading(self, key: Hashable, revisions: tuple[int, ...], wait_s: float = 30.0) -> Iterator[bool]:
        """True for the one thread that reads the page under these revisions; False for the others, once
        that read is over (they look in the cache again, and read it themselves only if it failed)."""
        with self._lock:
            running = self._reading.get((key, revisions))
            if running is None:
                running = self._reading[(key, revisions)] = self.new_event()
                first = True
            else:
                first = False
        if not first:
            running.wait(wait_s)
            yield False
            return
        try:
            yield True
        finally:
            with self._lock:
                self._reading.pop((key, revisions), None)
            running.set()

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
