"""The baseline of bench/web_load.py: a bare FastAPI app serving the same pages and JSON from memory.

At start it reads, once, what each page shows (the same read models the web admin calls) from the database
named by SHISHI_DATABASE_URL; then each handler only renders the web admin's own templates (or encodes the
same JSON) from that data: no middleware, no login, no session, no query.
Run: `python bench/web_baseline.py --port 8001` (bench/web_load.py starts and stops it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from website import ADMIN, CODE, paths

from admin.web.pages_read import as_of_for, project_context
from admin.web.render import templates
from models.db import Database
from models.settings import get_settings
from services.people.users import UserView
from services.refs import resolve_programme
from services.views.dashboard import dashboard
from services.views.programme import show_item, show_project


def snapshot_of_pages(db: Database) -> dict[str, Any]:
    """Every page's context and every API answer of the example, read once, as the admin sees them."""
    found = paths(db)
    with db.read() as session:
        from models import User

        row = session.query(User).filter_by(name=ADMIN.name).one()
        user = UserView(row.id, row.name, row.email, row.role, None, None)
        programme = resolve_programme(session, CODE)
        as_of = as_of_for(programme.year, get_settings().today())
        board = dashboard(session, user, CODE)
        items = {n: show_item(session, programme, n, as_of) for n in found.items}
        projects = {r: show_project(session, programme, r, as_of) for r in found.projects}
        contexts = {r: project_context(session, user, CODE, r) for r in found.projects}
    return {"user": user, "dashboard": board, "items": items, "projects": projects, "contexts": contexts}


def create_baseline(data: dict[str, Any]) -> FastAPI:
    """The bare app: the web admin's URLs, each rendering from `data`."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    user = data["user"]
    shared = {"user": user, "csrf": "0" * 43, "flash": None}

    def render(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {**shared, **context})

    @app.get("/p/{code}", response_class=HTMLResponse)
    def dashboard_page(request: Request, code: str) -> HTMLResponse:
        return render(request, "dashboard.html", {"d": data["dashboard"]})

    @app.get("/p/{code}/items/{number}", response_class=HTMLResponse)
    def item_page(request: Request, code: str, number: int) -> HTMLResponse:
        return render(request, "item.html", {"i": data["items"][number], "code": code})

    @app.get("/p/{code}/projects/{ref}", response_class=HTMLResponse)
    def project_page(request: Request, code: str, ref: str) -> HTMLResponse:
        return render(request, "project.html", data["contexts"][ref])

    @app.get("/api/programmes/{code}")
    def api_programme(code: str) -> dict[str, Any]:
        return data["dashboard"]  # type: ignore[no-any-return]

    @app.get("/api/programmes/{code}/items/{number}")
    def api_item(code: str, number: int) -> dict[str, Any]:
        return data["items"][number]  # type: ignore[no-any-return]

    @app.get("/api/programmes/{code}/projects/{ref}")
    def api_project(code: str, ref: str) -> dict[str, Any]:
        return data["projects"][ref]  # type: ignore[no-any-return]

    @app.get("/login")
    def ready() -> dict[str, bool]:
        return {"ready": True}

    return app


def main() -> None:
    """Read the pages once, then serve them from memory on loopback."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    db = Database(get_settings().effective_database_url)
    app = create_baseline(snapshot_of_pages(db))
    db.dispose()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
