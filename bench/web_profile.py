"""Where a page's time goes: the web admin's reads in-process (TestClient), profiled, with thread hops and SQL.

For each page kind (dashboard, item, project, API programme/item/project) the script runs the request
`--repeat` times through Starlette's TestClient and prints the milliseconds per request, the Python
function calls per request (cProfile, which the machine's load does not change), the hops to the thread
pool per request and the SQL statements per request. `--top N` prints the N most expensive functions
(cumulative) over all kinds.
Run: `.venv/bin/python bench/web_profile.py [--db sqlite|postgres] [--repeat 200] [--top 25]`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import anyio.to_thread
from benchdb import db_argument, fresh_database
from sqlalchemy import event
from website import ADMIN, CODE, prepare


def kinds(items: list[int], projects: list[str]) -> dict[str, str]:
    """One representative path per page kind."""
    item, ref = items[len(items) // 2], projects[len(projects) // 2]
    return {
        "dashboard": f"/p/{CODE}",
        "item": f"/p/{CODE}/items/{item}",
        "project": f"/p/{CODE}/projects/{ref}",
        "api programme": f"/api/programmes/{CODE}",
        "api item": f"/api/programmes/{CODE}/items/{item}",
        "api project": f"/api/programmes/{CODE}/projects/{ref}",
    }


class Counters:
    """Thread-pool hops and SQL statements since the last reset."""

    def __init__(self) -> None:
        self.hops = 0
        self.statements = 0
        original = anyio.to_thread.run_sync

        async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.hops += 1
            return await original(*args, **kwargs)

        anyio.to_thread.run_sync = counted  # starlette.concurrency looks it up on the module at each call

    def on_statement(self, *args: object) -> None:
        """Count one statement sent."""
        self.statements += 1


def main() -> None:
    """Profile each page kind in-process."""
    parser = argparse.ArgumentParser(description=__doc__)
    db_argument(parser)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    with fresh_database(args.db, "webprof") as db:
        site = prepare(db)
        os.environ["SHISHI_DATABASE_URL"] = db.url
        os.environ["SHISHI_DATA_DIR"] = tempfile.mkdtemp(prefix="shishi-prof-")
        os.environ["PREFECT_API_URL"] = "http://127.0.0.1:9/api"
        from fastapi.testclient import TestClient

        from admin.web.app import create_app

        counters = Counters()
        app = create_app()
        event.listen(app.state.db.engine, "before_cursor_execute", counters.on_statement)
        profile = cProfile.Profile()
        with TestClient(app, base_url="http://testserver") as client:
            login = client.get("/login").text
            token = login.split('name="csrf" value="')[1].split('"')[0]
            form = {"login": ADMIN.name, "password": ADMIN.password, "csrf": token}
            assert client.post("/login", data=form, follow_redirects=False).status_code == 303
            auth = (ADMIN.name, ADMIN.password)
            print(f"{'kind':<14} {'ms/req':>7} {'calls/req':>9} {'hops/req':>8} {'SQL/req':>7}")
            for kind, path in kinds(site.items, site.projects).items():
                opts = {"auth": auth} if kind.startswith("api") else {}
                assert client.get(path, **opts).status_code == 200, path  # warm: compiled SQL and templates
                counters.hops = counters.statements = 0
                start = time.perf_counter()
                for _ in range(args.repeat):
                    client.get(path, **opts)
                ms = (time.perf_counter() - start) * 1000 / args.repeat
                hops, statements = counters.hops / args.repeat, counters.statements / args.repeat
                one = cProfile.Profile()
                one.enable()
                client.get(path, **opts)
                one.disable()
                calls = sum(s[1] for s in pstats.Stats(one).stats.values())  # type: ignore[attr-defined]
                profile.enable()
                for _ in range(20):
                    client.get(path, **opts)
                profile.disable()
                print(f"{kind:<14} {ms:7.2f} {calls:9d} {hops:8.1f} {statements:7.1f}")
        if args.top:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
