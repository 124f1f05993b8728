"""What every route shares: the database, the logged-in user, CSRF checks and today's date."""

from __future__ import annotations

import binascii
import hmac
import secrets
import time
from base64 import b64decode
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from admin.web.page_cache import MISSING, PageCache
from admin.web.security import csrf_ok
from admin.web.throttle import Locked, attempt
from models.db import Database
from models.settings import get_settings
from services.people.users import UserView, load_user
from services.revisions import EVERYTHING, read_revisions

T = TypeVar("T")
R = TypeVar("R")
BASIC_CACHE_SECONDS = 300
BASIC_CACHE_SIZE = 1000


class LoginRequired(Exception):
    """No user is logged in: pages redirect to the login form, the API answers 401."""


class CsrfFailed(Exception):
    """A write came without the session's CSRF token."""


class Utf8Basic(HTTPBasic):
    """HTTP Basic credentials decoded as UTF-8 (RFC 7617), so Chinese user names work."""

    async def __call__(self, request: Request) -> HTTPBasicCredentials | None:  # type: ignore[override]
        """The credentials, None without an Authorization header, LoginRequired when malformed."""
        scheme, _, param = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = b64decode(param.strip(), validate=True).decode("utf-8")
        except (ValueError, binascii.Error) as exc:
            raise LoginRequired() from exc
        username, sep, password = decoded.partition(":")
        if not sep:
            raise LoginRequired()
        return HTTPBasicCredentials(username=username, password=password)


basic = Utf8Basic(
    auto_error=False, description="用户名（或邮箱）与密码；浏览器会话亦可，写操作须带 X-CSRF-Token"
)


def database(request: Request) -> Database:
    """The application database opened by the app at start-up."""
    return request.app.state.db  # type: ignore[no-any-return]


def read_session(request: Request) -> Iterator[Session]:
    """A read-only session for one request."""
    with database(request).read() as session:
        yield session


def today() -> date:
    """Today in the district's time zone."""
    return get_settings().today()


def page_user(request: Request, session: Annotated[Session, Depends(read_session)]) -> UserView:
    """The user of the session cookie, or a redirect to the login page."""
    uid, version = request.session.get("uid"), request.session.get("sv", 0)
    user = load_user(session, uid, version) if isinstance(uid, int) and isinstance(version, int) else None
    if user is None:  # logged out, disabled, or the password was reset since: the session ends here
        request.session.pop("uid", None)
        request.session.pop("sv", None)
        raise LoginRequired()
    return user


def start_session(request: Request, user: UserView) -> None:
    """A fresh session for a user who just logged in, stamped with the user's session version."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["sv"] = user.session_version


def api_user(
    request: Request,
    session: Annotated[Session, Depends(read_session)],
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> UserView:
    """HTTP Basic credentials, or the session cookie (whose writes must carry X-CSRF-Token)."""
    if credentials is not None:
        return _basic_user(request, session, credentials)
    user = page_user(request, session)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok(request, x_csrf_token):
        raise CsrfFailed()
    return user


def _basic_user(request: Request, session: Session, credentials: HTTPBasicCredentials) -> UserView:
    """Verify Basic credentials; a success is remembered for five minutes (Argon2 costs ~0.1–0.5 s).

    The remembered login holds the user's session version, and the user is loaded on every request:
    a disabled user, or one whose password was reset, is refused at once.
    """
    cache: dict[str, tuple[int, int, float]] = request.app.state.basic_cache
    digest, now = _basic_digest(request, credentials), time.monotonic()
    hit = cache.get(digest)
    user = load_user(session, hit[0], hit[1]) if hit and hit[2] > now else None
    if user is None:
        try:
            user = attempt(
                database(request), credentials.username, credentials.password, client_address(request)
            )
        except Locked as exc:
            raise LoginRequired() from exc
        if user is None:
            raise LoginRequired()
        if len(cache) > BASIC_CACHE_SIZE:
            cache.clear()
        cache[digest] = (user.id, user.session_version, now + BASIC_CACHE_SECONDS)
    return user


def _basic_digest(request: Request, credentials: HTTPBasicCredentials) -> str:
    """The key under which a verified login is remembered (a keyed hash: the password is never kept)."""
    text = f"{credentials.username}\0{credentials.password}".encode()
    return hmac.new(request.app.state.cache_key, text, "sha256").hexdigest()


def _remembered_login(request: Request, credentials: HTTPBasicCredentials | None) -> tuple[int, int] | None:
    """The (user id, session version) of the session cookie or of remembered Basic credentials, else None."""
    if credentials is None:
        uid, version = request.session.get("uid"), request.session.get("sv", 0)
        return (uid, version) if isinstance(uid, int) and isinstance(version, int) else None
    hit = request.app.state.basic_cache.get(_basic_digest(request, credentials))
    return (hit[0], hit[1]) if hit and hit[2] > time.monotonic() else None


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (behind a proxy: what the proxy headers say)."""
    return request.client.host if request.client else None


def check_form_csrf(request: Request, token: str | None) -> None:
    """Refuse a form post without the session's token."""
    if not csrf_ok(request, token):
        raise CsrfFailed()


def request_id() -> str:
    """A fresh id for a stage-change request (a retried flow task replays it, never applies it twice)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Reader:
    """A read request's parts; `run` opens the session, finds the user and runs the body in one thread hop.

    A sync dependency or endpoint is one trip to the thread pool each (a generator two); a page used to make
    four (the session in and out, the user, the handler) and an API read five (its answer too).
    """

    request: Request
    api: bool
    credentials: HTTPBasicCredentials | None = None
    x_csrf_token: str | None = None

    async def run(self, body: Callable[[Session, UserView], T]) -> T:
        """The body's result, called with a read session and the logged-in user, off the event loop."""
        return await run_in_threadpool(self._run, body)

    def _run(self, body: Callable[[Session, UserView], T]) -> T:
        with database(self.request).read() as session:
            return body(session, self._user(session))

    async def cached(
        self,
        key: Hashable,
        scopes: tuple[str, ...],
        body: Callable[[Session, UserView], T],
        then: Callable[[T, UserView], R],
    ) -> R:
        """`then` of the body's result, which is kept per key and user while the scopes' revisions hold."""
        return await run_in_threadpool(self._cached, key, scopes, body, then)

    def _cached(
        self, key: Hashable, scopes: tuple[str, ...], body: Callable[..., T], then: Callable[..., R]
    ) -> R:
        cache: PageCache = self.request.app.state.page_cache
        db = database(self.request)
        with db.statement() as conn:  # first, so the data read is never older than the revisions
            revisions = read_revisions(conn, (EVERYTHING, *scopes))
        login = _remembered_login(self.request, self.credentials if self.api else None)
        user = cache.user(login, revisions[0]) if login else None
        if user is None:  # known under the same `*` revision, the user costs no statement
            with db.read() as session:
                user = self._user(session)
            cache.keep_user(user, revisions[0])
        return then(_read_once(cache, db, (key, user), revisions, lambda session: body(session, user)), user)

    def _user(self, session: Session) -> UserView:
        if self.api:
            return api_user(self.request, session, self.credentials, self.x_csrf_token)
        return page_user(self.request, session)


def _read_once(
    cache: PageCache, db: Database, key: Hashable, revisions: tuple[int, ...], body: Callable[[Session], T]
) -> T:
    """A page's data under these revisions: kept, read by another request just now, or read here."""
    data = cache.get(key, revisions)
    if data is not MISSING:
        return data  # a kept page: the revisions were its one statement
    with cache.reading(key, revisions) as first:
        data = MISSING if first else cache.get(key, revisions)
        if data is MISSING:
            with db.read() as session:
                data = body(session)
            cache.put(key, revisions, data)
    return data


async def page_reader(request: Request) -> Reader:
    """A page's reader; without a session cookie's user, the redirect to the login page at once."""
    if not isinstance(request.session.get("uid"), int):
        request.session.pop("uid", None)
        raise LoginRequired()
    return Reader(request, api=False)


async def api_reader(
    request: Request,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)],
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> Reader:
    """An API read's reader: HTTP Basic credentials or the session cookie; 401 at once with neither."""
    if credentials is None and not isinstance(request.session.get("uid"), int):
        raise LoginRequired()
    return Reader(request, api=True, credentials=credentials, x_csrf_token=x_csrf_token)


PageReader = Annotated[Reader, Depends(page_reader)]
ApiReader = Annotated[Reader, Depends(api_reader)]
PageUser = Annotated[UserView, Depends(page_user)]
ApiUser = Annotated[UserView, Depends(api_user)]
ReadSession = Annotated[Session, Depends(read_session)]
