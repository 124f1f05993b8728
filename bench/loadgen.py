"""The load generator of bench/web_load.py: reader and writer threads with httpx, latencies per kind."""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
from website import WRITER_ITEM, Paths

from services.people.users import UserInput

READS = ("dashboard", "item", "project", "api")
WRITES = ("progress", "evidence")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class Site:
    """What the clients ask for and as whom."""

    code: str
    paths: Paths
    cookies: dict[str, str]
    reader: UserInput
    writer: UserInput
    write_rate: float


@dataclass(frozen=True)
class Phase:
    """One server under so many readers and writers."""

    url: str
    readers: int
    writers: int


@dataclass
class Result:
    """Latencies (seconds) per kind and the failures of one phase."""

    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int, body: bytes) -> None:
        """Record one answer; a 5xx, a "database is locked" or an unexpected status is an error."""
        with self.lock:
            self.latencies[kind].append(seconds)
            if status >= 500:
                self.errors["5xx"] += 1
            elif status >= 300:
                self.errors[f"HTTP {status}"] += 1
                self.samples.setdefault(f"{kind} HTTP {status}", body[:300].decode(errors="replace"))
            if b"database is locked" in body:
                self.errors["database is locked"] += 1

    def failed(self, kind: str, exc: Exception) -> None:
        """A request that got no answer."""
        with self.lock:
            self.errors[f"{kind}: {type(exc).__name__}"] += 1

    def rate(self, kind: str) -> float:
        """Answers per second of that kind."""
        return len(self.latencies.get(kind, [])) / self.seconds

    def reads(self) -> list[float]:
        """Every read's latency."""
        return [s for k in READS for s in self.latencies.get(k, [])]

    def print_beside(self, base: Result, readers: int) -> None:
        """The table of this phase beside the baseline's, and the goals."""
        print(f"\n{readers} readers + {WRITES[0]} and {WRITES[1]} writers (baseline: the readers alone)")
        head = f"{'':13}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        print(f"{'':13}{'---- baseline (bare FastAPI) ----':>40}  {'---- shishi web ----':>32}  ratio")
        print(f"{'':13}{head[13:]}  {head[13:]}")
        for kind in (*READS, "all reads", *WRITES):
            mine = self.reads() if kind == "all reads" else self.latencies.get(kind, [])
            theirs = base.reads() if kind == "all reads" else base.latencies.get(kind, [])
            ratio = f"{len(mine) / len(theirs):6.2f}" if theirs else "     —"
            print(f"{kind:13}{_cells(theirs, base.seconds)}  {_cells(mine, self.seconds)}  {ratio}")
        total = sum(len(v) for v in self.latencies.values()) / self.seconds
        print(f"shishi web: {total:.1f} requests/s in all; errors: {_errors(self.errors)}")
        if base.errors:
            print(f"baseline errors: {_errors(base.errors)}")
        for what, body in self.samples.items():
            print(f"  first {what}: {body}")
        worst = min(self.rate(k) / base.rate(k) for k in READS if base.rate(k))
        p95 = _pct(self.reads(), 95) * 1000
        print(f"goal, no error: {'met' if not self.errors else 'NOT met'}")
        print(f"goal, each page kind ≥ 1/3 of its baseline: lowest {worst:.2f}: {_met(worst >= 1 / 3)}")
        if readers <= 20:
            print(
                f"goal, reads p95 < 250 ms at {readers} readers + 2 writers: {p95:.0f} ms: {_met(p95 < 250)}"
            )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _errors(errors: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _cells(values: list[float], seconds: float) -> str:
    if not values:
        return f"{'—':>8}{'':24}"
    ms = [_pct(values, p) * 1000 for p in (50, 95, 99)]
    return f"{len(values) / seconds:8.1f}" + "".join(f"{m:8.0f}" for m in ms)


def warm_logins(site: Site, url: str) -> None:
    """One API read per login first, so its Argon2 check is done once, not by every thread at once."""
    for who in (site.reader, site.writer):
        response = httpx.get(f"{url}/api/me", auth=(who.name, who.password), timeout=60)
        assert response.status_code == 200, f"Basic login failed: {response.status_code}"


def read_every_page(site: Site, url: str, connections: int = 8) -> None:
    """Every path the readers ask for, once on each of several connections (so every worker process of the
    server sees it), as a server that has run for a while has: its page cache holds them, as the baseline's
    memory holds them from its start. Unmeasured."""
    paths = sorted({kp for n in range(len(site.paths.projects)) for kp in _read_paths(site, n)})
    auth = (site.reader.name, site.reader.password)

    def one_connection() -> None:
        with httpx.Client(base_url=url, cookies=site.cookies, timeout=120) as client:
            for kind, path in paths:
                response = client.get(path, auth=auth if kind == "api" else None)
                assert response.status_code == 200, (path, response.status_code)

    threads = [threading.Thread(target=one_connection) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def login_cookies(url: str, who: UserInput) -> dict[str, str]:
    """Log in through the form once; the session cookie the readers share."""
    with httpx.Client(base_url=url) as client:
        token = CSRF.search(client.get("/login").text)
        assert token is not None, "no CSRF token on the login form"
        form = {"login": who.name, "password": who.password, "csrf": token.group(1)}
        response = client.post("/login", data=form)
        assert response.status_code == 303, f"login failed: {response.status_code}"
        return dict(client.cookies)


def run_phase(site: Site, phase: Phase, seconds: float, result: Result | None = None) -> Result:
    """Run the readers and writers against one server for `seconds`; their answers (added to `result`)."""
    result = result or Result(0.0)
    result.seconds += seconds
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_reader, args=(site, phase.url, n, deadline, result))
        for n in range(phase.readers)
    ]
    threads += [
        threading.Thread(target=_writer, args=(site, phase.url, WRITES[n % 2], deadline, result))
        for n in range(phase.writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def _read_paths(site: Site, n: int) -> list[tuple[str, str]]:
    """Reader n's cycle of (kind, path): the kinds in turn, items and projects shifted by n."""
    items, projects, code = site.paths.items, site.paths.projects, site.code
    out = []
    for k in range(len(projects)):
        item, ref = items[(n + k) % len(items)], projects[(n + k) % len(projects)]
        api = (f"/api/programmes/{code}", f"/api/programmes/{code}/items/{item}")[k % 2]
        api = f"/api/programmes/{code}/projects/{ref}" if k % 3 == 2 else api
        out += [
            ("dashboard", f"/p/{code}"),
            ("item", f"/p/{code}/items/{item}"),
            ("project", f"/p/{code}/projects/{ref}"),
            ("api", api),
        ]
    return out[n % 4 :] + out[: n % 4]


def _reader(site: Site, url: str, n: int, deadline: float, result: Result) -> None:
    cycle = _read_paths(site, n)
    auth = (site.reader.name, site.reader.password)
    with httpx.Client(base_url=url, cookies=site.cookies, timeout=60) as client:
        k = 0
        while time.monotonic() < deadline:
            kind, path = cycle[k % len(cycle)]
            k += 1
            start = time.perf_counter()
            try:
                response = client.get(path, auth=auth if kind == "api" else None)
            except httpx.HTTPError as exc:
                result.failed(kind, exc)
                continue
            result.add(kind, time.perf_counter() - start, response.status_code, response.content)


def _writer(site: Site, url: str, kind: str, deadline: float, result: Result) -> None:
    auth = (site.writer.name, site.writer.password)
    refs, code = site.paths.writer_projects, site.code
    pause = 1 / site.write_rate if site.write_rate > 0 else 0.0
    with httpx.Client(base_url=url, auth=auth, timeout=60) as client:
        k = 0
        while (now := time.monotonic()) < deadline:
            k += 1
            if kind == "progress":
                day = date(2020, 10, 1) + timedelta(days=k % 30)
                path = f"/api/programmes/{code}/items/{WRITER_ITEM}/progress"
                body = {"as_of": day.isoformat(), "target": 1, "done": k % 500, "note": f"压测第{k}次报送"}
            else:
                path = f"/api/programmes/{code}/projects/{refs[k % len(refs)]}/evidence"
                doc = f"长民压〔2020〕{time.time_ns()}号"
                body = {"kind": "设计方案批复", "doc_no": doc, "issued_on": "2020-09-01"}
            start = time.perf_counter()
            try:
                response = client.post(path, json=body)
            except httpx.HTTPError as exc:
                result.failed(kind, exc)
                continue
            result.add(kind, time.perf_counter() - start, response.status_code, response.content)
            if pause:
                time.sleep(max(0.0, now + pause - time.monotonic()))  # pacing the writer, not synchronising
