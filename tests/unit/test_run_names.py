"""Flow runs are named for what they do, and a refused run carries every reason."""

from __future__ import annotations

from datetime import date

from flows.naming import applied_run_name, nightly_run_name, refusal_of, stage_run_name
from services.stage_change.request import StageChange
from states.stages import Stage


def _request(**kw: object) -> StageChange:
    return StageChange(**{"ref": "2.9", "event": "advance", "actor": "张三", **kw})  # type: ignore[arg-type]


def test_an_advance_is_named_with_the_stages_it_moves_between_and_who_pressed() -> None:
    assert stage_run_name([_request(expected_stage=Stage.construction)]) == "推进 2.9 开工→完工 · 张三"
    assert stage_run_name([_request(to=Stage.completed)]) == "推进 2.9 →完工 · 张三"
    assert stage_run_name([_request()]) == "推进 2.9 · 张三"
    assert (
        stage_run_name([_request(event="revert", expected_stage=Stage.completed)])
        == "退回 2.9 完工→开工 · 张三"
    )


def test_a_batch_is_named_by_its_size_and_people() -> None:
    batch = [_request(), _request(ref="2.8", actor="李四"), _request(ref="2.7")]
    assert stage_run_name(batch) == "阶段变更 3 项 · 张三、李四"


def test_an_applied_run_is_renamed_from_what_was_decided() -> None:
    result = {"ok": True, "ref": "2.9", "event": "advance", "actor": "张三"}
    result.update(from_stage="construction", to_stage="completed")
    assert applied_run_name(result) == "推进 2.9 开工→完工 · 张三"


def test_a_refused_run_names_its_state_and_lists_every_reason() -> None:
    refused = {
        "ok": False,
        "ref": "2.9",
        "event": "advance",
        "message": "不满足前置条件",
        "reasons": ["缺甲", "缺乙"],
    }
    name, message = refusal_of([refused])  # type: ignore[misc]
    assert name == "已拒绝" and "缺甲" in message and "缺乙" in message
    applied = {"ok": True, "ref": "2.8", "event": "advance", "actor": "张三"}
    applied.update(from_stage="construction", to_stage="completed")
    assert refusal_of([applied, refused])[0] == "部分已拒绝"  # type: ignore[index]
    assert refusal_of([applied]) is None


def test_the_nightly_run_names_its_day_and_programme() -> None:
    assert nightly_run_name(date(2020, 9, 30), "changning-2020") == "夜间重算 changning-2020 2020-09-30"
    assert nightly_run_name(date(2020, 9, 30), None) == "夜间重算 2020-09-30"
