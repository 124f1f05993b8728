"""The JSON API of supervision notices (督办单): list, read, issue, and the steps of a notice."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from admin.web.api import ERRORS, Code, Day
from admin.web.deps import ApiReader, ApiUser, database, today
from services.people.users import UserView
from services.supervision.requests import MAX_TEXT, Actor, IssueInput, StepInput, event_code
from services.supervision.use_case import (
    act_on_notice,
    issue_notice,
    require_may_issue,
    require_may_take_steps,
)
from services.supervision.views import list_notices, show_notice
from services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api", tags=["督办单"], responses=ERRORS)
NoticeId = Annotated[int, Path(ge=1, le=2**31 - 1, description="督办单编号")]


def notice_issuer(user: ApiUser) -> UserView:
    """The office; anyone else is refused (403) before the request's body is read."""
    require_may_issue(Actor.of_user(user, "api"))
    return user


def notice_actor(user: ApiUser) -> UserView:
    """The office or a department; a viewer is refused (403) before the request's body is read."""
    require_may_take_steps(Actor.of_user(user, "api"))
    return user


Issuer = Annotated[UserView, Depends(notice_issuer)]
NoticeActor = Annotated[UserView, Depends(notice_actor)]
Text = Annotated[str | None, Field(default=None, max_length=MAX_TEXT)]


class IssueBody(BaseModel):
    """A notice to issue: about item N or project N.M, with the finding, the requirement and working days."""

    ref: str = Field(min_length=1, max_length=20, description="项目编号 N 或子项目编号 N.M")
    finding: str = Field(min_length=1, max_length=MAX_TEXT, description="发现问题")
    requirement: str = Field(min_length=1, max_length=MAX_TEXT, description="整改要求")
    days: int = Field(default=5, ge=1, le=60, description="反馈期限：工作日数（节假日不计，调休上班日计入）")
    at: Day | None = Field(default=None, description="下发日期（默认今天）")


class NoticeActionBody(BaseModel):
    """A step: sign, reply (measures, committed_on), return (reason, days) or close (reason)."""

    event: Literal["sign", "reply", "return", "close"]
    at: Day | None = None
    measures: Text = None
    committed_on: Day | None = Field(default=None, description="承诺完成日期（反馈时必填）")
    reason: Text = None
    days: int | None = Field(default=None, ge=1, le=60, description="退回重报时重新反馈的工作日数")
    expected_version: int | None = Field(
        default=None, ge=0, le=2**31 - 1, description="客户端看到的督办单版本；与现版本不符时返回 409"
    )


@router.get("/programmes/{code}/notices")
async def notices(
    code: Code, reader: ApiReader, state: Annotated[str | None, Query(max_length=16)] = None
) -> list[dict[str, Any]]:
    """The notices the user may see (a department: those sent to it), newest first; `state=open` for unanswered."""
    return await reader.run(
        lambda session, user: list_notices(session, code, Actor.of_user(user, "api"), state)
    )


@router.get("/programmes/{code}/notices/{notice_id}")
async def notice(code: Code, notice_id: NoticeId, reader: ApiReader) -> dict[str, Any]:
    """One notice with its audit steps and the steps the user may take now."""

    def body(session: Session, user: UserView) -> dict[str, Any]:
        return show_notice(session, code, notice_id, Actor.of_user(user, "api"))

    return await reader.run(body)


@router.post("/programmes/{code}/notices", status_code=201)
def issue(request: Request, code: Code, user: Issuer, body: IssueBody) -> dict[str, Any]:
    """The office issues a notice to the item's lead department; the deadline counted in working days."""
    data = IssueInput(body.ref, body.finding, body.requirement, body.days, body.at, code)
    with UnitOfWork(database(request)) as uow:
        return issue_notice(uow, data, Actor.of_user(user, "api"), today()).as_dict()


@router.post("/programmes/{code}/notices/{notice_id}/actions")
def act(
    request: Request, code: Code, notice_id: NoticeId, user: NoticeActor, body: NoticeActionBody
) -> dict[str, Any]:
    """Sign or reply (the lead department or the office); return or close (the office only)."""
    data = StepInput(
        notice_id,
        event_code(body.event),
        body.at,
        body.measures,
        body.committed_on,
        body.reason,
        body.days,
        body.expected_version,
        code,
    )
    with UnitOfWork(database(request)) as uow:
        return act_on_notice(uow, data, Actor.of_user(user, "api"), today()).as_dict()
