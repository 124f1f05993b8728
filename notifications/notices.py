"""Subjects and templates of the supervision notice emails (督办单)."""

from __future__ import annotations

from typing import Any

# signed, replied and closed share one template pair; issued, returned, due soon and overdue have their own
NOTICE_TEMPLATES = {
    "notice_issued": "notice_issued",
    "notice_signed": "notice_step",
    "notice_replied": "notice_step",
    "notice_closed": "notice_step",
    "notice_returned": "notice_returned",
    "notice_due_soon": "notice_due_soon",
    "notice_overdue": "notice_overdue",
}
_WHAT = {
    "notice_issued": "督办单已下发",
    "notice_signed": "督办单已签收",
    "notice_replied": "督办单已反馈",
    "notice_closed": "督办单已办结",
    "notice_returned": "督办单被退回重报",
    "notice_due_soon": "督办单即将到期",
    "notice_overdue": "督办单已逾期",
}


def notice_subject(kind: str, payload: dict[str, Any]) -> str:
    """【督办】督办第 3 号 第2项 …：督办单已下发（请于 2020-10-10 前反馈）."""
    notice = payload["notice"]
    head = f"【督办】{notice['number']} {notice['about']}：{_WHAT[kind]}"
    if kind in ("notice_issued", "notice_returned", "notice_due_soon"):
        return f"{head}（请于 {notice['due_on']} 前反馈）"
    if kind == "notice_overdue":
        return f"{head}（反馈期限 {notice['due_on']}）"
    return head
