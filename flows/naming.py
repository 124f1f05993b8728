"""Names a person can read in the Prefect UI, and the decision lines a run logs: text only, no Prefect."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.stage_change.request import StageChange
from states.machine import EVENT_LABELS
from states.stages import Stage

REFUSED = "已拒绝"
PARTLY_REFUSED = "部分已拒绝"


def _target(request: StageChange) -> Stage | None:
    """The stage the request leads to, when what the person saw tells it."""
    seen = request.expected_stage
    if request.event == "advance":
        return request.to or (seen.next() if seen and seen.is_main else None)
    if request.event == "revert":
        return seen.previous() if seen and seen.is_main else None
    return {"suspend": Stage.suspended, "cancel": Stage.cancelled}.get(request.event)


def _move(start: Stage | None, end: Stage | None) -> str:
    if start and end:
        return f" {start.label}→{end.label}"
    return f" →{end.label}" if end else ""


def stage_run_name(requests: list[StageChange]) -> str:
    """“推进 2.9 开工→完工 · 张三” for one request; “阶段变更 3 项 · 张三、李四” for a batch."""
    if len(requests) == 1:
        (r,) = requests
        return (
            f"{EVENT_LABELS.get(r.event, r.event)} {r.ref}{_move(r.expected_stage, _target(r))} · {r.actor}"
        )
    actors = "、".join(dict.fromkeys(r.actor for r in requests))
    return f"阶段变更 {len(requests)} 项 · {actors}"


def applied_run_name(result: dict[str, Any]) -> str:
    """The name of a run once its one request was applied, from what was decided."""
    move = _move(Stage[result["from_stage"]], Stage[result["to_stage"]])
    return f"{EVENT_LABELS.get(result['event'], result['event'])} {result['ref']}{move} · {result['actor']}"


def decision_lines(results: list[dict[str, Any]]) -> list[str]:
    """One line per request: applied from→to, or refused with every reason."""
    lines = []
    for r in results:
        label = EVENT_LABELS.get(r.get("event", ""), r.get("event", ""))
        if r["ok"]:
            lines.append(
                f"已{label} {r['ref']}：{Stage[r['from_stage']].label}→{Stage[r['to_stage']].label}（{r['actor']}）"
            )
        else:
            reasons = "；".join(r.get("reasons") or [])
            lines.append(f"未{label} {r['ref']}：{r['message']}" + (f"（{reasons}）" if reasons else ""))
    return lines


def refusal_of(results: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The state name and message of a run whose requests were refused (all or some), else None."""
    refused = [r for r in results if not r["ok"]]
    if not refused:
        return None
    name = REFUSED if len(refused) == len(results) else PARTLY_REFUSED
    return name, "\n".join(decision_lines(refused))


def nightly_run_name(as_of: date | None, programme: str | None) -> str:
    """“夜间重算 2020-09-30” (all programmes) or “夜间重算 changning-2020 2020-09-30”."""
    day = as_of.isoformat() if as_of else "今日"
    return f"夜间重算 {programme} {day}" if programme else f"夜间重算 {day}"
