"""The terminal's text for published periods: the notice under a stage change, and the diff's lines."""

from __future__ import annotations

from admin.cli.render import stage_changed
from admin.cli.render_publish import diff_lines

NOTICE = "注意：2020-09 已发布，已发布的报告不受影响"


def _result(notice: str | None) -> dict[str, object]:
    return {
        "ref": "4.1",
        "name": "健身点",
        "event": "suspend",
        "from_stage": "completed",
        "to_stage": "suspended",
        "at": "2020-09-20",
        "actor": "区府办",
        "evidence": [],
        "notice": notice,
    }


def test_a_stage_change_inside_a_published_period_prints_the_notice_on_its_own_line() -> None:
    assert stage_changed(_result(NOTICE)).splitlines()[1] == NOTICE
    assert len(stage_changed(_result(None)).splitlines()) == 1


def test_the_diff_prints_percentages_units_stage_counts_and_moved_projects() -> None:
    result = {
        "period": "2020-10",
        "against": "2020-09",
        "sources": {"2020-09": {"published": True, "version": 1}, "2020-10": {"published": False}},
        "items": [
            {
                "number": 2,
                "title": "助餐点",
                "changes": [{"field": "progress", "label": "进度", "from": 0.4, "to": 0.55}],
                "targets": [
                    {
                        "position": 3,
                        "name": "新增老年人助餐点",
                        "unit": "个",
                        "changes": [{"field": "achieved", "label": "完成", "from": 2, "to": 3}],
                        "stages": [{"stage": "completed", "label": "完工", "from": 2, "to": 3}],
                    }
                ],
                "moved": [
                    {"ref": "2.8", "name": "第 5 个老年助餐点", "from": "construction", "to": "completed"}
                ],
            }
        ],
        "unchanged": 11,
    }
    assert diff_lines(result) == [
        "2020-10 与 2020-09 相比（2020-09：已发布第 1 版；2020-10：未发布，按期末计算）",
        "第2项 助餐点",
        "  进度：40% → 55%",
        "  指标3 新增老年人助餐点：完成 2个 → 3个；完工 2个 → 3个",  # numbers beside their units
        "  2.8 第 5 个老年助餐点：开工 → 完工",
        "其余 11 项无变化",
    ]
