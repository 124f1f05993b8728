"""Use cases: publish a period (its files and figures, once, with a checksum) and read what was published."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from models import Programme, PublishedFile, PublishedReport
from services.errors import BadInput, require_name
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from states.periods import Period, parse_period, period_end

MAX_REASON = 2000


def checked_period(programme: Programme, period: str, field: str) -> Period:
    """A period of the programme's year, written as its reports are: a month, a quarter or a day (截至某日)."""
    try:
        shown = parse_period(period, programme.periods)  # type: ignore[arg-type]
    except ValueError as exc:
        raise BadInput(f"报告{str(exc)[:60]}", fields=(field,)) from None
    if shown.end.year != programme.year:
        raise BadInput(
            f"报告期 {period} 不在计划 {programme.code} 的年度（{programme.year} 年）内", fields=(field,)
        )
    return shown


def check_publishable(
    session: Session, programme: Programme, period: str, new_version: bool, reason: str | None, today: date
) -> int:
    """The version a publication of `period` would get; refuses a period outside the programme's year, one
    not yet ended, and a second publication that is not asked for as a new version with its reason."""
    end = checked_period(programme, period, "period").end
    if end > today:
        raise BadInput(f"报告期 {period} 尚未结束（截至 {end}），不能发布", fields=("period",))
    if reason is not None and len(reason) > MAX_REASON:
        raise BadInput(f"原因不超过 {MAX_REASON} 字", fields=("reason",))
    latest = session.scalar(
        select(func.max(PublishedReport.version)).where(
            PublishedReport.programme_id == programme.id, PublishedReport.period == period
        )
    )
    if latest and not new_version:
        raise BadInput(
            f"{period} 已发布（第 {latest} 版），已发布的报告不再改变；"
            f"如确需重新发布，请发布为新版本并写明原因（第 {latest} 版保留）",
            fields=("new_version", "reason"),
        )
    if latest and not (reason or "").strip():
        raise BadInput(f"重新发布 {period}（第 {latest + 1} 版）须写明原因", fields=("reason",))
    return (latest or 0) + 1


def publish_period(
    uow: UnitOfWork,
    code: str,
    period: str,
    by: str,
    reason: str | None,
    new_version: bool,
    files: list[dict[str, Any]],
    figures: dict[str, Any],
    today: date,
) -> dict[str, Any]:
    """Store one published version of a period: its files' bytes, its figures, who and why; commits once."""
    by = require_name(by, "发布人")
    session = uow.session
    programme = resolve_programme(session, code)
    version = check_publishable(session, programme, period, new_version, reason, today)
    stored = [{**f, "checksum": hashlib.sha256(f["content"]).hexdigest()} for f in files]
    row = PublishedReport(
        programme_id=programme.id,
        period=period,
        period_end=period_end(period),
        version=version,
        published_by=by,
        reason=(reason or "").strip() or None,
        checksum=version_checksum(figures, stored),
        figures=figures,
    )
    session.add(row)
    try:
        session.flush()
        session.add_all(PublishedFile(published_report_id=row.id, **f) for f in stored)
        session.flush()
    except IntegrityError as exc:  # another publication of the same version got there first
        raise BadInput(f"{period} 刚刚已由他人发布；请查看已发布的版本后再决定是否重新发布") from exc
    result = _view(row, programme.code)
    uow.commit()
    return result


def version_checksum(figures: dict[str, Any], files: list[dict[str, Any]]) -> str:
    """sha256 over the figures (canonical JSON) and each file's kind, format and sha256, in a fixed order."""
    lines = [json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"))]
    lines += sorted(f"{f['kind']} {f['format']} {f['checksum']}" for f in files)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def latest_published(session: Session, programme_id: int, period: str) -> PublishedReport | None:
    """The latest published version of a period, with its files; None when it was never published."""
    return session.scalars(
        select(PublishedReport)
        .where(PublishedReport.programme_id == programme_id, PublishedReport.period == period)
        .order_by(PublishedReport.version.desc())
        .limit(1)
        .options(selectinload(PublishedReport.files))
    ).first()


def list_published(session: Session, code: str | None) -> list[dict[str, Any]]:
    """Every published version of a programme: period, version, who, when, why and checksum, latest first."""
    programme = resolve_programme(session, code)
    rows = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.programme_id == programme.id)
        .order_by(PublishedReport.period.desc(), PublishedReport.version.desc())
    )
    return [_view(r, programme.code) for r in rows]


def _view(row: PublishedReport, code: str) -> dict[str, Any]:
    return {
        "programme": code,
        "period": row.period,
        "version": row.version,
        "published_by": row.published_by,
        "published_at": row.published_at.isoformat(timespec="seconds"),
        "reason": row.reason,
        "checksum": row.checksum,
    }
