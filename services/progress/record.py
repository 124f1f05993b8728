"""Use case: a department reports progress (进展报送) for an item or one of its targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from models import Item, ProgressReport, Target
from models.base import as_quantity
from services.errors import BadInput, require_name
from services.refs import parse_ref, resolve_item, resolve_programme
from services.unit_of_work import UnitOfWork
from states.periods import filing_period, filing_title


@dataclass(frozen=True)
class ProgressInput:
    """What a department reports; every field but the reference is optional."""

    ref: str
    reported_by: str
    as_of: date
    done: Decimal | None = None
    target: int | None = None
    note: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    approximate: bool = False
    programme: str | None = None


@dataclass(frozen=True)
class Replaced:
    """The version a new report replaced: who filed it, for which day, when it was recorded."""

    by: str
    as_of: date
    version: int
    recorded_at: datetime

    def text(self) -> str:
        """已替换 区民政局 截至 2020-09-30 的报送（第 1 版）."""
        return f"已替换 {self.by} 截至 {self.as_of} 的报送（第 {self.version} 版）"


@dataclass(frozen=True)
class Recorded:
    """What a report became: its period and version, and the version it replaced (None when the first)."""

    item: int  # the item's number
    report_id: int
    as_of: date
    period: str
    version: int
    replaced: Replaced | None
    changed: bool = True

    @property
    def created(self) -> bool:
        """True when it is the first report of its target and period."""
        return self.replaced is None and self.changed

    def message(self) -> str:
        """第3项 2020-09-30 进展已报送（2020 年 9 月第 2 版），已替换 … 的报送（第 1 版）."""
        when, version = filing_title(self.period), self.version
        if not self.changed:
            return f"第{self.item}项 {self.as_of} 进展与 {when}最近一次报送（第 {version} 版）相同，无变化"
        text = f"第{self.item}项 {self.as_of} 进展已报送（{when}第 {version} 版）"
        return text + (f"，{self.replaced.text()}" if self.replaced else "")


def record_progress(uow: UnitOfWork, data: ProgressInput, today: date) -> Recorded:
    """File a report for (item or target, period): the first is version 1; a later one is a new version that
    keeps what it does not restate from the version before, which stays in history. Resending the latest
    version unchanged records nothing."""
    recorded = file_progress(uow, data, today)
    uow.commit()
    return recorded


def check_progress(session: Session, data: ProgressInput, today: date) -> None:
    """Every check `file_progress` makes before writing, without writing (a report held for review)."""
    _check(data, today)
    ref = parse_ref(data.ref)
    if ref.project is not None:
        raise BadInput("进展报送针对项目（N）或其指标，不针对子项目 N.M", fields=("target",))
    item = resolve_item(session, resolve_programme(session, data.programme), ref.item)
    _target(session, item.id, data)


def file_progress(uow: UnitOfWork, data: ProgressInput, today: date) -> Recorded:
    """`record_progress` within a caller's unit of work, which commits (an approval's)."""
    session = uow.session
    _check(data, today)
    ref = parse_ref(data.ref)
    if ref.project is not None:
        raise BadInput("进展报送针对项目（N）或其指标，不针对子项目 N.M", fields=("target",))
    programme = resolve_programme(session, data.programme)
    item = resolve_item(session, programme, ref.item)
    uow.changes_progress(programme.code, item.number)
    session.execute(select(Item.id).where(Item.id == item.id).with_for_update())  # one version at a time
    target = _target(session, item.id, data)
    target_id = target.id if target else None
    period = filing_period(programme.periods, data.as_of)  # type: ignore[arg-type]
    previous = _latest_version(session, item.id, target_id, period)
    fields = _fields(previous, data)
    if previous is not None and all(getattr(previous, k) == v for k, v in fields.items()):
        return _recorded(item.number, previous, None, changed=False)
    report = ProgressReport(
        item_id=item.id,
        target_id=target_id,
        period=period,
        version=previous.version + 1 if previous else 1,
        figures=previous.figures if previous else [],
        **fields,
    )
    session.add(report)
    replaced = (
        Replaced(previous.reported_by, previous.as_of, previous.version, previous.recorded_at)
        if previous is not None
        else None
    )
    session.flush()
    return _recorded(item.number, report, replaced)


def _recorded(item: int, report: ProgressReport, replaced: Replaced | None, changed: bool = True) -> Recorded:
    return Recorded(item, report.id, report.as_of, report.period, report.version, replaced, changed)


def _check(data: ProgressInput, today: date) -> None:
    require_name(data.reported_by, "报送人")
    if data.as_of > today:
        raise BadInput(f"报送日期 {data.as_of} 晚于今天 {today}")
    if data.as_of.year < 2000:  # programmes are of 2000–2100; an earlier day names no period
        raise BadInput(f"报送日期 {data.as_of} 早于 2000 年")
    if data.done is not None and not _plausible(data.done):
        raise BadInput(f"完成数量应为 0 至 1 万亿之间、最多 4 位小数的数字：{data.done}")
    if data.done is None and not any((data.note, data.problems, data.next_steps)):
        raise BadInput(
            "请至少报送一项：完成数量、完成情况、存在问题或下一步打算",
            fields=("done", "note", "problems", "next_steps"),
        )


def _latest_version(
    session: Session, item_id: int, target_id: int | None, period: str
) -> ProgressReport | None:
    """The latest version filed for the item (or its target) in the period."""
    return session.scalars(
        select(ProgressReport)
        .where(
            ProgressReport.item_id == item_id,
            ProgressReport.target_id.is_(None)
            if target_id is None
            else ProgressReport.target_id == target_id,
            ProgressReport.period == period,
        )
        .order_by(ProgressReport.version.desc())
        .limit(1)
    ).first()


def _fields(previous: ProgressReport | None, data: ProgressInput) -> dict[str, Any]:
    """The new version's columns: what the report states, else what the version before said."""

    def kept(name: str, value: Any) -> Any:
        return value if value is not None else (getattr(previous, name) if previous else None)

    return {
        "as_of": data.as_of,
        "reported_by": data.reported_by,
        "approximate": data.approximate if data.done is not None else kept("approximate", None) or False,
        "achieved": kept("achieved", as_quantity(data.done) if data.done is not None else None),
        "ratio": kept("ratio", None) if data.done is None else None,  # a new figure replaces a ratio
        "note": kept("note", data.note),
        "problems": kept("problems", data.problems),
        "next_steps": kept("next_steps", data.next_steps),
    }


def _plausible(value: Decimal) -> bool:
    """Finite, not negative, at most 1e12 and at most 4 decimal places."""
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -4


def _target(session: Session, item_id: int, data: ProgressInput) -> Target | None:
    query = select(Target).where(Target.item_id == item_id).order_by(Target.position)
    # a report needs no milestones
    targets = session.scalars(query.options(lazyload(Target.milestones))).all()
    if data.target is not None:
        for t in targets:
            if t.position == data.target:
                return t
        raise BadInput(f"该项目没有第 {data.target} 个指标；{_choices(targets)}")
    if data.done is None:
        return None
    if len(targets) == 1:
        return targets[0]
    raise BadInput(f"该项目有多个指标（{_choices(targets)}），请指定其一", fields=("target",))


def _choices(targets: list[Target]) -> str:
    return "；".join(f"{t.position} {t.name}" for t in targets) or "（无指标）"
