"""The JSON API under /api: the pages' reads and actions for scripts, with its OpenAPI document."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.orm import Session

from admin.web import actions
from admin.web.deps import ApiReader, ApiUser, database, today
from admin.web.pages_read import as_of_for
from services.errors import BadInput
from services.people.access import require_read
from services.people.users import UserView
from services.publishing.store import list_published
from services.refs import parse_ref, resolve_programme
from services.reporting.files import list_files
from services.review.submit import Submitted
from services.revisions import dashboard_scopes, item_key, project_key
from services.stage_change.request import EvidenceInput
from services.views.dashboard import dashboard
from services.views.history import history
from services.views.programme import show_item, show_project


class Problem(BaseModel):
    """Why a request was refused; nothing was written."""

    detail: str
    reasons: list[str] = []
    fields: list[str] = Field(default_factory=list, description="请求中有问题的字段名（如 reason、done）")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (400, "请求体不是有效的 JSON"),
        (401, "未登录或密码错误"),
        (403, "角色无权操作或 CSRF 校验失败"),
        (404, "计划、项目或子项目不存在"),
        (409, "并发冲突：子项目在客户端所见之后已被变更；消息写明所见阶段、现阶段、变更人和时间"),
        (422, "请求无效或不满足前置条件"),
    )
}
router = APIRouter(prefix="/api", tags=["shishi"], responses=ERRORS)
Code = Annotated[str, Path(max_length=64, description="计划代码")]
ItemNo = Annotated[int, Path(ge=1, le=100000, description="项目序号 N")]
ProjectRef = Annotated[str, Path(pattern=r"^\d{1,5}\.\d{1,5}$", description="子项目编号 N.M")]
Text = Annotated[str | None, Field(max_length=actions.MAX_TEXT)]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD (or a date): pydantic would otherwise read a number as seconds since 1970."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("日期格式应为 YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day)]
AsOf = Annotated[
    Day | None, Query(description="截至日期（YYYY-MM-DD）：按当日有效的阶段、要件、报送和人工认定作答")
]
ETAG_TEXT = '子项目的版本，如 "3"；每次阶段变更加一。操作时放在 If-Match 中，子项目已变更则返回 409'
IF_MATCH_TEXT = (
    'GET 子项目返回的 ETag（如 "3"，W/"3" 亦可）；与现版本不符时返回 409（并发冲突），不写入任何内容'
)


class EvidenceBody(BaseModel):
    """A document: kind (立项批复、施工许可、竣工验收…), 文号 and date."""

    kind: str = Field(min_length=1, max_length=40)
    doc_no: str = Field(min_length=1, max_length=200)
    issued_on: Day


class ActionBody(BaseModel):
    """A stage action, and what the client saw: a project changed since is a 409, never a second move."""

    event: Literal["advance", "suspend", "resume", "cancel", "revert"]
    to: str | None = Field(default=None, max_length=16, description="目标阶段（只能是下一阶段）")
    reason: Text = None
    at: Day | None = None
    evidence: list[EvidenceBody] = Field(default_factory=list, max_length=10)
    expected_stage: str | None = Field(
        default=None,
        max_length=16,
        description=(
            "客户端看到的当前阶段（代码如 construction，或中文如 开工）；与现阶段不符时返回 409。"
            "expected_stage、expected_version 与 If-Match 都不给时，以请求到达时读到的阶段和版本为准"
        ),
    )
    expected_version: int | None = Field(
        default=None,
        ge=0,
        le=2**31,
        description="客户端看到的子项目版本（GET 子项目返回的 version 或 ETag）；与现版本不符时返回 409",
    )


class ProgressBody(BaseModel):
    """A department's progress report for an item (or one of its targets)."""

    target: int | None = Field(default=None, ge=1, le=1000)
    done: Decimal | None = Field(default=None, ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=4)
    as_of: Day | None = None
    note: Text = None
    problems: Text = None
    next_steps: Text = None


@router.get("/me")
async def me(reader: ApiReader) -> dict[str, Any]:
    """The logged-in user and role."""
    user = await reader.run(lambda session, user: user)
    return {"name": user.name, "email": user.email, "role": user.role, "department": user.department}


@router.get("/programmes/{code}")
async def programme(
    code: Code,
    reader: ApiReader,
    department: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    """The dashboard: items the user may see with their latest schedule health, or their health on `as_of`."""
    now = today()
    return await reader.cached(
        ("dashboard", code.strip().lower(), department or None, status or None, as_of, now),  # the page's too
        dashboard_scopes(code, as_of),
        lambda session, user: dashboard(session, user, code, department or None, status or None, as_of, now),
        _data,
    )


@router.get("/programmes/{code}/items/{number}")
async def item(code: Code, number: ItemNo, reader: ApiReader, as_of: AsOf = None) -> dict[str, Any]:
    """One item with targets, projects, stage counts and reports (as of `as_of`, else today within its year)."""
    now = today()

    def body(session: Session, user: UserView) -> dict[str, Any]:
        prog = resolve_programme(session, code)
        require_read(session, user, prog, number)
        return show_item(session, prog, number, as_of or as_of_for(prog.year, now))

    return await reader.cached(
        ("api item", code.strip().lower(), number, as_of, now), (item_key(code, number),), body, _data
    )


@router.get(
    "/programmes/{code}/projects/{ref}",
    responses={200: {"headers": {"ETag": {"description": ETAG_TEXT, "schema": {"type": "string"}}}}},
)
async def project(
    code: Code, ref: ProjectRef, reader: ApiReader, response: Response, as_of: AsOf = None
) -> dict[str, Any]:
    """One project with the next stage's prerequisites, evidence and recent history, today (what an action acts
    on) or as of `as_of`; its ETag is its version."""

    day = as_of or today()

    def body(session: Session, user: UserView) -> dict[str, Any]:
        prog = resolve_programme(session, code)
        require_read(session, user, prog, parse_ref(ref).item)
        return show_project(session, prog, ref, day)

    scopes = (project_key(code, str(parse_ref(ref))),)
    view = await reader.cached(("api project", code.strip().lower(), ref, day), scopes, body, _data)
    response.headers["ETag"] = etag(view["version"])
    return view


def _data(data: dict[str, Any], user: UserView) -> dict[str, Any]:
    """A cached read's answer as it is (FastAPI encodes it)."""
    return data


@router.get("/programmes/{code}/projects/{ref}/history")
async def project_history(code: Code, ref: ProjectRef, reader: ApiReader) -> dict[str, Any]:
    """The full audit trail of a project."""

    def body(session: Session, user: UserView) -> dict[str, Any]:
        prog = resolve_programme(session, code)
        require_read(session, user, prog, parse_ref(ref).item)
        return history(session, ref, prog.code)

    return await reader.run(body)


@router.post("/programmes/{code}/projects/{ref}/actions", response_model=None)
def act(
    request: Request,
    code: Code,
    ref: ProjectRef,
    body: ActionBody,
    user: ApiUser,
    background: BackgroundTasks,
    if_match: Annotated[
        str | None, Header(alias="If-Match", max_length=100, description=IF_MATCH_TEXT)
    ] = None,
) -> Any:
    """Run advance / suspend / resume / cancel / revert through the advance-stage flow.

    The request is checked first; one that can be applied runs the flow, which decides again. The
    stage and version expected are the client's (`expected_stage`, `expected_version`, `If-Match`),
    or else those read at the request's arrival: a project changed meanwhile is a 409. The report the
    change touched is rewritten after the answer is sent.
    """
    evidence = tuple(
        EvidenceInput(actions.evidence_kind(e.kind), e.doc_no.strip(), e.issued_on) for e in body.evidence
    )
    version = expected_version(body.expected_version, if_match)
    action = actions.Action(
        body.event, body.to, body.reason, body.at, evidence, version, actions.stage(body.expected_stage)
    )
    result = actions.stage_action(database(request), user, code, ref, action, today())
    if result.get("submission"):  # held for the office's review: accepted, not applied
        return JSONResponse(result, 202)
    if result["ok"]:
        background.add_task(actions.regenerate_after, result)  # after the client has its answer
        return result
    problem = {"detail": result["message"], "reasons": result["reasons"], "fields": result.get("fields", [])}
    return JSONResponse(problem, actions.status_of_result(result))


def etag(version: int) -> str:
    """A project's ETag: its version, which every stage change increments."""
    return f'"{version}"'


def expected_version(stated: int | None, if_match: str | None) -> int | None:
    """The version a client expects, from the body or an If-Match ETag (W/"3" accepted too; * expects none)."""
    if if_match is None or if_match.strip() == "*":
        return stated
    tag = if_match.strip().removeprefix("W/")
    if not (len(tag) > 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and len(tag) < 13):
        raise BadInput('If-Match 应为 GET 子项目返回的 ETag，如 "3"', fields=("If-Match",))
    version = int(tag[1:-1])
    if stated is not None and stated != version:
        raise BadInput("If-Match 与 expected_version 不一致", fields=("If-Match", "expected_version"))
    return version


@router.post("/programmes/{code}/projects/{ref}/evidence", status_code=201, response_model=None)
def evidence(
    request: Request, code: Code, ref: ProjectRef, body: EvidenceBody, user: ApiUser
) -> dict[str, Any] | JSONResponse:
    """Record one document on a project."""
    item = EvidenceInput(actions.evidence_kind(body.kind), body.doc_no.strip(), body.issued_on)
    added = actions.add_evidence(database(request), user, code, ref, item, today())
    if isinstance(added, Submitted):
        return held(added)
    return {"ref": ref, "added": added}


@router.post("/programmes/{code}/items/{number}/progress", status_code=201, response_model=None)
def progress(
    request: Request, code: Code, number: ItemNo, body: ProgressBody, user: ApiUser
) -> dict[str, Any] | JSONResponse:
    """Create or update a progress report."""
    progress = actions.Progress(
        number, body.as_of, body.done, body.target, body.note, body.problems, body.next_steps
    )
    filed = actions.report_progress(database(request), user, code, progress, today())
    if isinstance(filed, Submitted):
        return held(filed)
    replaced = filed.replaced
    return {
        "ref": str(number),
        "created": filed.created,
        "period": filed.period,
        "version": filed.version,
        "replaced": None
        if replaced is None
        else {"by": replaced.by, "as_of": replaced.as_of.isoformat(), "version": replaced.version},
        "message": filed.message,
        "notice": filed.notice,
    }


def held(submitted: Submitted) -> JSONResponse:
    """202: a department's change held for the office's review (待审核), nothing else written."""
    body = {
        "ref": submitted.ref,
        "submission": submitted.id,
        "state": "pending",
        "message": submitted.message(),
    }
    return JSONResponse(body, 202)


@router.get("/programmes/{code}/published")
async def published(code: Code, reader: ApiReader) -> list[dict[str, Any]]:
    """The published periods: period, version, who, when, reason and checksum, latest first."""
    return await reader.run(lambda session, user: list_published(session, code))


@router.get("/programmes/{code}/reports")
async def reports(code: Code, reader: ApiReader) -> list[dict[str, Any]]:
    """Generated report files, newest first (paths are server-side)."""
    return await reader.run(lambda session, user: list_files(session, code))
