"""Pages that read: the dashboard, an item, a project, and the report files."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.web.deps import PageReader, today
from admin.web.render import page
from models.settings import get_settings
from services.errors import BadInput
from services.people.access import require_read
from services.people.users import UserView
from services.publishing.store import list_published
from services.refs import parse_ref, resolve_programme
from services.reporting.files import report_file
from services.reporting.listing import period_history, published_file, report_periods
from services.revisions import dashboard_scopes, item_key, project_key
from services.supervision.open_notices import open_notices
from services.views.dashboard import dashboard
from services.views.programme import show_item, show_project
from states.machine import EVENT_LABELS
from states.prerequisites import EVIDENCE_KINDS

router = APIRouter(include_in_schema=False)
Short = Annotated[str | None, Query(max_length=100)]
MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def as_of_for(year: int, day: date) -> date:
    """Read a past programme as of its last day, a current one as of today."""
    return min(day, date(year, 12, 31))


@router.get("/", response_class=HTMLResponse)
async def home(reader: PageReader) -> Response:
    """The newest programme's dashboard."""
    code = await reader.run(lambda session, user: resolve_programme(session, None).code)
    return RedirectResponse(f"/p/{code}", 303)


@router.get("/p/{code}", response_class=HTMLResponse)
async def dashboard_page(
    request: Request,
    code: str,
    reader: PageReader,
    dept: Short = None,
    status: Short = None,
    as_of: Short = None,
) -> Response:
    """Every item the user may see, its bar against the time line, filters by department, status and date."""
    day, now = _day(as_of), today()
    return await reader.cached(
        ("dashboard", code.strip().lower(), dept or None, status or None, day, now),
        dashboard_scopes(code, day),
        lambda session, user: dashboard(session, user, code, dept or None, status or None, day, now),
        lambda data, user: page(request, "dashboard.html", {"d": data}, user),
    )


def _day(text: str | None) -> date | None:
    """The dashboard's date (empty: the latest run); a malformed one is bad input (422, in Chinese)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"日期格式应为 YYYY-MM-DD：{text}", fields=("as_of",)) from None


@router.get("/p/{code}/items/{number}", response_class=HTMLResponse)
async def item_page(request: Request, code: str, number: int, reader: PageReader) -> Response:
    """One item: targets, projects per stage, progress reports and the progress form."""
    now = today()

    def body(session: Session, user: UserView) -> dict[str, Any]:
        programme = resolve_programme(session, code)
        require_read(session, user, programme, number)
        data = show_item(session, programme, number, as_of_for(programme.year, now))
        notices = open_notices(session, programme.id, number, now)
        return {"i": data, "code": programme.code, "notices": notices}

    return await reader.cached(
        ("item", code.strip().lower(), number, now),
        (item_key(code, number),),
        body,
        lambda context, user: page(request, "item.html", context, user),
    )


def project_context(
    session: Session, user: UserView, code: str, ref: str, now: date | None = None
) -> dict[str, Any]:
    """What the project page shows: stage, next prerequisites, evidence, actions, full history."""
    now = now or today()
    programme = resolve_programme(session, code)
    parsed = parse_ref(ref)
    require_read(session, user, programme, parsed.item)
    data = show_project(session, programme, ref, now, recent=None)  # the present: what an action acts on
    return {
        "notices": open_notices(session, programme.id, parsed.item, now, parsed.project or 0),
        "p": data,
        "code": programme.code,
        "history": data["transitions"],  # the whole audit trail, in effective order
        "events": EVENT_LABELS,
        "kinds": EVIDENCE_KINDS,
        "form": {},
    }


@router.get("/p/{code}/projects/{ref}", response_class=HTMLResponse)
async def project_page(request: Request, code: str, ref: str, reader: PageReader) -> Response:
    """One project with its action forms."""
    now = today()
    return await reader.cached(
        ("project", code.strip().lower(), ref, now),
        (project_key(code, str(parse_ref(ref))),),
        lambda session, user: project_context(session, user, code, ref, now),
        lambda context, user: page(request, "project.html", context, user),
    )


@router.get("/p/{code}/reports", response_class=HTMLResponse)
async def reports_page(request: Request, code: str, reader: PageReader) -> Response:
    """The generated report files of a programme, newest first; its published periods (and, for an
    administrator, the form that publishes one)."""

    def body(session: Session, user: UserView) -> Response:
        programme = resolve_programme(session, code)
        periods = report_periods(session, programme.code)
        published = list_published(session, programme.code)
        context = {"periods": periods, "published": published, "code": programme.code, "name": programme.name}
        return page(request, "reports.html", context, user)

    return await reader.run(body)


@router.get("/p/{code}/reports/history/{period}", response_class=HTMLResponse)
async def report_history_page(request: Request, code: str, period: str, reader: PageReader) -> Response:
    """A period's history: every file written for it and every published version's files."""

    def body(session: Session, user: UserView) -> Response:
        programme = resolve_programme(session, code)
        history = period_history(session, programme.code, period[:20])
        context = {"h": history, "code": programme.code, "name": programme.name}
        return page(request, "report_history.html", context, user)

    return await reader.run(body)


@router.get("/p/{code}/reports/published/{file_id}")
async def download_published(code: str, file_id: int, reader: PageReader) -> Response:
    """One published file as an attachment, its bytes as published."""
    f = await reader.run(lambda session, user: published_file(session, code, file_id))
    return Response(
        f["content"],
        media_type=MEDIA.get(f["name"].rsplit(".", 1)[-1], "application/octet-stream"),
        headers={  # an ASCII name for old clients, the real one for the rest
            "Content-Disposition": f'attachment; filename="report.{f["name"].rsplit(".", 1)[-1]}"; '
            f"filename*=UTF-8''{quote(f['name'])}"
        },
    )


@router.get("/p/{code}/reports/{file_id}")
async def download(code: str, file_id: int, reader: PageReader) -> Response:
    """One report file as an attachment."""
    f = await reader.run(
        lambda session, user: report_file(session, code, file_id, get_settings().reports_folder)
    )
    return FileResponse(f["path"], filename=f["name"])
