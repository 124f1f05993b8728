"""The plan of a reload is a pure function of two sets of records: which changes destroy data, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.loading.plan import plan_changes, why

TARGET = {"name": "配送文化活动", "quantity": Decimal(10000), "unit": "场", "counting_stage": "operating"}
TARGET |= {"bound": "exact", "phrases": {"operating": "已配送"}, "due_on": date(2020, 12, 31)}
PROJECT = {
    "name": "第 1 个助餐点",
    "quantity": Decimal(1),
    "note": "有序推进",
    "target": 1,
    "stage": "construction",
}
PROJECT |= {"stage_reason": None, "actual_construction_on": date(2020, 8, 1)}


def plan(old: dict, new: dict) -> list[tuple[str, str | None]]:
    """(field or kind, reason) of each change from `old` to `new`."""
    return [(c.field or c.kind, c.reason) for c in plan_changes(old, new)]


def test_an_identical_file_plans_no_change() -> None:
    records = {("target", 5, 1): TARGET, ("project", 2, 1): PROJECT}
    assert plan_changes(records, dict(records)) == []


def test_emptied_values_and_a_changed_counting_stage_destroy() -> None:
    new = TARGET | {"quantity": None, "unit": None, "due_on": None, "counting_stage": "completed"}
    assert plan({("target", 5, 1): TARGET}, {("target", 5, 1): new}) == [
        ("quantity", "清空"),
        ("unit", "清空"),
        ("counting_stage", "计数方式改变"),
        ("due_on", "清空"),
    ]


def test_a_shortened_note_and_a_cut_name_destroy_but_a_new_name_or_quantity_does_not() -> None:
    key = ("project", 2, 1)
    assert plan({key: PROJECT}, {key: PROJECT | {"note": "有序"}}) == [("note", "文字变短")]
    assert plan({key: PROJECT}, {key: PROJECT | {"name": "第 1 个"}}) == [("name", "文字变短")]
    assert plan({key: PROJECT}, {key: PROJECT | {"name": "甲路助餐点"}}) == [("name", None)]
    assert plan({key: PROJECT}, {key: PROJECT | {"quantity": Decimal(2)}}) == [("quantity", None)]


def test_a_phrase_removed_from_a_mapping_destroys() -> None:
    key = ("target", 5, 1)
    assert plan({key: TARGET}, {key: TARGET | {"phrases": {}}}) == [("phrases", "清空")]
    both = TARGET | {"phrases": {"operating": "已配送", "completed": "已完成"}}
    assert plan({key: both}, {key: TARGET}) == [("phrases", "删去 “completed”")]


def test_a_project_whose_stage_moved_on_keeps_its_stage_fields() -> None:
    key = ("project", 2, 1)
    held = PROJECT | {"stage": "completed", "actual_completed_on": date(2020, 10, 10)}
    assert plan({key: held}, {key: PROJECT | {"actual_completed_on": None}}) == []


def test_a_missing_item_is_one_line_with_what_it_holds_and_a_missing_milestone_is_removed() -> None:
    held = {
        ("item", 12): {"title": "开设爱心暑托班"},
        ("target", 12, 1): TARGET,
        ("project", 12, 1): PROJECT,
        ("milestone", 5, 1, "2020-Q3"): {"due_on": date(2020, 9, 30)},
        ("target", 5, 1): TARGET,
    }
    changes = plan_changes(held, {("target", 5, 1): TARGET})
    assert [c.line() for c in changes] == [
        "第12项“开设爱心暑托班”：文件中没有（连同其 1 个指标、1 个子项目；已有记录保留，不删除）",
        "第5项 指标1 节点 2020-Q3：文件中没有（将删除）",
    ]
    assert all(c.destructive for c in changes)


def test_additions_are_harmless_and_missing_reports_are_not_changes() -> None:
    report = {"note": "有序推进"}
    changes = plan_changes({("report", 1, None, date(2020, 9, 30)): report}, {("project", 1, 3): PROJECT})
    assert [(c.kind, c.destructive, c.line()) for c in changes] == [
        ("added", False, "子项目 1.3“第 1 个助餐点”：新增")
    ]


def test_a_kept_missing_target_keeps_its_milestones_and_plans_no_removal_for_them() -> None:
    held = {
        ("target", 5, 1): TARGET,
        ("target", 5, 2): TARGET,
        ("milestone", 5, 2, "2021-Q2"): {"due_on": date(2021, 6, 30)},
    }
    changes = plan_changes(held, {("target", 5, 1): TARGET})
    assert [c.kind for c in changes] == ["missing"]
    assert changes[0].key == ("target", 5, 2)


def test_a_group_member_replaced_by_another_needs_a_confirmation() -> None:
    assert why("members", ["新华路街道", "江苏路街道"], ["新华路街道", "华阳路街道"]) == "删去 江苏路街道"
    assert why("members", ["新华路街道"], ["新华路街道", "华阳路街道"]) is None
