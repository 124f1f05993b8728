"""The plan of a reload: every change a file makes to what the database holds, and which ones destroy.

`plan_changes(current, wanted)` is pure: plain records in (services/loading/records.py), changes out.
A change destroys data when it empties a value, shortens a text, changes how a target counts,
removes entries of a list or mapping, or when the file no longer names an item, target, project or
milestone. The load refuses such changes unless the user accepts them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from models.base import as_quantity
from services.loading.records import STAGE_FIELDS, Key, Records
from states.stages import Stage

LABELS = {
    "name": "名称",
    "title": "标题",
    "leader": "分管领导",
    "category": "主要任务",
    "tier": "层级",
    "lead": "主责部门",
    "cooperating": "配合部门",
    "year": "年度",
    "district": "区",
    "city": "市",
    "issuer": "发文单位",
    "office_email": "办公室邮箱",
    "periods": "发布期间",
    "review": "报送审核",
    "is_group": "部门组",
    "members": "成员",
    "head": "负责人",
    "email": "邮箱",
    "follows": "关注",
    "quantity": "数量",
    "unit": "单位",
    "bound": "目标类型",
    "counting_stage": "计数阶段",
    "noun": "计量名词",
    "phrases": "阶段说法",
    "requirements": "所需要件",
    "due_on": "完成期限",
    "expected_ratio": "计划完成比例",
    "expected_quantity": "计划完成数量",
    "note": "说明",
    "target": "所属指标",
    "suspended_from": "暂停前阶段",
    "stage_phrase": "阶段说法",
    "stage_reason": "原因",
    "achieved": "完成数",
    "approximate": "约数",
    "ratio": "完成比例",
    "problems": "存在问题",
    "next_steps": "下一步",
    "figures": "数据",
    "reported_by": "报送人",
    "stage": "节点阶段",
    "status_rules": "状态规则",
    "public": "公开",
    "report_style": "报告样式",
}
for _stage in Stage:
    LABELS[f"planned_{_stage.code}_on"] = f"计划{_stage.label}日期"
    LABELS[f"actual_{_stage.code}_on"] = f"实际{_stage.label}日期"
TEXTS = frozenset({"title", "note", "problems", "next_steps", "stage_reason"})
COUNTING = frozenset({"counting_stage", "bound"})
STAGE_CODES = frozenset({"counting_stage", "suspended_from", "stage"})
KEPT = frozenset({"item", "target", "project"})  # not in the file: kept, never deleted
REMOVED = frozenset({"milestone"})  # not in the file: deleted
SHOWN = 40


@dataclass(frozen=True)
class Change:
    """One change a file makes: a record added, missing, or one field's old and new value."""

    key: Key
    where: str
    field: str
    old: Any
    new: Any
    kind: str  # added | updated | missing | removed
    reason: str | None = None  # why it destroys data; None for a harmless change

    @property
    def destructive(self) -> bool:
        """True when the change empties, shortens or drops data the database holds."""
        return self.reason is not None

    def line(self) -> str:
        """The change in one line of Chinese: where, what, old → new, and why it needs a confirmation."""
        if self.kind == "added":
            return f"{self.where}：新增"
        if self.kind == "missing":
            return f"{self.where}：文件中没有（{self.reason}）"
        if self.kind == "removed":
            return f"{self.where}：文件中没有（{self.reason}）"
        label = LABELS.get(self.field, self.field)
        text = f"{self.where}：{label} {show(self.field, self.old)} → {show(self.field, self.new)}"
        return f"{text}（{self.reason}）" if self.reason else text


def plan_changes(current: Records, wanted: Records) -> list[Change]:
    """Every change from `current` to `wanted`: additions and updates in file order, then what is missing."""
    out: list[Change] = []
    for key, new in wanted.items():
        old = current.get(key)
        where = _where(key, old or new)
        if old is None:
            out.append(Change(key, where, "", None, None, "added"))
            continue
        out.extend(_fields(key, where, old, new))
    gone = {key[1] for key in current if key[0] == "item" and key not in wanted}
    kept_targets = {key[1:3] for key in current if key[0] == "target" and key not in wanted}
    for key, old in current.items():
        if key in wanted or (key[0] != "item" and key[0] in KEPT | REMOVED and key[1] in gone):
            continue
        if key[0] == "milestone" and key[1:3] in kept_targets:
            continue  # a target kept although missing from the file keeps its milestones too
        where = _where(key, old)
        if key[0] == "item":
            inside = _inside(current, key[1])
            out.append(Change(key, where, "", None, None, "missing", f"{inside}已有记录保留，不删除"))
        elif key[0] in KEPT:
            out.append(Change(key, where, "", None, None, "missing", "已有记录保留，不删除"))
        elif key[0] in REMOVED:
            out.append(Change(key, where, "", None, None, "removed", "将删除"))
    return out


def _inside(current: Records, number: int) -> str:
    """连同其 2 个指标、5 个子项目： what a missing item holds."""
    counts = [
        (sum(1 for k in current if k[0] == kind and k[1] == number), word)
        for kind, word in (("target", "指标"), ("project", "子项目"))
    ]
    held = "、".join(f"{n} 个{word}" for n, word in counts if n)
    return f"连同其 {held}；" if held else ""


def _fields(key: Key, where: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    skip = {"stage"} if key[0] == "project" else set()
    if key[0] == "project" and old.get("stage") != new.get("stage"):
        skip |= STAGE_FIELDS  # the system's stage wins, with the fields that belong to it
    return [
        Change(key, where, name, old.get(name), value, "updated", why(name, old.get(name), value))
        for name, value in new.items()
        if name not in skip and old.get(name) != value
    ]


def why(field: str, old: Any, new: Any) -> str | None:
    """Why replacing `old` by `new` destroys data, or None when it does not."""
    if _empty(new) and not _empty(old):
        return "清空"
    if field in COUNTING:
        return "计数方式改变"
    shorter = isinstance(old, str) and isinstance(new, str) and len(new) < len(old)
    if shorter and (field in TEXTS or old.startswith(new)):
        return "文字变短"
    if isinstance(old, dict) and isinstance(new, dict) and set(old) - set(new):
        return "删去 " + "、".join(show(field, k) for k in old if k not in new)
    if field == "members" and isinstance(old, list) and isinstance(new, list) and set(old) - set(new):
        return "删去 " + "、".join(n for n in old if n not in new)  # a member replaced loses its access too
    if isinstance(old, list) and isinstance(new, list) and len(new) < len(old):
        return f"减少 {len(old) - len(new)} 条"
    return None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def show(field: str, value: Any) -> str:
    """A value as the list shows it: （空）, numbers without trailing zeros, long texts cut."""
    if _empty(value):
        return "（空）"
    if field in STAGE_CODES and isinstance(value, str):
        return _stage_label(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | float | int):
        return str(as_quantity(value))
    if isinstance(value, date):
        return value.isoformat()
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", " ")
    return f"“{text[:SHOWN]}…”（{len(text)} 字）" if len(text) > SHOWN else f"“{text}”"


def _stage_label(code: str) -> str:
    try:
        return Stage[code].label
    except KeyError:
        return code


def _where(key: Key, fields: dict[str, Any]) -> str:
    kind, rest = key[0], key[1:]
    name = fields.get("name")
    if kind == "programme":
        return "计划"
    if kind == "department":
        return f"部门“{rest[0]}”"
    if kind == "person":
        return f"联系人 {rest[0]}"
    if kind == "item":
        title = fields.get("title") or ""
        return f"第{rest[0]}项“{title[: SHOWN // 2]}{'…' if len(title) > SHOWN // 2 else ''}”"
    if kind == "target":
        return f"第{rest[0]}项 指标{rest[1]}“{name}”"
    if kind == "milestone":
        return f"第{rest[0]}项 指标{rest[1]} 节点 {rest[2]}"
    if kind == "project":
        return f"子项目 {rest[0]}.{rest[1]}“{name}”"
    scope = f" 指标{rest[1]}" if rest[1] is not None else ""
    return f"第{rest[0]}项{scope} {rest[2]} 进展报送"
