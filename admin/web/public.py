"""The public page and feed of a programme marked public: no login, no session cookie, no form, cacheable.

/public/<code> (HTML) and /public/<code>/feed.json show what `services.public.board` whitelists; a programme
that is not public answers 404. Responses carry Cache-Control public, an ETag and Last-Modified, and answer
304 to a matching If-None-Match (or, without one, If-Modified-Since).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.web.deps import database
from admin.web.render import templates
from services.errors import NotFound
from services.public.board import NOT_PUBLIC, public_board

HERE = Path(__file__).parent
PREFIX = "/public/"
MAX_AGE = 300  # seconds a browser or a proxy may reuse a page before asking again (304 when unchanged)
router = APIRouter(prefix="/public", include_in_schema=False)


class NoCookies:
    """Under /public/ a request's cookies are not read and a response sets none, so that no session is made
    or renewed there and a shared cache may keep the answer (added outside the session middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Drop the Cookie header on the way in and any Set-Cookie on the way out, under /public/ only."""
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"cookie"]}

        async def send_without_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                del MutableHeaders(scope=message)["set-cookie"]
            await send(message)

        await self.app(scope, receive, send_without_cookies)


@router.get("/_static/public.css")
def stylesheet() -> Response:
    """The public page's stylesheet, served under /public/ so that a proxy need expose nothing else."""
    return FileResponse(
        HERE / "static" / "public.css", headers={"Cache-Control": f"public, max-age={MAX_AGE}"}
    )


@router.api_route("/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def public_page(request: Request, code: str) -> Response:
    """The programme's items with their lights and progress, as its latest published period states them."""
    found = _board(request, code)
    if found is None:
        return _missing()
    html = templates.get_template("public.html").render(b=found["board"], feed=f"{PREFIX}{code}/feed.json")
    return cached(
        request, html.encode("utf-8"), "text/html; charset=utf-8", f"{found['tag']}-h", found["modified"]
    )


@router.api_route("/{code}/feed.json", methods=["GET", "HEAD"])
def public_feed(request: Request, code: str) -> Response:
    """The same board as JSON (UTF-8, Chinese as it is)."""
    found = _board(request, code)
    if found is None:
        return JSONResponse({"detail": NOT_PUBLIC}, 404)
    body = JSONResponse(found["board"]).body
    return cached(request, body, "application/json", f"{found['tag']}-j", found["modified"])


@router.api_route("/{rest:path}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def public_missing(rest: str) -> Response:
    """Any other address under /public/: the public 404 page (never the admin's error page and its links)."""
    return _missing()


def _missing() -> HTMLResponse:
    return HTMLResponse(templates.get_template("public_404.html").render(message=NOT_PUBLIC), 404)


def _board(request: Request, code: str) -> dict[str, Any] | None:
    if len(code) > 64:
        return None
    try:
        with database(request).read() as session:
            return public_board(session, code)
    except NotFound:
        return None


def cached(request: Request, body: bytes, media_type: str, tag: str, modified: datetime) -> Response:
    """The body with its cache headers, or 304 Not Modified when the client's copy is still current."""
    headers = {
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "ETag": f'"{tag}"',
        "Last-Modified": format_datetime(modified, usegmt=True),
    }
    if _unchanged(request, headers["ETag"], modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _unchanged(request: Request, etag: str, modified: datetime) -> bool:
    """If-None-Match decides when present (weak tags match too); else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def number(value: Any) -> str:
    """250.0 → 250, 2.5 → 2.5: a figure as people write it."""
    if value is None:
        return "—"
    return format(Decimal(str(value)).normalize(), "f")


def percent(value: Any) -> str:
    """0.475 → 47.5%."""
    return "—" if value is None else f"{number(round(float(value) * 100, 1))}%"


templates.env.filters["public_number"] = number
templates.env.filters["public_percent"] = percent
