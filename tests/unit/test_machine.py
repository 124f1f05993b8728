"""The one shared stage machine: legal and illegal events, detachment, and random event sequences."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import transitions
from hypothesis import given, settings
from hypothesis import strategies as st

from states import machine as machine_module
from states.machine import (
    EVENT_LABELS,
    MACHINE,
    Event,
    IllegalTransition,
    StageToken,
    allowed_events,
    fire,
    mermaid,
)
from states.stages import MAIN_LINE, Stage

LINE = [Stage.approved, Stage.preparation, Stage.construction, Stage.completed, Stage.operating]
PAIRS = list(itertools.pairwise(LINE))


def _every_token() -> list[StageToken]:
    """Every token a project can hold: each main stage, suspended from each, and cancelled."""
    return [
        *(StageToken(s) for s in LINE),
        *(StageToken(Stage.suspended, s) for s in LINE),
        StageToken(Stage.cancelled),
    ]


def _legal_edges() -> set[tuple[Stage, Stage, str]]:
    """Every (from, to, event) the machine accepts, found by firing every event at every token."""
    edges = set()
    for token in _every_token():
        for event in Event.all:
            try:
                after = fire(event, token)
            except IllegalTransition:
                continue
            edges.add((token.state, after.state, event))
    return edges


# --- legal events -------------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "expected"), PAIRS)
def test_advance_moves_to_the_next_stage_only(stage: Stage, expected: Stage) -> None:
    after = fire(Event.advance, StageToken(stage))
    assert after.state is expected
    assert after.suspended_from is None


@pytest.mark.parametrize(("expected", "stage"), PAIRS)
def test_revert_moves_one_stage_back(stage: Stage, expected: Stage) -> None:
    after = fire(Event.revert, StageToken(stage))
    assert after.state is expected
    assert after.suspended_from is None


@pytest.mark.parametrize("stage", LINE)
def test_suspend_from_any_main_stage_remembers_where_it_was(stage: Stage) -> None:
    after = fire(Event.suspend, StageToken(stage))
    assert after.state is Stage.suspended
    assert after.suspended_from is stage


@pytest.mark.parametrize("stage", LINE)
def test_resume_returns_to_exactly_the_stage_it_left(stage: Stage) -> None:
    suspended = fire(Event.suspend, StageToken(stage))
    resumed = fire(Event.resume, suspended)
    assert resumed.state is stage
    assert resumed.suspended_from is None


@pytest.mark.parametrize("stage", LINE)
def test_resume_uses_the_remembered_stage_of_a_loaded_token(stage: Stage) -> None:
    resumed = fire(Event.resume, StageToken(Stage.suspended, stage))
    assert resumed.state is stage


@pytest.mark.parametrize(
    "token", [StageToken(s) for s in LINE] + [StageToken(Stage.suspended, Stage.completed)]
)
def test_cancel_is_accepted_from_any_main_stage_or_suspended(token: StageToken) -> None:
    assert fire(Event.cancel, token).state is Stage.cancelled


def test_the_machine_accepts_exactly_the_documented_moves() -> None:
    expected = set()
    for a, b in PAIRS:
        expected.add((a, b, Event.advance))
        expected.add((b, a, Event.revert))
    for s in LINE:
        expected.add((s, Stage.suspended, Event.suspend))
        expected.add((Stage.suspended, s, Event.resume))
        expected.add((s, Stage.cancelled, Event.cancel))
    expected.add((Stage.suspended, Stage.cancelled, Event.cancel))
    assert _legal_edges() == expected


# --- illegal events -----------------------------------------------------------------------------


@pytest.mark.parametrize("event", Event.all)
def test_nothing_is_accepted_once_cancelled(event: str) -> None:
    with pytest.raises(IllegalTransition, match="项目已终止") as caught:
        fire(event, StageToken(Stage.cancelled))
    assert EVENT_LABELS[event] in str(caught.value)


@pytest.mark.parametrize(("event", "verb"), [(Event.advance, "推进"), (Event.revert, "退回")])
def test_advance_or_revert_while_suspended_asks_to_resume_first(event: str, verb: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        fire(event, StageToken(Stage.suspended, Stage.construction))
    message = str(caught.value)
    assert "请先恢复" in message
    assert "开工" in message  # names the stage it was suspended from
    assert message.endswith(verb)


def test_advance_from_operating_says_it_cannot_go_further() -> None:
    with pytest.raises(IllegalTransition, match="不能再推进") as caught:
        fire(Event.advance, StageToken(Stage.operating))
    assert "运营" in str(caught.value)


def test_revert_from_approval_says_it_cannot_go_back_further() -> None:
    with pytest.raises(IllegalTransition, match="不能再退回") as caught:
        fire(Event.revert, StageToken(Stage.approved))
    assert "立项" in str(caught.value)


@pytest.mark.parametrize("stage", LINE)
def test_resume_when_not_suspended_is_refused(stage: Stage) -> None:
    with pytest.raises(IllegalTransition, match="未暂停") as caught:
        fire(Event.resume, StageToken(stage))
    assert stage.label in str(caught.value)


def test_suspend_while_suspended_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="不能暂停") as caught:
        fire(Event.suspend, StageToken(Stage.suspended, Stage.preparation))
    assert "暂停" in str(caught.value)


@pytest.mark.parametrize("event", ["jump", "", "Advance", "to_operating", "load"])
def test_unknown_event_is_refused_with_a_chinese_message(event: str) -> None:
    with pytest.raises(IllegalTransition, match="未知操作"):
        fire(event, StageToken(Stage.approved))


def test_no_auto_transition_lets_a_project_jump_to_a_stage() -> None:
    for stage in Stage:
        with pytest.raises(IllegalTransition):
            fire(f"to_{stage.name}", StageToken(Stage.approved))


@pytest.mark.parametrize("token", _every_token())
def test_every_refusal_is_an_illegal_transition_with_a_chinese_message(token: StageToken) -> None:
    for event in Event.all:
        if event in allowed_events(token.state):
            continue
        with pytest.raises(IllegalTransition) as caught:
            fire(event, token)
        assert re.search(r"[\u4e00-\u9fff]", str(caught.value))
        assert not re.search(r"[A-Za-z]", str(caught.value)), "message leaks English/code text"


def test_resume_of_a_suspended_token_without_origin_does_not_claim_it_is_not_suspended() -> None:
    with pytest.raises(IllegalTransition) as caught:
        fire(Event.resume, StageToken(Stage.suspended, None))
    assert "未暂停" not in str(caught.value)


# --- one shared machine, nothing left attached -------------------------------------------------


def test_many_fires_leave_no_model_attached_to_the_shared_machine() -> None:
    for _ in range(20):
        for token in _every_token():
            for event in Event.all:
                with contextlib.suppress(IllegalTransition):
                    fire(event, token)
    assert MACHINE.models == []
    assert machine_module.MACHINE is MACHINE


def test_fire_never_builds_a_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Machine was built during fire()")

    monkeypatch.setattr(transitions.Machine, "__init__", refuse)
    monkeypatch.setattr(machine_module, "Machine", refuse)
    token = StageToken(Stage.approved)
    for event in [Event.advance, Event.advance, Event.suspend, Event.resume, Event.revert, Event.cancel]:
        token = fire(event, token)
    assert token.state is Stage.cancelled
    assert machine_module.MACHINE is MACHINE


def test_the_shared_machine_is_built_with_no_model_and_no_auto_transitions() -> None:
    assert MACHINE.models == []
    assert not MACHINE.auto_transitions
    assert set(MACHINE.events) == set(Event.all)


def test_a_refused_event_leaves_no_model_attached() -> None:
    with pytest.raises(IllegalTransition):
        fire(Event.advance, StageToken(Stage.operating))
    with pytest.raises(IllegalTransition):
        fire(Event.resume, StageToken(Stage.suspended, None))
    assert MACHINE.models == []


@pytest.mark.parametrize("token", _every_token())
def test_fire_does_not_mutate_the_token_passed_in(token: StageToken) -> None:
    for event in Event.all:
        before = dataclasses.replace(token)
        try:
            after = fire(event, token)
        except IllegalTransition:
            pass
        else:
            assert after is not token
        assert token == before
        assert vars(token) == vars(before), "fire() attached machine attributes to the caller's token"


def test_fire_returns_a_stage_token() -> None:
    after = fire(Event.advance, StageToken(Stage.approved))
    assert type(after) is StageToken
    assert after == StageToken(Stage.preparation, None)


def test_the_returned_token_cannot_be_moved_outside_fire() -> None:
    after = fire(Event.advance, StageToken(Stage.approved))
    assert not hasattr(after, Event.advance)
    assert not hasattr(after, "is_preparation")


def test_concurrent_fires_on_the_shared_machine_all_succeed_and_detach() -> None:
    def walk(start: Stage) -> list[Stage]:
        token = StageToken(start)
        seen = []
        for event in [Event.suspend, Event.resume, Event.cancel]:
            token = fire(event, token)
            seen.append(token.state)
        return seen

    starts = [LINE[i % len(LINE)] for i in range(200)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(walk, starts))
    assert results == [[Stage.suspended, s, Stage.cancelled] for s in starts]
    assert MACHINE.models == []


# --- allowed events and the diagram ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.approved, {"advance", "suspend", "cancel"}),
        (Stage.preparation, {"advance", "suspend", "cancel", "revert"}),
        (Stage.construction, {"advance", "suspend", "cancel", "revert"}),
        (Stage.completed, {"advance", "suspend", "cancel", "revert"}),
        (Stage.operating, {"suspend", "cancel", "revert"}),
        (Stage.suspended, {"resume", "cancel"}),
        (Stage.cancelled, set()),
    ],
)
def test_allowed_events_per_stage(stage: Stage, expected: set[str]) -> None:
    events = allowed_events(stage)
    assert set(events) == expected
    assert len(events) == len(set(events))
    assert events == [e for e in Event.all if e in events], "order is not the stable Event.all order"


@pytest.mark.parametrize("token", _every_token())
def test_allowed_events_are_exactly_the_ones_fire_accepts(token: StageToken) -> None:
    accepted = []
    for event in Event.all:
        try:
            fire(event, token)
        except IllegalTransition:
            continue
        accepted.append(event)
    assert accepted == allowed_events(token.state)


def test_mermaid_is_a_state_diagram_declaring_every_stage() -> None:
    text = mermaid()
    assert text.splitlines()[0] == "stateDiagram-v2"
    for stage in Stage:
        assert re.search(rf"^\s+{stage.code}: {stage.label}", text, re.M), stage
    assert re.search(r"^\s+\[\*\] --> approved$", text, re.M)


def test_mermaid_draws_every_legal_edge_and_no_other() -> None:
    text = mermaid()
    drawn = set(re.findall(r"^\s+(\w+) --> (\w+): (\w+) (\S+)$", text, re.M))
    legal = {(a.code, b.code, e, EVENT_LABELS[e]) for a, b, e in _legal_edges()}
    assert drawn == legal
    edge_lines = [line for line in text.splitlines() if re.match(r"^\s+\w+ --> \w+: ", line)]
    assert len(edge_lines) == len(legal), "an edge is drawn twice"


def test_mermaid_marks_operation_and_cancellation_as_final() -> None:
    text = mermaid()
    assert re.search(r"^\s+operating --> \[\*\]$", text, re.M)
    assert re.search(r"^\s+cancelled --> \[\*\]$", text, re.M)


# --- random event sequences ---------------------------------------------------------------------

events = st.lists(st.sampled_from(Event.all), max_size=40)


@settings(max_examples=300, deadline=None)
@given(start=st.sampled_from(LINE), sequence=events)
def test_random_event_sequences_keep_the_machine_invariants(start: Stage, sequence: list[str]) -> None:
    token = StageToken(start)
    last_left: Stage | None = None
    for event in sequence:
        allowed = allowed_events(token.state)
        before = dataclasses.replace(token)
        try:
            after = fire(event, token)
        except IllegalTransition as exc:
            assert event not in allowed, f"{event} refused from {token}: {exc}"
            assert token == before
            if token.state is Stage.cancelled:
                assert "项目已终止" in str(exc)
            continue
        assert event in allowed
        assert isinstance(after.state, Stage)
        assert token.state is not Stage.cancelled, "a cancelled project accepted an event"
        if after.state is Stage.suspended:
            assert after.suspended_from is not None
            assert after.suspended_from.is_main
        elif after.state is not Stage.cancelled:
            assert after.suspended_from is None
        if event == Event.suspend:
            last_left = token.state
            assert after.suspended_from is token.state
        if event == Event.resume:
            assert after.state is last_left
        if event == Event.advance:
            assert after.state.rank == token.state.rank + 1
        if event == Event.revert:
            assert after.state.rank == token.state.rank - 1
        token = after
    assert MACHINE.models == []


@settings(max_examples=200, deadline=None)
@given(start=st.sampled_from(LINE), sequence=events, tail=st.lists(st.sampled_from(Event.all), min_size=1))
def test_once_cancelled_nothing_else_is_accepted(start: Stage, sequence: list[str], tail: list[str]) -> None:
    token = StageToken(start)
    for event in sequence:
        with contextlib.suppress(IllegalTransition):
            token = fire(event, token)
    token = fire(Event.cancel, token) if token.state is not Stage.cancelled else token
    assert token.state is Stage.cancelled
    for event in tail:
        with pytest.raises(IllegalTransition, match="项目已终止"):
            fire(event, token)


@pytest.mark.parametrize("stage", LINE)
def test_cancelling_a_suspended_project_forgets_where_it_was_suspended_from(stage: Stage) -> None:
    cancelled = fire(Event.cancel, fire(Event.suspend, StageToken(stage)))
    assert cancelled.state is Stage.cancelled
    assert cancelled.suspended_from is None


def test_main_line_of_the_machine_is_the_stage_main_line() -> None:
    assert tuple(LINE) == MAIN_LINE
