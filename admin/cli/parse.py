"""Parsing of command-line values into domain values, with Chinese messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from services.errors import BadInput
from services.stage_change.request import EvidenceInput
from states.prerequisites import UnknownEvidenceKind, parse_evidence_kind
from states.stages import Stage, UnknownStage, parse_stage


def parse_date(text: str | None, what: str = "日期") -> date | None:
    """YYYY-MM-DD → date (None stays None)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise BadInput(f"{what}格式应为 YYYY-MM-DD：{text}") from exc


def stage_option(text: str | None) -> Stage | None:
    """A stage given as a Chinese label or a code."""
    if text is None:
        return None
    try:
        return parse_stage(text)
    except UnknownStage as exc:
        raise BadInput(str(exc)) from exc


def evidence_kind(text: str) -> str:
    """An evidence kind code from its label or code."""
    try:
        return parse_evidence_kind(text)
    except UnknownEvidenceKind as exc:
        raise BadInput(str(exc)) from exc


def evidence_option(text: str) -> EvidenceInput:
    """`KIND=文号@DATE`, e.g. `施工许可=长建〔2020〕8号@2020-08-01`."""
    kind, sep, rest = text.partition("=")
    doc_no, at, day = rest.rpartition("@")
    if not sep or not at or not doc_no.strip():
        raise BadInput(f"要件格式应为 类型=文号@日期（如 施工许可=长建〔2020〕8号@2020-08-01）：{text}")
    issued = parse_date(day, "要件日期")
    assert issued is not None
    return EvidenceInput(evidence_kind(kind), doc_no.strip(), issued)


def quantity(text: str | None) -> Decimal | None:
    """A non-negative quantity."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise BadInput(f"数量应为数字：{text}") from exc
    if not value.is_finite() or value < 0:
        raise BadInput(f"数量应为不小于 0 的数字：{text}")
    return value
