"""The supervision notice (督办单) machine: one `transitions` Machine shared by every notice.

已下发 → 已签收 → 已反馈 → 已办结, or 已反馈 → 退回重报 → 已反馈 again. Like the stage machine, a
notice is a small token attached for one event and detached right after; answers are memoised.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

from transitions import Machine, MachineError


class NoticeState(Enum):
    """A notice's states, with their Chinese labels."""

    issued = "已下发"
    signed = "已签收"
    answered = "已反馈"
    returned = "退回重报"
    closed = "已办结"

    @property
    def code(self) -> str:
        """The stored code."""
        return self.name

    @property
    def label(self) -> str:
        """The Chinese label."""
        return self.value


OPEN = (NoticeState.issued, NoticeState.signed, NoticeState.returned)  # waiting for the department's reply
ALERTS = {"due_soon": "即将到期", "overdue": "已逾期"}
# events by code; `send_back` is the trigger of 退回重报 (`return` is a Python keyword)
NOTICE_EVENTS = {"sign": "签收", "reply": "反馈", "send_back": "退回重报", "close": "办结"}
OFFICE_EVENTS = frozenset({"send_back", "close"})  # only the office; sign and reply: the lead department too
_ROWS: list[dict[str, Any]] = [
    {"trigger": "sign", "source": NoticeState.issued, "dest": NoticeState.signed},
    {"trigger": "reply", "source": [NoticeState.signed, NoticeState.returned], "dest": NoticeState.answered},
    {"trigger": "send_back", "source": NoticeState.answered, "dest": NoticeState.returned},
    {"trigger": "close", "source": NoticeState.answered, "dest": NoticeState.closed},
]


class IllegalNoticeStep(Exception):
    """The machine does not allow this event from the notice's state."""


@dataclass
class NoticeToken:
    """What the machine needs of a notice: its state."""

    state: NoticeState


NOTICE_MACHINE = Machine(
    model=None,
    states=NoticeState,
    initial=NoticeState.issued,
    transitions=_ROWS,
    auto_transitions=False,
)
_LOCK = threading.Lock()
_ANSWERS: dict[tuple[str, NoticeState], NoticeState | str] = {}


def parse_notice_state(text: str) -> NoticeState:
    """A state from its code or Chinese label."""
    for state in NoticeState:
        if text.strip() in (state.code, state.label):
            return state
    known = "、".join(s.label for s in NoticeState)
    raise IllegalNoticeStep(f"未知的督办单状态“{text}”；可选：{known}")


def step(event: str, state: NoticeState) -> NoticeState:
    """The state after `event`, or IllegalNoticeStep with the reason in Chinese."""
    if event not in NOTICE_EVENTS:
        raise IllegalNoticeStep(f"未知的督办单操作“{event}”")
    key = (event, state)
    answer = _ANSWERS.get(key)
    if answer is None:
        answer = _fire(event, state)
        _ANSWERS[key] = answer
    if isinstance(answer, str):
        raise IllegalNoticeStep(answer)
    return answer


def _fire(event: str, state: NoticeState) -> NoticeState | str:
    model = NoticeToken(state)
    with _LOCK:
        NOTICE_MACHINE.add_model(model, initial=state)
        try:
            done = getattr(model, event)()
        except MachineError:
            done = False
        finally:
            NOTICE_MACHINE.remove_model(model)
    return model.state if done else _refusal(event, state)


def allowed_notice_events(state: NoticeState) -> list[str]:
    """Events the machine accepts from a state, in a stable order."""
    return [e for e in NOTICE_EVENTS if NOTICE_MACHINE.get_transitions(trigger=e, source=state.name)]


def _refusal(event: str, state: NoticeState) -> str:
    label = NOTICE_EVENTS[event]
    if state is NoticeState.closed:
        return f"督办单已办结，不能{label}"
    if event == "reply" and state is NoticeState.issued:
        return "督办单尚未签收，请先签收再反馈"
    if event == "reply" and state is NoticeState.answered:
        return "督办单已反馈，正待办公室审核；退回重报后才能再次反馈"
    if event in ("send_back", "close") and state in OPEN:
        return f"督办单当前为“{state.label}”，尚未反馈，不能{label}"
    if event == "sign":
        return f"督办单当前为“{state.label}”，已签收过，无需再签收"
    return f"督办单当前为“{state.label}”，不能{label}"
