"""The prose filters: Chinese numbers and ordinals, quantities with units, rates, tidy text, repeats dropped."""

from __future__ import annotations

import pytest

from reports.prose.filters import (
    amount,
    clauses,
    cn_number,
    dedupe,
    done_word,
    enumerate_cn,
    number,
    ordinal,
    percent,
    quoted,
    sentence,
    tidy,
)
from services.reporting.titles import check_title, programme_kind


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "零"),
        (7, "七"),
        (10, "十"),
        (12, "十二"),
        (23, "二十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (10000, "一万"),
        (10010, "一万零一十"),
        (12345, "一万二千三百四十五"),
    ],
)
def test_numbers_are_written_in_chinese(n: int, words: str) -> None:
    assert cn_number(n) == words


def test_ordinals_and_points_count_in_chinese() -> None:
    assert ordinal(23) == "第二十三项"
    assert ordinal(3, "件") == "第三件"
    assert enumerate_cn(2) == "二是"


def test_quantities_have_no_space_beside_their_unit_or_about_word() -> None:
    assert amount(3500, "场", "余") == "3500余场"
    assert amount(100, "张", "近") == "近100张"
    assert amount(100, "张", "超") == "超100张"
    assert amount(11.875, "万人次", "约") == "约11.875万人次"
    assert amount(5.60, "公里") == "5.6公里"
    assert amount(None, "个") == ""
    assert number(250.0) == "250"


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(0.455, "46%"), (1.04, "104%"), (1.3333, "133%"), (2.6, "260%"), (0, "0%"), (None, "")],
)
def test_rates_are_integers_and_exceed_100_when_exceeded(ratio: float | None, text: str) -> None:
    assert percent(ratio) == text


def test_tidy_drops_spaces_beside_numbers_and_doubled_stops() -> None:
    assert tidy("配送 3500 余 场次 ，于 9 月 15 日恢复。。") == "配送3500余场次，于9月15日恢复。"
    assert tidy("其中 2020 年") == "其中2020年"
    assert sentence("已完成，") == "已完成。"
    assert sentence("") == ""


def test_a_quoted_title_nests_its_own_quotes() -> None:
    assert quoted("开展一批“家门口工程”") == "“开展一批‘家门口工程’”"


def test_done_words_take_yi_once() -> None:
    assert done_word("超额完成") == "已超额完成"
    assert done_word("已完成") == "已完成"


def test_clauses_keep_brackets_whole() -> None:
    assert clauses("暂停（经批复，暂停举办），完成。") == ["暂停（经批复，暂停举办），", "完成。"]


def test_a_clause_said_again_in_a_paragraph_is_dropped() -> None:
    text = "正在与建管中心进行招标手续对接，加快工程进度。改造20处，设计已完成，正在进行招标手续对接。确定项目81个。确定项目81个。"
    assert (
        dedupe(text) == "正在与建管中心进行招标手续对接，加快工程进度。改造20处，设计已完成。确定项目81个。"
    )


def test_a_clause_with_another_number_is_not_a_repeat() -> None:
    assert dedupe("已完成140张床位。已完成150张床位。") == "已完成140张床位。已完成150张床位。"


def test_the_programme_kind_comes_from_its_name() -> None:
    assert programme_kind("长宁区2020年区政府实事项目", "长宁区", "上海市") == "区政府实事项目"
    assert programme_kind("某县2023年县民生实事项目", "某县") == "县民生实事项目"
    assert programme_kind("2022年人大票决项目") == "人大票决项目"


def test_a_title_pattern_with_an_unknown_placeholder_is_refused_in_chinese() -> None:
    assert check_title("关于{类别}{期间}推进情况") is None
    message = check_title("关于{kind}推进情况")
    assert message is not None and "标题格式有误" in message


def test_the_reports_write_quantities_through_the_helper_the_cli_and_the_web_use() -> None:
    from admin.cli import render
    from admin.web.render import templates
    from services.views import contract
    from states import quantities

    assert amount is quantities.amount and number is quantities.number
    assert render.amount is contract.amount is templates.env.filters["amount"] is quantities.amount
