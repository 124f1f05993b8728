"""The stage decision: a project's facts and one request in, the change to make or every reason to refuse.

Pure: no database, no Prefect, no clock. The same function answers the quick read-only check before
anything is orchestrated and decides again inside the transaction that records the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from states.machine import EVENT_LABELS, Event, IllegalTransition, StageToken, fire
from states.prerequisites import (
    DEFAULT_REQUIREMENTS,
    EvidenceFact,
    RequirementTable,
    StageRequest,
    kind_label,
    unmet,
)
from states.stages import Stage

NEEDS_REASON = (Event.suspend, Event.cancel, Event.revert)

# kinds of refusal: the request is malformed, a rule says no, or the project moved since it was seen
INPUT, RULE, CONFLICT = "input", "rule", "conflict"


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need to know of one project, as stored."""

    ref: str
    stage: Stage
    version: int
    suspended_from: Stage | None = None
    since: date | None = None  # the date it reached its current main-line stage
    last_on: date | None = None  # the effective date of its latest audit row
    evidence: tuple[EvidenceFact, ...] = ()
    requirements: RequirementTable = field(default_factory=lambda: DEFAULT_REQUIREMENTS)
    # who recorded the latest change and when (local time): read only to explain a conflict
    changed_by: str | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class Intent:
    """What a person asked for, and what they saw when they asked."""

    event: str
    at: date
    actor: str = ""
    to: Stage | None = None
    reason: str | None = None
    evidence: tuple[EvidenceFact, ...] = ()  # documents named with the request
    actor_is_admin: bool = True
    expected_stage: Stage | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class Decision:
    """The change to record: new stage and dates, documents to add, the audit row's evidence, the news."""

    event: str
    before: StageToken
    after: StageToken
    at: date
    columns: dict[str, Any]
    new_evidence: tuple[EvidenceFact, ...]
    cited: tuple[dict[str, str], ...]
    announce: tuple[str, ...] = ("stage",)


@dataclass(frozen=True)
class Refusal:
    """Why nothing changes: its kind (input, rule or conflict), a summary and every reason."""

    kind: str
    summary: str
    reasons: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # the request's fields at fault, for each door to name in its own words


def decide(facts: ProjectFacts, intent: Intent, today: date) -> Decision | Refusal:
    """Decide one request on one project: the change to make, or a refusal listing every unmet reason."""
    refusal = _refuse_input(intent) or _refuse_stale(facts, intent)
    if refusal is not None:
        return refusal
    label = EVENT_LABELS[intent.event]
    if intent.event == Event.revert and not intent.actor_is_admin:
        return Refusal(RULE, "退回须由管理员操作", (f"{intent.actor or '操作人'} 不是管理员",))
    before = StageToken(facts.stage, facts.suspended_from)
    try:
        after = fire(intent.event, before)
    except IllegalTransition as exc:
        return Refusal(RULE, f"子项目 {facts.ref} 不能{label}", (str(exc),))
    wrong_target = _refuse_target(facts.ref, intent, before, after)
    if wrong_target is not None:
        return wrong_target
    evidence = _with_named(facts.evidence, intent.evidence)
    table = facts.requirements if intent.event == Event.advance else {}
    checked = after.state if intent.event == Event.advance else before.state
    reasons = _unmet(facts, intent, evidence.all, table, checked, today)
    if reasons:
        summary = f"子项目 {facts.ref} 不满足进入“{after.state.label}”的前置条件，未作任何变更"
        return Refusal(RULE, summary, reasons)
    kinds = {k for req in table.get(after.state, ()) for k in req.kinds}
    cited = tuple(
        {"kind": kind_label(e.kind), "doc_no": e.doc_no, "issued_on": e.issued_on.isoformat()}
        for e in evidence.all
        if e.kind in kinds and e.issued_on <= intent.at
    )
    columns = _columns(intent, before, after)
    return Decision(intent.event, before, after, intent.at, columns, evidence.added, cited)


def _refuse_input(intent: Intent) -> Refusal | None:
    """An unknown event or a missing reason: the request is malformed."""
    if intent.event not in Event.all:
        return Refusal(INPUT, f"未知操作“{intent.event}”；可用：{'、'.join(Event.all)}")
    if intent.event in NEEDS_REASON and not (intent.reason or "").strip():
        return Refusal(INPUT, f"{EVENT_LABELS[intent.event]}须写明原因", fields=("reason",))
    return None


def _refuse_stale(facts: ProjectFacts, intent: Intent) -> Refusal | None:
    """The person saw another stage or version than the one stored now: a conflict naming both, who and when."""
    stale = intent.expected_version is not None and intent.expected_version != facts.version
    moved = intent.expected_stage is not None and intent.expected_stage is not facts.stage
    if not (stale or moved):
        return None
    seen, found = _seen_and_found(facts, intent)
    by = ""
    if facts.changed_by is not None and facts.changed_at is not None:
        by = f"，由 {facts.changed_by} 于 {facts.changed_at:%Y-%m-%d %H:%M} 变更"
    summary = (
        f"子项目 {facts.ref} 已被他人变更，本次操作未执行（并发冲突）：操作时为{seen}，现为{found}{by}；"
        "请刷新后重试"
    )
    return Refusal(CONFLICT, summary)


def _seen_and_found(facts: ProjectFacts, intent: Intent) -> tuple[str, str]:
    """The stage the person saw and the one stored now; with the versions when the stage alone does not tell."""
    expected, found = intent.expected_stage, f"“{facts.stage.label}”"
    if expected is None:
        return f"版本 {intent.expected_version}", f"{found}（版本 {facts.version}）"
    if expected is facts.stage:
        return f"“{expected.label}”（版本 {intent.expected_version}）", f"{found}（版本 {facts.version}）"
    return f"“{expected.label}”", found


def _refuse_target(ref: str, intent: Intent, before: StageToken, after: StageToken) -> Refusal | None:
    """A named destination that this event does not reach (skipping a stage, or another mismatch)."""
    to = intent.to
    if to is None or to is after.state:
        return None
    label, current = EVENT_LABELS[intent.event], before.state.label
    if intent.event == Event.advance and to.is_main and to.rank > after.state.rank:
        return Refusal(
            RULE,
            f"子项目 {ref} 不能跳过阶段",
            (f"当前为“{current}”，只能推进到下一阶段“{after.state.label}”，不能直接到“{to.label}”",),
        )
    return Refusal(
        RULE,
        f"子项目 {ref} 不能{label}到“{to.label}”",
        (f"当前为“{current}”，{label}后为“{after.state.label}”",),
    )


@dataclass(frozen=True)
class _Evidence:
    all: tuple[EvidenceFact, ...]
    added: tuple[EvidenceFact, ...]


def _with_named(recorded: tuple[EvidenceFact, ...], named: tuple[EvidenceFact, ...]) -> _Evidence:
    """Documents named by the request and not yet recorded join the facts the rules check."""
    have = {(e.kind, e.doc_no) for e in recorded}
    added: list[EvidenceFact] = []
    for ev in named:
        if (ev.kind, ev.doc_no) not in have:
            added.append(ev)
            have.add((ev.kind, ev.doc_no))
    return _Evidence((*recorded, *added), tuple(added))


def _unmet(
    facts: ProjectFacts,
    intent: Intent,
    evidence: tuple[EvidenceFact, ...],
    table: RequirementTable,
    checked: Stage,
    today: date,
) -> tuple[str, ...]:
    request = StageRequest(
        current=facts.stage,
        target=checked,
        at=intent.at,
        today=today,
        current_since=facts.since,
        last_change_on=facts.last_on,
        evidence=evidence,
        requirements=table,
    )
    return tuple(u.message for u in unmet(request))


def _columns(intent: Intent, before: StageToken, after: StageToken) -> dict[str, Any]:
    """Column values of the project after the change."""
    values: dict[str, Any] = {
        "stage": after.state.code,
        "suspended_from": after.suspended_from.code if after.suspended_from else None,
        "stage_phrase": None,
        "stage_reason": intent.reason if after.state in (Stage.suspended, Stage.cancelled) else None,
        "changed_on": intent.at,  # the effective date of the project's latest audit row: this one
    }
    if intent.event == Event.advance:
        values[f"actual_{after.state.code}_on"] = intent.at
    elif intent.event == Event.revert:
        values[f"actual_{before.state.code}_on"] = None
    return values
