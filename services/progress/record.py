"""Use case: a department reports progress (进展报送) for an item or one of its targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ProgressReport, Target
from models.base import as_quantity
from services.errors import BadInput, require_name
from services.refs import parse_ref, resolve_item, resolve_programme
from services.unit_of_work import UnitOfWork


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


def record_progress(uow: UnitOfWork, data: ProgressInput, today: date) -> tuple[ProgressReport, bool]:
    """Create or update the report for (item, target, date); return it and whether it was new."""
    session = uow.session
    require_name(data.reported_by, "报送人")
    if data.as_of > today:
        raise BadInput(f"报送日期 {data.as_of} 晚于今天 {today}")
    if data.done is not None and not _plausible(data.done):
        raise BadInput(f"完成数量应为 0 至 1 万亿之间、最多 4 位小数的数字：{data.done}")
    if data.done is None and not any((data.note, data.problems, data.next_steps)):
        raise BadInput(
            "请至少报送一项：完成数量、完成情况、存在问题或下一步打算",
            fields=("done", "note", "problems", "next_steps"),
        )
    ref = parse_ref(data.ref)
    if ref.project is not None:
        raise BadInput("进展报送针对项目（N）或其指标，不针对子项目 N.M", fields=("target",))
    item = resolve_item(session, resolve_programme(session, data.programme), ref.item)
    target = _target(session, item.id, data)
    target_id = target.id if target else None
    report = session.scalars(
        select(ProgressReport).where(
            ProgressReport.item_id == item.id,
            ProgressReport.target_id.is_(None)
            if target_id is None
            else ProgressReport.target_id == target_id,
            ProgressReport.as_of == data.as_of,
        )
    ).one_or_none()
    created = report is None
    if report is None:
        report = ProgressReport(item_id=item.id, target_id=target_id, as_of=data.as_of, figures=[])
        session.add(report)
    report.reported_by = data.reported_by
    report.approximate = data.approximate
    if data.done is not None:
        report.achieved = as_quantity(data.done)
    for name, value in (("note", data.note), ("problems", data.problems), ("next_steps", data.next_steps)):
        if value is not None:
            setattr(report, name, value)
    uow.commit()
    return report, created


def _plausible(value: Decimal) -> bool:
    """Finite, not negative, at most 1e12 and at most 4 decimal places."""
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -4


def _target(session: Session, item_id: int, data: ProgressInput) -> Target | None:
    targets = session.scalars(select(Target).where(Target.item_id == item_id).order_by(Target.position)).all()
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
