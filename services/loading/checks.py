"""Checks of meaning on a well-shaped programme file: references, stages, numbering and dates."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

from services.loading.fields import status_rules
from services.loading.schema import ItemSpec, MilestoneSpec, ProgrammeSpec, ProjectSpec, TargetSpec
from services.reporting.titles import check_title
from states.prerequisites import UnknownEvidenceKind, parse_evidence_kind, parse_requirement
from states.stages import MAIN_LINE, Stage, UnknownStage, parse_stage

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def check_meaning(spec: ProgrammeSpec, today: date) -> list[Problem]:
    """Every problem of meaning in the file, in file order."""
    problems: list[Problem] = []
    known = _departments(spec, problems)
    numbers: dict[int, int] = {}
    for i, item in enumerate(spec.items):
        path: Path = ("items", i)
        if item.number in numbers:
            problems.append(
                ((*path, "number"), f"项目序号 {item.number} 重复（与 items[{numbers[item.number]}] 相同）")
            )
        numbers.setdefault(item.number, i)
        problems.extend(_item(item, path, known, today))
    problems.extend(_people(spec, known, set(numbers)))
    problems.extend(_status(spec))
    problems.extend(_report_style(spec))
    return problems


def _people(spec: ProgrammeSpec, known: set[str], numbers: set[int]) -> Iterator[Problem]:
    emails: set[str] = set()
    for i, person in enumerate(spec.people):
        path: Path = ("people", i)
        if person.email.lower() in emails:
            yield (*path, "email"), f"邮箱 {person.email} 重复"
        emails.add(person.email.lower())
        follows = person.follows
        if follows is None:
            continue
        for j, number in enumerate(follows.items):
            if number not in numbers:
                yield (*path, "follows", "items", j), f"文件中没有第{number}项"
        for j, name in enumerate(follows.departments):
            if name not in known:
                yield (*path, "follows", "departments", j), f"未知部门“{name}”：请先在 departments 中声明"


def project_numbers(item: ItemSpec) -> list[int]:
    """The number of each project of an item, in file order (explicit or counted on)."""
    out: list[int] = []
    last = 0
    for target in item.targets:
        for project in target.projects:
            last = project.number if project.number is not None else last + 1
            out.append(last)
    return out


def _departments(spec: ProgrammeSpec, problems: list[Problem]) -> set[str]:
    known: set[str] = set()
    for i, dept in enumerate(spec.departments):
        if dept.name in known:
            problems.append((("departments", i, "name"), f"部门“{dept.name}”重复"))
        known.add(dept.name)
    problems.extend(_members(spec, known))
    return known


def _members(spec: ProgrammeSpec, known: set[str]) -> Iterator[Problem]:
    """A group's members: declared departments that are not groups, each listed once."""
    groups = {d.name for d in spec.departments if d.group}
    for i, dept in enumerate(spec.departments):
        if dept.members and not dept.group:
            yield ("departments", i, "members"), f"“{dept.name}”不是部门组（group: true），不能列出成员"
        named: set[str] = set()
        for j, name in enumerate(dept.members):
            path: Path = ("departments", i, "members", j)
            if name not in known:
                yield path, f"未知部门“{name}”：请先在 departments 中声明"
            elif name in groups:
                yield path, f"“{name}”是部门组，不能作为成员"
            if name in named:
                yield path, f"成员“{name}”重复列出"
            named.add(name)


def _item(item: ItemSpec, path: Path, known: set[str], today: date) -> Iterator[Problem]:
    for role in ("lead", "cooperating"):
        named: set[str] = set()
        for j, name in enumerate(getattr(item, role)):
            if name not in known:
                yield (*path, role, j), f"未知部门“{name}”：请先在 departments 中声明"
            if name in named:
                yield (*path, role, j), f"部门“{name}”重复列出"
            named.add(name)
    seen: dict[int, str] = {}
    numbers = iter(project_numbers(item))
    for t, target in enumerate(item.targets):
        tpath = (*path, "targets", t)
        yield from _target(target, tpath)
        for p, project in enumerate(target.projects):
            ppath = (*tpath, "projects", p)
            number = next(numbers)
            if number in seen:
                yield (*ppath, "number"), f"子项目编号 {number} 重复（与“{seen[number]}”相同）"
            seen.setdefault(number, project.name)
            yield from _project(project, ppath, today)
        yield from _reports(target.reports, (*tpath, "reports"))
    yield from _reports(item.reports, (*path, "reports"))


def _target(target: TargetSpec, path: Path) -> Iterator[Problem]:
    stage = _stage(target.counts_at)
    if stage is None or not stage.is_main:
        yield (*path, "counts_at"), _bad_stage(target.counts_at, main_only=True)
    for key in target.phrases:
        if _stage(key) is None:
            yield (*path, "phrases", key), _bad_stage(key)
    for key, specs in (target.requires or {}).items():
        s = _stage(key)
        if s is None or not s.is_main:
            yield (*path, "requires", key), _bad_stage(key, main_only=True)
        for k, text in enumerate(specs):
            try:
                parse_requirement(text)
            except UnknownEvidenceKind as exc:
                yield (*path, "requires", key, k), str(exc)
    periods: set[str] = set()
    for m, milestone in enumerate(target.milestones):
        if milestone.period in periods:
            yield (*path, "milestones", m, "period"), f"节点 {milestone.period} 重复"
        periods.add(milestone.period)
        yield from _milestone(milestone, (*path, "milestones", m))
        yield from _milestone_quantity(milestone, target, (*path, "milestones", m))
    if target.bound != "milestone" and target.quantity is None and target.projects:
        quantities = [p.quantity for p in target.projects]
        if any(q is not None for q in quantities) and target.unit is None:
            yield (*path, "unit"), "子项目有数量时，指标须写明单位（unit）"


def _milestone(milestone: MilestoneSpec, path: Path) -> Iterator[Problem]:
    stage = None if milestone.stage is None else _stage(milestone.stage)
    if milestone.stage is not None and (stage is None or not stage.is_main):
        yield (*path, "stage"), _bad_stage(milestone.stage, main_only=True)
    elif all(v is None for v in (milestone.ratio, milestone.quantity, milestone.name, milestone.stage)):
        yield path, "节点须写明完成比例（ratio）、数量（quantity）、名称（name）或阶段（stage）"


def _milestone_quantity(milestone: MilestoneSpec, target: TargetSpec, path: Path) -> Iterator[Problem]:
    if milestone.quantity is None:
        return
    if target.unit is None:
        yield (*path, "quantity"), "节点写明数量时，指标须写明单位（unit）"
    elif target.quantity is not None and milestone.quantity > target.quantity:
        yield (*path, "quantity"), f"节点数量 {milestone.quantity} 超过指标数量 {target.quantity}"


def _status(spec: ProgrammeSpec) -> Iterator[Problem]:
    if spec.programme.status is not None:
        try:
            status_rules(spec.programme.status)
        except ValueError as exc:
            yield ("programme", "status"), str(exc)


def _report_style(spec: ProgrammeSpec) -> Iterator[Problem]:
    style = spec.programme.report
    if style is not None and style.title is not None:
        message = check_title(style.title)
        if message:
            yield ("programme", "report", "title"), message


def _project(project: ProjectSpec, path: Path, today: date) -> Iterator[Problem]:
    stage = _stage(project.stage)
    if stage is None:
        yield (*path, "stage"), _bad_stage(project.stage)
        return
    yield from _side_state(project, stage, path)
    reached = _reached(project, stage)
    yield from _dates(project.actual, (*path, "actual"), today, reached)
    yield from _dates(project.planned, (*path, "planned"), None, None)
    for e, evidence in enumerate(project.evidence):
        try:
            parse_evidence_kind(evidence.kind)
        except UnknownEvidenceKind as exc:
            yield (*path, "evidence", e, "kind"), str(exc)
        if evidence.date > today:
            yield (*path, "evidence", e, "date"), f"要件日期 {evidence.date} 晚于今天"


def _side_state(project: ProjectSpec, stage: Stage, path: Path) -> Iterator[Problem]:
    if stage is Stage.suspended:
        left = _stage(project.suspended_from) if project.suspended_from else None
        if left is None or not left.is_main:
            yield (*path, "suspended_from"), "暂停的项目须写明暂停前所处阶段（suspended_from）"
        if not project.reason:
            yield (*path, "reason"), "暂停的项目须写明原因（reason）"
    elif project.suspended_from is not None:
        yield (*path, "suspended_from"), "只有暂停的项目才有 suspended_from"
    if stage is Stage.cancelled and not project.reason:
        yield (*path, "reason"), "终止的项目须写明原因（reason）"


def _reached(project: ProjectSpec, stage: Stage) -> Stage | None:
    if stage is Stage.suspended:
        left = _stage(project.suspended_from) if project.suspended_from else None
        return left if left is not None and left.is_main else None
    return stage if stage.is_main else None


def _dates(
    dates: dict[str, date], path: Path, today: date | None, reached: Stage | None
) -> Iterator[Problem]:
    ordered: list[tuple[Stage, date, str]] = []
    for key, value in dates.items():
        stage = _stage(key)
        if stage is None or not stage.is_main:
            yield (*path, key), _bad_stage(key, main_only=True)
            continue
        if reached is not None and stage.rank > reached.rank:
            yield (*path, key), f"项目尚未到达“{stage.label}”，不能有该阶段的实际日期"
        if today is not None and value > today:
            yield (*path, key), f"实际日期 {value} 晚于今天"
        ordered.append((stage, value, key))
    ordered.sort(key=lambda row: row[0].rank)
    for (s1, d1, _), (s2, d2, key2) in itertools.pairwise(ordered):
        if d2 < d1:
            yield (*path, key2), f"日期倒退：“{s2.label}” {d2} 早于“{s1.label}” {d1}"


def _reports(reports: list, path: Path) -> Iterator[Problem]:
    seen: set[date] = set()
    for r, report in enumerate(reports):
        if report.as_of in seen:
            yield (*path, r, "as_of"), f"同一日期 {report.as_of} 的进展报送重复"
        seen.add(report.as_of)


def _stage(text: str | None) -> Stage | None:
    if text is None:
        return None
    try:
        return parse_stage(text)
    except UnknownStage:
        return None


def _bad_stage(text: str, main_only: bool = False) -> str:
    choices = MAIN_LINE if main_only else tuple(Stage)
    known = "、".join(f"{s.label}({s.code})" for s in choices)
    return f"未知阶段“{text}”；可用阶段：{known}"
