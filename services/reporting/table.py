"""The rows of the published tables (families A to E): one row per item, one line per target, every column
filled from data; and the exception-only tables (滞后项目情况表, 未完成项目进度表). Reads only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Item, ProgressReport, PublishedReport
from services.refs import resolve_programme
from services.reporting.history import column_title, texts_by_period
from services.reporting.statuses import LAGGING
from states.health import DONE
from states.periods import PeriodKind, filing_period, parse_period

FINISHED = {h.name for h in DONE}


def rate(ratio: float | None) -> int | None:
    """完成率 as published: an integer percentage, rounded half up, above 100 when exceeded (1.335 → 134)."""
    if ratio is None:
        return None
    return int((Decimal(str(ratio)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_text(ratio: float | None) -> str:
    """1.04 → 104%; unknown → empty."""
    value = rate(ratio)
    return "" if value is None else f"{value}%"


def amount(value: int | float | None, unit: str = "") -> str:
    """A quantity and its unit without a space between them (unknown: empty)."""
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def planned_text(target: dict[str, Any]) -> str:
    """全年目标任务 of one target: 新增养老床位250张, 不少于…, or the name alone for a milestone target."""
    if target["quantity"] is None or target["bound"] == "milestone":
        return target["name"]
    bound = "不少于" if target["bound"] == "at_least" else ""
    return f"{target['name']}{bound}{amount(target['quantity'], target['unit'])}"


def period_texts(
    session: Session, programme_id: int, end: date, filed_in: str, before: datetime | None = None
) -> dict[int, list[str]]:
    """Per item number, the departments' 推进情况 texts filed in a period, as in force at its end (one query);
    with `before` (the period's publication), only the versions recorded by then: published words stay."""
    query = (
        select(Item.number, ProgressReport.target_id, ProgressReport.version, ProgressReport.note)
        .join(Item, Item.id == ProgressReport.item_id)
        .where(
            Item.programme_id == programme_id,
            ProgressReport.period == filed_in,
            ProgressReport.as_of <= end,
        )
        .order_by(Item.number, ProgressReport.target_id.is_not(None), ProgressReport.as_of, ProgressReport.id)
    )
    if before is not None:
        query = query.where(ProgressReport.recorded_at <= before)
    latest: dict[tuple[int, int | None], tuple[int, str | None]] = {}
    for number, target, version, note in session.execute(query):
        if (number, target) not in latest or version > latest[(number, target)][0]:
            latest[(number, target)] = (version, note)
    texts: dict[int, list[str]] = {}
    for (number, _target), (_version, note) in latest.items():
        note = (note or "").strip()
        if note and note not in texts.get(number, []):
            texts.setdefault(number, []).append(note)
    return texts


def published_at(session: Session, programme_id: int, period: str) -> datetime | None:
    """When the period's latest version was published; None when it never was."""
    return session.scalar(
        select(PublishedReport.published_at)
        .where(PublishedReport.programme_id == programme_id, PublishedReport.period == period)
        .order_by(PublishedReport.version.desc())
        .limit(1)
    )


def tables(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """The published tables of gathered data (services.reporting.data.gather): rows, lagging and unfinished."""
    programme = resolve_programme(session, data["programme"]["code"])
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    shown = parse_period(data["period"], kind)
    before = shown.previous()
    this_texts = period_texts(session, programme.id, shown.end, filing_period(kind, shown.end))
    last_texts = period_texts(
        session,
        programme.id,
        before.end,
        filing_period(kind, before.end),
        published_at(session, programme.id, before.key),
    )
    schedule = {r["number"]: r for r in data["table"]}
    groups = {
        number: {"category": category, "tier": tier}
        for number, category, tier in session.execute(
            select(Item.number, Item.category, Item.tier).where(Item.programme_id == programme.id)
        )
    }
    month = shown.end.month
    rows = [
        item_row(
            {**item, **groups.get(item["number"], {})},
            schedule[item["number"]],
            this_texts.get(item["number"], []),
            last_texts.get(item["number"], []),
            month,
        )
        for item in data["items"]
    ]
    this_key = filing_period(kind, shown.end)
    history = _history(session, programme.id, shown.end, kind, rows, this_key)
    return {
        "rows": rows,
        "history": history,
        "lagging_rows": [r for r in rows if r["status_code"] in LAGGING],
        "unfinished_rows": [r for r in rows if r["status_code"] not in FINISHED],
        "last_period": before.title(),
        "this_period": shown.title(),
        "month": month,
    }


def _history(
    session: Session,
    programme_id: int,
    end: date,
    kind: PeriodKind,
    rows: list[dict[str, Any]],
    this_key: str,
) -> list[dict[str, str]]:
    """Family E's month columns: the periods of the year with written progress, this one last (its text as
    the row prints it); each row gets `by_period`."""
    texts = texts_by_period(session, programme_id, end, kind)
    for row in rows:
        row["by_period"] = {key: _joined(items.get(row["number"], [])) for key, items in texts.items()}
        row["by_period"][this_key] = row["this_text"]
    keys = [k for k in texts if k != this_key] + [this_key]
    return [{"key": key, "title": column_title(key)} for key in keys]


def target_line(target: dict[str, Any], month: int) -> dict[str, Any]:
    """One target's line: 考核指标, 单位, 目标, 实际完成, 完成率 and its status word."""
    return {
        "name": target["name"],
        "unit": target["unit"],
        "planned": planned_text(target),
        "target": target["quantity"],
        "achieved": target["achieved"],
        "approximate": target.get("approximate", False),
        "rate": rate(target["ratio"]),
        "rate_text": rate_text(target["ratio"]),
        "status": target.get("status_label") or "",
        "month_target": _month_words(target.get("month_target"), month),
    }


def item_row(
    item: dict[str, Any], schedule: dict[str, Any], this: list[str], last: list[str], month: int
) -> dict[str, Any]:
    """One item's row of every family's table."""
    lines = [target_line(t, month) for t in item["targets"]]
    problems = [t["problems"] for t in item["targets"] if t.get("problems")]
    plans = [t["next"] for t in item["targets"] if t.get("next")]
    for note in item.get("notes", []):
        problems += [note["problems"]] if note.get("problems") else []
        plans += [note["next"]] if note.get("next") else []
    return {
        "number": item["number"],
        "title": item["title"],
        "category": item.get("category") or "",
        "tier": item.get("tier") or "",
        "annual_target": "；".join(line["planned"] for line in lines) or item["title"],
        "leader": item.get("leader") or "",
        "lead": "、".join(item["lead"]),
        "cooperating": "、".join(item["cooperating"]),
        "units": "、".join([*item["lead"], *item["cooperating"]]),
        "units_marked": _marked(item["lead"], item["cooperating"]),
        "progress_note": _progress_note(schedule),
        "last_text": _joined(last) or _progress_words(schedule.get("last")),
        "this_text": _joined(this) or _built(lines) or _progress_words(schedule.get("this")),
        "last": schedule.get("last"),
        "this": schedule.get("this"),
        "targets": lines,
        "month_target": "；".join(line["month_target"] for line in lines if line["month_target"]),
        "problems_plans": _joined([*problems, *plans]),
        "status": schedule.get("status", ""),
        "status_code": schedule.get("status_code", ""),
        "on_schedule": schedule.get("on_schedule", ""),
        "remark": schedule.get("remark", ""),
        "completion": _completion(schedule.get("status_code", ""), schedule.get("status", "")),
    }


def _marked(lead: list[str], cooperating: list[str]) -> str:
    """牵头单位 among several (family D): 区民政局（牵头）、区卫健委; a lone unit as it is."""
    if not cooperating and len(lead) <= 1:
        return "、".join(lead)
    return "、".join([*(f"{name}（牵头）" for name in lead), *cooperating])


def _progress_note(schedule: dict[str, Any]) -> str:
    """当前进度 (family D): the share done and the status in brackets, 88%（进度滞后）; the status alone when
    the share is unknown."""
    share, status = rate_text(schedule.get("this")), schedule.get("status") or ""
    if not share:
        return status
    return f"{share}（{status}）" if status else share


def _joined(texts: list[str]) -> str:
    """Sentences one after the other, each ending in one full stop."""
    return "".join(t.strip().rstrip("。；;") + "。" for t in texts if t and t.strip())


def _built(lines: list[dict[str, Any]]) -> str:
    """推进情况 from figures where the department wrote none: achieved against planned, known figures only."""
    parts = []
    for line in lines:
        if line["achieved"] is None:
            continue
        about = "余" if line["approximate"] else ""
        text = f"{line['name']}完成{amount(line['achieved'], about + line['unit'])}"
        if line["rate_text"]:
            text += f"，完成率{line['rate_text']}"
        parts.append(text)
    return _joined(["；".join(parts)]) if parts else ""


def _progress_words(progress: float | None) -> str:
    return "" if progress is None else f"总体进度{rate_text(progress)}。"


def _month_words(text: str | None, month: int) -> str:
    """ "9月目标：竣工" → "竣工" under the 9月目标 header; a milestone of another month keeps its own name
    ("6月目标：完成7公里")."""
    if not text:
        return ""
    own, _, words = text.partition("：")
    return words if own == f"{month}月目标" else text


def _completion(code: str, label: str) -> str:
    """目标完成情况 (family C): 已完成全年目标任务 when done, else the status word."""
    return "已完成全年目标任务" if code in FINISHED else label
