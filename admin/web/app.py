"""The FastAPI application: middleware, routers, and errors turned into pages or JSON without traces."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.web import (
    api,
    api_notices,
    api_review,
    api_users,
    pages_notices,
    pages_read,
    pages_review,
    pages_users,
    pages_write,
    public,
)
from admin.web.deps import CsrfFailed, LoginRequired
from admin.web.page_cache import PageCache
from admin.web.render import render_error
from admin.web.security import HEADERS, secret_key
from models.db import Database
from models.settings import Settings, get_settings
from services.errors import BadInput, Conflict, Forbidden, NotFound, NotInitialised, Refused, ServiceError

HERE = Path(__file__).parent
log = logging.getLogger("shishi.web")
HTTP_MESSAGES = {
    400: "请求格式错误（请求体不是有效的 JSON），未作任何变更",
    404: "页面不存在",
    405: "不支持此请求方法",
}


def status_of(exc: ServiceError) -> int:
    """The HTTP status of a domain error."""
    for kind, status in ((Forbidden, 403), (Conflict, 409), (Refused, 422), (NotFound, 404), (BadInput, 422)):
        if isinstance(exc, kind):
            return status
    return 400


def web_pool(settings: Settings) -> dict[str, int]:
    """Connections kept open per web process: a request never waits for a new one (PostgreSQL forks a backend
    for each, and its prepared statements die with it) while up to `web_pool_size` requests read at once."""
    if ":memory:" in settings.effective_database_url:
        return {}
    return {"pool_size": settings.web_pool_size, "max_overflow": settings.web_pool_overflow}


def create_app(settings: Settings | None = None, on_shutdown: Callable[[], None] | None = None) -> FastAPI:
    """The web admin for one database; the schema must exist (`shishi init`)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            on_shutdown()

    db = Database(settings.effective_database_url, **web_pool(settings))
    if not db.is_initialised():
        raise NotInitialised()
    app = FastAPI(
        title="Shishi 实事项目管理 API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.basic_cache = {}
    app.state.page_cache = PageCache(settings.page_cache_entries)
    app.state.cache_key = secrets.token_bytes(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(settings),
        session_cookie="shishi_session",
        max_age=int(timedelta(hours=settings.session_hours).total_seconds()),
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(public.NoCookies)  # outside the session: /public/ neither reads nor sets a cookie
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(api_users.router)
    app.include_router(api_notices.router)
    app.include_router(api_review.router)
    app.include_router(pages_review.router)
    app.include_router(pages_write.router)
    app.include_router(pages_users.router)
    app.include_router(pages_notices.router)
    app.include_router(pages_read.router)
    app.include_router(public.router)
    _error_handlers(app)
    return app


class SecurityHeaders:
    """Every response's security headers, and no caching of pages: a plain ASGI middleware.

    Starlette's `BaseHTTPMiddleware` (what `app.middleware("http")` builds) runs each request in a task
    group with memory streams; this only adds headers to the response's start message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers the response does not set itself."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    headers.setdefault(key, value)
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "请先登录"}, 401, headers={"WWW-Authenticate": 'Basic realm="shishi"'}
            )
        return RedirectResponse(f"/login?next={request.url.path}", 303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        message = "表单已过期或来源不明（CSRF 校验失败），未作任何变更；请刷新页面后重试"
        if _is_api(request):
            return JSONResponse({"detail": message}, 403)
        return render_error(request, 403, message)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        status = status_of(exc)
        if _is_api(request):
            body = {
                "detail": getattr(exc, "summary", str(exc)),
                "reasons": getattr(exc, "reasons", []),
                "fields": list(exc.fields),
            }
            return JSONResponse(body, status)
        return render_error(request, status, getattr(exc, "summary", str(exc)), getattr(exc, "reasons", []))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        reasons = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"[:300] for e in exc.errors()[:20]]
        if _is_api(request):
            return JSONResponse({"detail": "请求内容无效，未作任何变更", "reasons": reasons}, 422)
        return render_error(request, 422, "表单内容无效，未作任何变更", reasons)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        if _is_api(request):
            return JSONResponse({"detail": message}, exc.status_code, headers=getattr(exc, "headers", None))
        return render_error(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "服务器内部错误，操作未完成；请稍后重试或联系管理员"
        if _is_api(request):
            return JSONResponse({"detail": message}, 500)
        return render_error(request, 500, message)
