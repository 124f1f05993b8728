"""Plain-text lines of supervision notices for the terminal."""

from __future__ import annotations

from typing import Any


def notice_row(row: dict[str, Any]) -> str:
    """督办第 3 号  第2项 …  区民政局  已签收  期限 2020-10-10【已逾期】."""
    alert = (
        f"【{row['alert_label']}】"
        if row["alert_label"] and row["state"] in ("issued", "signed", "returned")
        else ""
    )
    return (
        f"{row['id']:>4}  {row['number']}  {row['about']}  牵头部门：{row['department']}  "
        f"{row['state_label']}  反馈期限 {row['due_on']}{alert}"
    )


def notice_lines(view: dict[str, Any]) -> list[str]:
    """The notice in full, then its steps."""
    lines = [
        f"{view['number']}：{view['about']}",
        f"  牵头部门：{view['department']}  分管领导：{view['leader'] or '—'}",
        f"  状态：{view['state_label']}{'（' + view['alert_label'] + '）' if view['alert_label'] else ''}",
        f"  发现问题：{view['finding']}",
        f"  整改要求：{view['requirement']}",
        f"  下发：{view['issued_on']}（{view['issued_by']}）  反馈期限：{view['due_on']}（{view['reply_days']} 个工作日）",
    ]
    if view["measures"]:
        lines.append(f"  整改措施：{view['measures']}  承诺完成日期：{view['committed_on']}")
    if view["return_reason"]:
        lines.append(f"  退回原因：{view['return_reason']}")
    lines.append("审计记录：")
    for s in view["steps"]:
        moved = f"{s['from'] or '—'} → {s['to']}"
        detail = f"  {s['detail']}" if s["detail"] else ""
        lines.append(f"  {s['on']}  {s['event_label']}  {moved}  {s['actor']}（{s['source']}）{detail}")
    return lines
