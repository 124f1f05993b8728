"""The review under /api: list submissions, approve one, return one with a reason."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from admin.web import actions, review_actions
from admin.web.api import ERRORS, Code
from admin.web.deps import ApiReader, ApiUser, database, today
from services.review.queries import list_submissions

router = APIRouter(prefix="/api", tags=["shishi"], responses=ERRORS)
SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="报送编号")]
STATES = {"pending": ("pending",), "decided": ("approved", "returned"), "all": ()}


class ReturnBody(BaseModel):
    """Why the submission goes back to its department."""

    reason: str = Field(min_length=1, max_length=2000, description="退回原因")


@router.get("/programmes/{code}/submissions")
async def submissions(
    code: Code,
    reader: ApiReader,
    state: Annotated[
        Literal["pending", "decided", "all"], Query(description="待审核、已审核或全部")
    ] = "pending",
) -> dict[str, Any]:
    """Submissions of the programme (a department's own only; 403 for a viewer), newest first."""
    return await reader.run(lambda session, user: list_submissions(session, user, code, STATES[state]))


@router.post("/programmes/{code}/submissions/{submission_id}/approve", response_model=None)
def approve(
    request: Request, code: Code, submission_id: SubmissionId, user: ApiUser, background: BackgroundTasks
) -> Any:
    """Approve (administrators only): the change applies in the approval's transaction; a second approval is 409."""
    result = review_actions.approve_submission(database(request), user, code, submission_id, today())
    if not result["ok"]:
        problem = {
            "detail": result["message"],
            "reasons": result["reasons"],
            "fields": result.get("fields", []),
        }
        return JSONResponse(problem, actions.status_of_result(result))
    background.add_task(review_actions.deliver_now, database(request))
    if "programme" in result:
        background.add_task(actions.regenerate_after, result)
    return result


@router.post("/programmes/{code}/submissions/{submission_id}/return")
def return_submission(
    request: Request,
    code: Code,
    submission_id: SubmissionId,
    body: ReturnBody,
    user: ApiUser,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """Return with a reason (administrators only): it never applies; the department is emailed."""
    result = review_actions.return_with_reason(database(request), user, code, submission_id, body.reason)
    background.add_task(review_actions.deliver_now, database(request))
    return result
