"""A page made stale is read once however many readers ask for it at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from admin.web.page_cache import MISSING, PageCache

KEY, REVISIONS = ("dashboard", "changning-2020"), (7, 9)


class WatchedEvent(threading.Event):
    """An Event that tells the test when a reader has started waiting on it."""

    waiters = threading.Semaphore(0)

    def wait(self, timeout: float | None = None) -> bool:
        WatchedEvent.waiters.release()
        return super().wait(timeout)


def _read(cache: PageCache, reads: list[str], go: threading.Event, first_in: threading.Event) -> str:
    found = cache.get(KEY, REVISIONS)
    if found is not MISSING:
        return found
    with cache.reading(KEY, REVISIONS) as first:
        found = MISSING if first else cache.get(KEY, REVISIONS)
        if found is MISSING:
            first_in.set()
            go.wait(30)
            reads.append("read")
            found = f"page {len(reads)}"
            cache.put(KEY, REVISIONS, found)
    return found


def test_readers_of_one_stale_page_wait_for_the_first_read_and_take_its_result() -> None:
    cache = PageCache(10)
    cache.new_event = WatchedEvent
    reads: list[str] = []
    go, first_in = threading.Event(), threading.Event()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(_read, cache, reads, go, first_in)
        assert first_in.wait(30)
        others = [pool.submit(_read, cache, reads, go, first_in) for _ in range(3)]
        for _ in others:  # all three are waiting for the first read before it ends
            assert WatchedEvent.waiters.acquire(timeout=30)
        go.set()
        results = [first.result(30), *(o.result(30) for o in others)]
    assert reads == ["read"] and results == ["page 1"] * 4


def test_a_failed_read_lets_the_next_reader_read_for_itself() -> None:
    cache = PageCache(10)
    try:
        with cache.reading(KEY, REVISIONS) as first:
            assert first
            raise RuntimeError("the database went away")
    except RuntimeError:
        pass
    with cache.reading(KEY, REVISIONS) as first:  # nothing left waiting or claimed
        assert first
    with cache.reading(KEY, (7, 10)) as first:  # other revisions: another read
        assert first
