"""The review pages: the office's 待审核 list with approve and return, and a department's own submissions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.web import actions, review_actions
from admin.web.deps import PageUser, check_form_csrf, database, today
from admin.web.render import flash, page
from services.review.queries import list_submissions

router = APIRouter(include_in_schema=False)
Token = Annotated[str | None, Form(max_length=200)]


@router.get("/p/{code}/review", response_class=HTMLResponse)
def review_page(request: Request, code: str, user: PageUser) -> Response:
    """待审核 first, then the decided ones; a department sees only its own, a viewer 403."""
    with database(request).read() as session:
        waiting = list_submissions(session, user, code, ("pending",))
        decided = list_submissions(session, user, code, ("approved", "returned"))
    context = {
        "code": code,
        "review": waiting["review"],
        "waiting": waiting["submissions"],
        "decided": decided["submissions"],
    }
    return page(request, "review.html", context, user)


@router.post("/p/{code}/review/{submission_id}/approve")
def approve(
    request: Request,
    code: str,
    submission_id: int,
    user: PageUser,
    background: BackgroundTasks,
    csrf: Token = None,
) -> Response:
    """An administrator approves: the change applies now, or the refusal is shown and it keeps waiting."""
    check_form_csrf(request, csrf)
    result = review_actions.approve_submission(database(request), user, code, submission_id, today())
    if result["ok"]:
        flash(request, "ok", f"{result['message']}：{result['result']}")
        background.add_task(review_actions.deliver_now, database(request))
        if "programme" in result:  # a stage change: its report is rewritten after the answer
            background.add_task(actions.regenerate_after, result)
    else:
        flash(request, "error", result["message"], result.get("reasons"))
    return RedirectResponse(f"/p/{code}/review", 303)


@router.post("/p/{code}/review/{submission_id}/return")
def return_submission(
    request: Request,
    code: str,
    submission_id: int,
    user: PageUser,
    background: BackgroundTasks,
    csrf: Token = None,
    reason: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    """An administrator returns a submission with a reason; it never applies."""
    check_form_csrf(request, csrf)
    result = review_actions.return_with_reason(database(request), user, code, submission_id, reason)
    flash(request, "ok", result["message"])
    background.add_task(review_actions.deliver_now, database(request))
    return RedirectResponse(f"/p/{code}/review", 303)
