"""Pages that write: login and logout, stage actions, evidence and progress, each behind a CSRF check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.web import actions
from admin.web.deps import PageUser, check_form_csrf, client_address, database, start_session, today
from admin.web.pages_read import project_context
from admin.web.render import flash, page
from admin.web.throttle import LOCKED_MESSAGE, Locked, attempt
from services.errors import BadInput
from services.review.submit import Submitted
from services.stage_change.evidence import describe_evidence
from services.stage_change.request import EvidenceInput
from states.machine import EVENT_LABELS
from states.stages import parse_stage

router = APIRouter(include_in_schema=False)
Field = Annotated[str | None, Form(max_length=2000)]
Token = Annotated[str | None, Form(max_length=200)]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    """The login form."""
    return page(request, "login.html", {"next": _safe_next(next), "login": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    login: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Token = None,
    next: Annotated[str, Form(max_length=300)] = "/",
) -> Response:
    """Check the password; on success start a fresh session."""
    check_form_csrf(request, csrf)
    context = {"next": _safe_next(next), "login": login}
    try:
        user = attempt(database(request), login, password, client_address(request))
    except Locked:
        return page(request, "login.html", {**context, "error": LOCKED_MESSAGE}, status=429)
    if user is None:
        return page(request, "login.html", {**context, "error": "用户名或密码错误"}, status=401)
    start_session(request, user)
    return RedirectResponse(_safe_next(next), 303)


@router.post("/logout")
def logout(request: Request, csrf: Token = None) -> Response:
    """End the session."""
    check_form_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.post("/p/{code}/projects/{ref}/action", response_class=HTMLResponse)
def stage_action(
    request: Request,
    code: str,
    ref: str,
    user: PageUser,
    background: BackgroundTasks,
    event: Annotated[str, Form(max_length=16)],
    csrf: Token = None,
    version: Annotated[int | None, Form(ge=0, le=2**31)] = None,
    stage: Annotated[str | None, Form(max_length=16)] = None,
    reason: Field = None,
    at: Field = None,
    ev_kind: Field = None,
    ev_doc: Field = None,
    ev_date: Field = None,
) -> Response:
    """Advance, suspend, resume, cancel or revert through the advance-stage flow.

    The form carries the stage and version of the page shown: if the project changed since, it is a conflict.
    """
    check_form_csrf(request, csrf)
    evidence = _evidence(ev_kind, ev_doc, ev_date)
    action = actions.Action(
        event=event,
        reason=(reason or "").strip() or None,
        at=actions.day(at),
        evidence=(evidence,) if evidence else (),
        expected_version=version,
        expected_stage=actions.stage(stage),
    )
    result = actions.stage_action(database(request), user, code, ref, action, today())
    if result.get("submission"):  # held for the office's review
        flash(request, "ok", result["message"])
        return RedirectResponse(f"/p/{code}/projects/{ref}", 303)
    if result["ok"]:
        background.add_task(actions.regenerate_after, result)  # after the person has the answer
        moved = f"{parse_stage(result['from_stage']).label} → {parse_stage(result['to_stage']).label}"
        notice = [result["notice"]] if result.get("notice") else None
        flash(request, "ok", f"{ref} 已{EVENT_LABELS.get(event, event)}：{moved}", notice)
        return RedirectResponse(f"/p/{code}/projects/{ref}", 303)
    with database(request).read() as session:
        context = project_context(session, user, code, ref)
    context["error"] = {"text": result["message"], "reasons": result["reasons"], "kind": result.get("error")}
    context["form"] = {
        "event": event,
        "reason": reason,
        "at": at,
        "ev_kind": ev_kind,
        "ev_doc": ev_doc,
        "ev_date": ev_date,
    }
    return page(request, "project.html", context, user, status=actions.status_of_result(result))


@router.post("/p/{code}/projects/{ref}/evidence")
def add_evidence(
    request: Request,
    code: str,
    ref: str,
    user: PageUser,
    kind: Annotated[str, Form(max_length=40)],
    doc_no: Annotated[str, Form(max_length=200)],
    issued_on: Annotated[str, Form(max_length=10)],
    csrf: Token = None,
) -> Response:
    """Record one document (批复、许可、验收…) on a project."""
    check_form_csrf(request, csrf)
    item = _evidence(kind, doc_no, issued_on)
    assert item is not None
    added = actions.add_evidence(database(request), user, code, ref, item, today())
    if isinstance(added, Submitted):
        flash(request, "ok", added.message())
        return RedirectResponse(f"/p/{code}/projects/{ref}", 303)
    flash(request, "ok", f"已登记要件：{describe_evidence(item)}" if added else "已有此要件，无变化")
    return RedirectResponse(f"/p/{code}/projects/{ref}", 303)


@router.post("/p/{code}/items/{number}/progress")
def report_progress(
    request: Request,
    code: str,
    number: int,
    user: PageUser,
    csrf: Token = None,
    target: Annotated[int | None, Form(ge=1, le=1000)] = None,
    done: Annotated[str | None, Form(max_length=40)] = None,
    as_of: Annotated[str | None, Form(max_length=10)] = None,
    note: Field = None,
    problems: Field = None,
    next_steps: Field = None,
) -> Response:
    """A department's progress report: quantity, notes, 存在问题, 下一步打算."""
    check_form_csrf(request, csrf)
    progress = actions.Progress(
        number, actions.day(as_of, "截至日期"), actions.quantity(done), target, note, problems, next_steps
    )
    filed = actions.report_progress(database(request), user, code, progress, today())
    if isinstance(filed, Submitted):
        flash(request, "ok", filed.message())
        return RedirectResponse(f"/p/{code}/items/{number}", 303)
    flash(request, "ok", filed.message, [filed.notice] if filed.notice else None)
    return RedirectResponse(f"/p/{code}/items/{number}", 303)


@router.post("/p/{code}/reports/publish")
def publish_period(
    request: Request,
    code: str,
    user: PageUser,
    period: Annotated[str, Form(max_length=20)],
    csrf: Token = None,
    reason: Field = None,
    new_version: Annotated[bool, Form()] = False,
) -> Response:
    """An administrator publishes a period's report: stored once, with its checksum, who and when."""
    check_form_csrf(request, csrf)
    version = actions.publish_period(database(request), user, code, period, reason, new_version, today())
    text = f"已发布 {version['period']} 第 {version['version']} 版（校验和 {version['checksum'][:12]}…）"
    flash(request, "ok", text)
    return RedirectResponse(f"/p/{code}/reports", 303)


def _evidence(kind: str | None, doc_no: str | None, issued_on: str | None) -> EvidenceInput | None:
    if not (kind or "").strip() and not (doc_no or "").strip():
        return None
    issued = actions.day(issued_on, "要件日期")
    if issued is None:
        raise BadInput("请填写要件日期（YYYY-MM-DD）")
    return EvidenceInput(actions.evidence_kind(kind or ""), (doc_no or "").strip(), issued)


def _safe_next(target: str) -> str:
    """Only local paths: never redirect to another site after login."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
