"""督办单 pages: the office lists, issues, returns and closes; the lead department signs and replies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from admin.web.deps import PageReader, PageUser, check_form_csrf, database, today
from admin.web.render import flash, page
from services.errors import BadInput
from services.people.users import UserView
from services.refs import resolve_programme
from services.supervision.facts import number_of
from services.supervision.requests import Actor, IssueInput, StepInput, event_code
from services.supervision.use_case import act_on_notice, issue_notice, require_may_act, require_may_issue
from services.supervision.views import list_notices, show_notice
from services.unit_of_work import UnitOfWork
from states.notices import NOTICE_EVENTS, NoticeState

router = APIRouter(include_in_schema=False)
Field = Annotated[str | None, Form(max_length=2000)]
Token = Annotated[str | None, Form(max_length=200)]
Day = Annotated[str | None, Form(max_length=10)]
STATES = {s.code: s.label for s in NoticeState}


def form_day(text: str | None, what: str = "日期") -> date | None:
    """A form's YYYY-MM-DD (empty: None)."""
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadInput(f"{what}格式应为 YYYY-MM-DD：{text}") from None


@router.get("/p/{code}/notices", response_class=HTMLResponse)
async def notices_page(
    request: Request, code: str, reader: PageReader, state: Annotated[str | None, Query(max_length=16)] = None
) -> Response:
    """The notices the user may see (a department: those sent to it), and the office's issue form."""

    def body(session: Session, user: UserView) -> Response:
        programme = resolve_programme(session, code)
        rows = list_notices(session, programme.code, Actor.of_user(user, "web"), state or None)
        context = {
            "code": programme.code,
            "name": programme.name,
            "notices": rows,
            "state": state or "",
            "states": STATES,
        }
        return page(request, "notices.html", context, user)

    return await reader.run(body)


@router.get("/p/{code}/notices/{notice_id}", response_class=HTMLResponse)
async def notice_page(request: Request, code: str, notice_id: int, reader: PageReader) -> Response:
    """One notice, its audit steps, and the forms of the steps the user may take."""

    def body(session: Session, user: UserView) -> Response:
        programme = resolve_programme(session, code)
        view = show_notice(session, programme.code, notice_id, Actor.of_user(user, "web"))
        return page(request, "notice.html", {"code": programme.code, "n": view}, user)

    return await reader.run(body)


@router.post("/p/{code}/notices")
def issue_page(
    request: Request,
    code: str,
    user: PageUser,
    ref: Annotated[str, Form(max_length=20)],
    finding: Annotated[str, Form(max_length=2000)],
    requirement: Annotated[str, Form(max_length=2000)],
    days: Annotated[int, Form(ge=1, le=60)] = 5,
    at: Day = None,
    csrf: Token = None,
) -> Response:
    """The office issues a notice."""
    check_form_csrf(request, csrf)
    actor = Actor.of_user(user, "web")
    require_may_issue(actor)  # anyone else is refused before the form's contents are read
    data = IssueInput(ref, finding, requirement, days, form_day(at), code)
    with UnitOfWork(database(request)) as uow:
        facts = issue_notice(uow, data, actor, today())
    flash(
        request,
        "ok",
        f"{number_of(facts.notice.id)}已下发给 {facts.department}，反馈期限 {facts.notice.due_on}",
    )
    return RedirectResponse(f"/p/{facts.programme_code}/notices/{facts.notice.id}", 303)


@router.post("/p/{code}/notices/{notice_id}/{event}")
def step_page(
    request: Request,
    code: str,
    notice_id: int,
    event: str,
    user: PageUser,
    csrf: Token = None,
    version: Annotated[int | None, Form(ge=0, le=2**31)] = None,
    at: Day = None,
    measures: Field = None,
    committed_on: Day = None,
    reason: Field = None,
    days: Annotated[int | None, Form(ge=1, le=60)] = None,
) -> Response:
    """Sign, reply, return or close; the form carries the version shown, so a notice changed since is a conflict."""
    check_form_csrf(request, csrf)
    actor, step = Actor.of_user(user, "web"), event_code(event)
    require_may_act(actor, step)  # a role that may never take this step is refused before the form is read
    data = StepInput(
        notice_id,
        step,
        form_day(at),
        measures,
        form_day(committed_on, "承诺完成日期"),
        reason,
        days,
        version,
        code,
    )
    with UnitOfWork(database(request)) as uow:
        facts = act_on_notice(uow, data, actor, today())
    label = NOTICE_EVENTS[data.event]
    flash(request, "ok", f"{number_of(notice_id)}已{label}：现为“{NoticeState[facts.notice.state].label}”")
    return RedirectResponse(f"/p/{facts.programme_code}/notices/{notice_id}", 303)
