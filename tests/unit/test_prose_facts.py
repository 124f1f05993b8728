"""One target's facts: stage quantities summed, unknown figures left out, the department's words first."""

from __future__ import annotations

from typing import Any

from reports.prose.facts import measure, target_facts


def _target(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "新增老年人日间服务中心",
        "quantity": 12,
        "unit": "个",
        "noun": "家",
        "bound": "exact",
        "achieved": 0,
        "ratio": 0.0,
        "approximate": False,
        "status": "slow",
        "status_label": "慢序时",
        "month_target": None,
        "groups": [],
        "suspended": [],
        "figures": [],
        "note": None,
        "problems": None,
        "next": None,
    }
    return base | over


def _group(stage: str, phrase: str, parts: list[tuple[str, float | None]], counted: bool = False) -> dict:
    measured = [{"name": n, "quantity": q} for n, q in parts if q is not None]
    return {
        "stage": stage,
        "phrase": phrase,
        "counted": counted,
        "quantity": sum(p["quantity"] for p in measured) if measured else None,
        "measured": measured,
        "unmeasured": [n for n, q in parts if q is None],
    }


def test_stage_facts_sum_quantities_not_projects() -> None:
    groups = [_group("completed", "已竣工", [("一批", 7)]), _group("started", "正在装修", [("二批", 5)])]
    facts = target_facts(_target(groups=groups))
    assert facts["stages"] == ["7家已竣工", "5家正在装修"]
    assert facts["done"] == "" and facts["rate"] == ""  # nothing counted yet: left out, never 0


def test_a_project_without_quantity_is_named_never_counted_as_zero() -> None:
    t = _target(name="健身步道", unit="公里", noun="段", quantity=11)
    groups = [
        _group("started", "施工基本完成", [("二期", 5.6)]),
        _group("started", "进入施工阶段", [("景观提升项目", None)]),
    ]
    assert target_facts(t | {"groups": groups})["stages"] == [
        "5.6公里施工基本完成",
        "景观提升项目进入施工阶段",
    ]
    assert measure(t) == "公里"


def test_the_counted_stage_says_what_is_done_once() -> None:
    groups = [_group("operating", "已正式运营", [(f"点{i}", 1) for i in range(2)], counted=True)]
    facts = target_facts(_target(noun="个点位", achieved=2, ratio=0.2, groups=groups))
    assert facts["done_words"] == "2个点位已正式运营" and facts["rate"] == "20%"
    assert facts["stages"] == []


def test_the_departments_figures_are_not_repeated_nor_contradicted() -> None:
    note = "更整新 46 个健身点 328 件器材正在安装，目前已完成 40%。"
    groups = [_group("started", "正在安装", [("器材", 328)])]
    facts = target_facts(
        _target(name="更整新健身点体育器材", unit="件", noun=None, quantity=328, note=note, groups=groups)
    )
    assert facts["own"] == "更整新46个健身点328件器材正在安装，目前已完成40%。"
    assert facts["stages"] == [] and facts["done"] == "" and facts["rate"] == ""


def test_figures_that_make_up_the_achieved_figure_are_its_parts() -> None:
    figures = [
        {"label": "厨卫改造", "value": 12, "unit": "户"},
        {"label": "室内扶手", "value": 60, "unit": "户"},
    ]
    facts = target_facts(_target(unit="户", noun="户", achieved=72, ratio=0.072, figures=figures))
    assert facts["figures"] == ["厨卫改造12户", "室内扶手60户"] and facts["figures_are_parts"]
    assert facts["done"] == "72户" and facts["rate"] == "7%"


def test_an_exceeded_target_keeps_its_rate_over_100() -> None:
    facts = target_facts(
        _target(unit="场", noun="场", achieved=3500, approximate=True, ratio=1.333, status="exceeded")
    )
    assert facts["done"] == "3500余场" and facts["rate"] == "133%" and facts["exceeded"]


def test_the_departments_own_completion_rate_stands_for_the_computed_one() -> None:
    figures = [{"label": "完成比例", "value": 103.64, "unit": "%"}]
    t = _target(name="劳务品牌培训", quantity=1100, unit="人", noun=None, achieved=1140, ratio=1.0364)
    facts = target_facts(t | {"figures": figures, "status": "exceeded", "status_label": "超额完成"})
    assert facts["rate"] == facts["rate_text"] == "103.64%"  # as published, not a rounded 104% beside it
    assert facts["figures"] == []


def test_an_items_own_percentage_about_something_else_keeps_the_targets_rate() -> None:
    t = _target(name="城镇新增就业", quantity=27800, unit="人", noun=None, achieved=52242, ratio=1.879)
    facts = target_facts(t | {"status": "exceeded"}, "城镇登记失业率控制目标为低于4.3%。")
    assert facts["rate"] == "188%"
    said = target_facts(t | {"note": "完成比例187.9%。", "status": "exceeded"})
    assert said["rate"] == ""  # the target's own text gives its rate


def test_a_policy_counted_as_one_is_not_restated_when_the_item_says_the_year_is_done() -> None:
    t = _target(name="婚姻登记跨区通办", quantity=1, unit="项", noun=None, achieved=1, ratio=1.0)
    t |= {"bound": "milestone", "status": "done", "status_label": "已完成"}
    assert target_facts(t, "3月22日起全面实行，已完成全年目标。")["said_done"]
    assert not target_facts(t, "已完成方案制定。")["said_done"]
