"""The shape of a programme file, as pydantic models (field names are the YAML keys)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s<>]+@[^@\s<>]+$")
]
Qty = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=15, decimal_places=4)]
StageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]


class Strict(BaseModel):
    """Base: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BandSpec(Strict):
    behind: Annotated[float, Field(ge=0, le=100)] | None = None  # points behind 序时; none: any
    status: Word


class StatusSpec(Strict):
    basis: Literal["节点", "年度", "月度", "milestone", "year", "month"] = "节点"
    bands: list[BandSpec] = []
    unstarted_after: Annotated[int, Field(ge=0, le=24)] | None = None  # months
    early: bool = False
    words: dict[Word, Word] = {}
    lights: dict[Word, Word] = {}  # status word → colour (绿、黄、红; 蓝、橙 for five colours; 灰)
    listed_after: Annotated[int, Field(ge=1, le=24)] = 3  # periods red in a row: 挂牌督办


class ReportStyleSpec(Strict):
    """How the programme's reports read: the published family, a title pattern, its kind, own templates."""

    family: Literal["A", "B", "C", "D", "E", "F", "a", "b", "c", "d", "e", "f"] = "F"
    title: Short | None = None  # e.g. 关于{类别}{期间}推进情况
    kind: Name | None = None  # 区政府实事项目, 县民生实事项目, 人大票决项目 (default: from the name)
    templates: Short | None = None  # a folder whose files override the family's templates
    unfinished_only: bool | None = None  # family D: the table lists only the items not finished


class ProgrammeHead(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    name: Short
    year: Annotated[int, Field(ge=2000, le=2100)]
    district: Name | None = None
    city: Name | None = None
    issuer: Short | None = None
    office_email: Email | None = None
    # the periods the programme publishes: 1-N月 (cumulative), N月 (month), 一季度 (quarter), 截至 M月D日
    periods: Literal["cumulative", "month", "quarter", "snapshot"] = "cumulative"
    status: StatusSpec | None = None
    public: bool = False  # a login-free, read-only page and feed (/public/<code>)
    review: bool = False  # departments' submissions wait for the office's review (待审核)
    report: ReportStyleSpec | None = None


class DepartmentSpec(Strict):
    name: Name
    group: bool = False
    members: list[Name] = []  # a group's member offices (各街镇 → 新华路街道 …), declared departments
    head: Name | None = None
    email: Email | None = None


class FollowSpec(Strict):
    programme: bool = False
    items: list[Annotated[int, Field(ge=1, le=10000)]] = []
    departments: list[Name] = []
    events: list[Literal["stage", "warning"]] = ["stage", "warning"]


class PersonSpec(Strict):
    name: Name
    email: Email
    follows: FollowSpec | None = None


class EvidenceSpec(Strict):
    kind: Name
    ref: Short
    date: date


class Figure(Strict):
    label: Short
    value: Qty
    unit: Name | None = None
    approximate: bool = False


class ReportSpec(Strict):
    as_of: date
    achieved: Qty | None = None
    approximate: bool = False
    ratio: Annotated[Decimal, Field(ge=0, le=10)] | None = None
    note: Text | None = None
    problems: Text | None = None
    next: Text | None = None
    figures: list[Figure] = []
    by: Name | None = None


class ProjectSpec(Strict):
    number: Annotated[int, Field(ge=1, le=100000)] | None = None
    name: Short
    quantity: Qty | None = None
    stage: StageText = "立项"
    suspended_from: StageText | None = None
    reason: Text | None = None
    phrase: Short | None = None
    note: Text | None = None
    planned: dict[StageText, date] = {}
    actual: dict[StageText, date] = {}
    evidence: list[EvidenceSpec] = []


class MilestoneSpec(Strict):
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
    ratio: Annotated[Decimal, Field(ge=0, le=1)] | None = None
    quantity: Qty | None = None  # the cumulative amount due by then, in the target's unit (累计完成 20 公里)
    name: Word | None = None  # 方案制定, 招标, 开工, 主体完工, 竣工 …
    stage: StageText | None = None  # the stage that shows it reached; known names have one
    note: Text | None = None


class TargetSpec(Strict):
    name: Short
    quantity: Qty | None = None
    unit: Word | None = None
    bound: Literal["exact", "at_least", "milestone"] = "exact"
    counts_at: StageText = "完工"
    noun: Word | None = None
    phrases: dict[StageText, Short] = {}
    requires: dict[StageText, list[Short]] | None = None
    due: date | None = None
    milestones: list[MilestoneSpec] = []
    projects: list[ProjectSpec] = []
    reports: list[ReportSpec] = []


class ItemSpec(Strict):
    number: Annotated[int, Field(ge=1, le=10000)]
    title: Title
    leader: Name | None = None
    category: Name | None = None
    tier: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    lead: Annotated[list[Name], Field(min_length=1)]
    cooperating: list[Name] = []
    targets: list[TargetSpec] = []
    reports: list[ReportSpec] = []


class ProgrammeSpec(Strict):
    programme: ProgrammeHead
    departments: list[DepartmentSpec] = []
    people: list[PersonSpec] = []
    items: Annotated[list[ItemSpec], Field(min_length=1)]
