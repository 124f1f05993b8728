"""Jinja2 pages: one autoescaping environment, the shared context, flash messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from admin.web.security import csrf_token
from models.settings import get_settings
from services.people.users import UserView
from states.quantities import amount

HERE = Path(__file__).parent
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,  # compiled once per process: no stat of every template file on every page
    )
)


def local_time(moment: datetime | str | None) -> str:
    """A stored time (UTC; naive from SQLite) in the programme's time zone as offices write it: 2020-10-10 10:00."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(ZoneInfo(get_settings().timezone)):%Y-%m-%d %H:%M}"


templates.env.filters["local"] = local_time
templates.env.filters["amount"] = amount  # 6个, 2.5万平方米: as the reports write it


def flash(request: Request, kind: str, text: str, reasons: list[str] | None = None) -> None:
    """A message for the next page (after a redirect)."""
    request.session["flash"] = {
        "kind": kind,
        "text": text[:500],
        "reasons": [r[:300] for r in reasons or []][:20],
    }


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    user: UserView | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render a template with the user, the CSRF token and any flash message."""
    shared = {
        "user": user,
        "csrf": csrf_token(request),
        "flash": request.session.pop("flash", None),
    }
    return templates.TemplateResponse(request, name, {**shared, **context}, status_code=status)


def render_error(
    request: Request, status: int, message: str, reasons: list[str] | None = None
) -> HTMLResponse:
    """The error page: a message in Chinese and its reasons, never a stack trace."""
    return page(
        request, "error.html", {"status": status, "message": message, "reasons": reasons or []}, status=status
    )
