"""The one stage machine of Shishi, built once and shared by every project.

Following the advice of the `transitions` authors for many records, a single
`Machine` with ``model=None`` holds the workflow; a project is represented by a
small token that is attached for one event and detached right after.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from transitions import EventData, Machine, MachineError

from states.stages import MAIN_LINE, Stage


class Event:
    """Names of the events a project accepts."""

    advance = "advance"
    suspend = "suspend"
    resume = "resume"
    cancel = "cancel"
    revert = "revert"
    all = ("advance", "suspend", "resume", "cancel", "revert")


EVENT_LABELS = {
    "advance": "推进",
    "suspend": "暂停",
    "resume": "恢复",
    "cancel": "终止",
    "revert": "退回",
    "load": "导入",
}


class IllegalTransition(Exception):
    """Raised when the machine does not allow an event from the current stage."""


@dataclass
class StageToken:
    """The part of a project the machine needs: its stage and where it was suspended from."""

    state: Stage
    suspended_from: Stage | None = None


def _remember_source(event: EventData) -> None:
    event.model.suspended_from = Stage[event.transition.source]


def _forget_source(event: EventData) -> None:
    event.model.suspended_from = None


def _left_from(stage: Stage) -> Any:
    return lambda event: event.model.suspended_from is stage


def _transitions() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for stage in MAIN_LINE:
        nxt = stage.next()
        if nxt is not None:
            rows.append({"trigger": Event.advance, "source": stage, "dest": nxt})
            rows.append({"trigger": Event.revert, "source": nxt, "dest": stage})
        rows.append(
            {"trigger": Event.suspend, "source": stage, "dest": Stage.suspended, "before": _remember_source}
        )
        rows.append(
            {
                "trigger": Event.resume,
                "source": Stage.suspended,
                "dest": stage,
                "conditions": _left_from(stage),
                "after": _forget_source,
            }
        )
    rows.append(
        {
            "trigger": Event.cancel,
            "source": [*MAIN_LINE, Stage.suspended],
            "dest": Stage.cancelled,
            "after": _forget_source,
        }
    )
    return rows


MACHINE = Machine(
    model=None,
    states=Stage,
    initial=Stage.approved,
    transitions=_transitions(),
    auto_transitions=False,
    send_event=True,
)
_LOCK = threading.Lock()
# The machine's answer depends only on the event and the token: each answer is asked once.
_ANSWERS: dict[tuple[str, Stage, Stage | None], StageToken | str] = {}


def fire(event: str, token: StageToken) -> StageToken:
    """Run one event for a token and return the new token; refuse illegal events."""
    if event not in Event.all:
        raise IllegalTransition(f"未知操作“{event}”")
    key = (event, token.state, token.suspended_from)
    answer = _ANSWERS.get(key)
    if answer is None:
        try:
            answer = _fire_on_machine(event, token)
        except IllegalTransition as exc:
            answer = str(exc)
        _ANSWERS[key] = answer
    if isinstance(answer, str):
        raise IllegalTransition(answer)
    return StageToken(answer.state, answer.suspended_from)


def _fire_on_machine(event: str, token: StageToken) -> StageToken:
    """Attach a copy of the token to the shared Machine, fire the event, detach it."""
    model = StageToken(token.state, token.suspended_from)
    with _LOCK:
        MACHINE.add_model(model, initial=model.state)
        try:
            done = getattr(model, event)()
        except MachineError:
            done = False
        finally:
            MACHINE.remove_model(model)
    if not done:
        raise IllegalTransition(_refusal(event, token))
    return StageToken(model.state, model.suspended_from)


def allowed_events(stage: Stage) -> list[str]:
    """Events the machine accepts from a stage, in a stable order."""
    return [e for e in Event.all if MACHINE.get_transitions(trigger=e, source=stage.name)]


def _refusal(event: str, token: StageToken) -> str:
    label = EVENT_LABELS.get(event, event)
    if token.state is Stage.cancelled:
        return f"项目已终止，不能{label}"
    if token.state is Stage.suspended and event in (Event.advance, Event.revert):
        left = token.suspended_from.label if token.suspended_from else "?"
        return f"项目已暂停（自“{left}”），请先恢复再{label}"
    if event == Event.resume and token.state is Stage.suspended:
        return "暂停前所处阶段未记录，无法恢复；请由管理员核实"
    if event == Event.resume:
        return f"项目当前为“{token.state.label}”，未暂停，无需恢复"
    if event == Event.advance and token.state is Stage.operating:
        return "项目已处于最后阶段“运营”，不能再推进"
    if event == Event.revert and token.state is Stage.approved:
        return "项目处于第一阶段“立项”，不能再退回"
    return f"项目当前为“{token.state.label}”，不能{label}"


def mermaid() -> str:
    """The stage machine as a Mermaid state diagram."""
    lines = ["stateDiagram-v2"]
    for stage in Stage:
        lines.append(f"    {stage.code}: {stage.label} ({stage.code})")
    lines.append(f"    [*] --> {Stage.approved.code}")
    seen: set[tuple[str, str, str]] = set()
    for row in _transitions():
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for src in sources:
            key = (src.code, row["dest"].code, row["trigger"])
            if key not in seen:
                seen.add(key)
                lines.append(f"    {key[0]} --> {key[1]}: {key[2]} {EVENT_LABELS[key[2]]}")
    lines.append(f"    {Stage.operating.code} --> [*]")
    lines.append(f"    {Stage.cancelled.code} --> [*]")
    return "\n".join(lines) + "\n"
