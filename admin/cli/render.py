"""Plain-text rendering of use-case results for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from states.machine import EVENT_LABELS
from states.periods import filing_title
from states.quantities import amount
from states.stages import Stage

if TYPE_CHECKING:
    from services.loading.apply import LoadSummary

KIND_ZH = {
    "programmes": "计划",
    "departments": "部门",
    "items": "项目",
    "targets": "指标",
    "projects": "子项目",
    "evidence": "要件",
    "people": "人员",
    "progress reports": "进展报送",
    "item departments": "项目责任部门",
    "department members": "部门组成员",
}


def load_summary(summary: LoadSummary, file: str) -> str:
    """What a load did, or would do on a dry run, with one line per change to stored data."""
    head = f"{'【试运行，未写入】' if summary.dry_run else ''}计划 {summary.programme}（{file}）"
    if not summary.changed:
        lines = [f"{head}：无变化"]
    else:
        parts = [f"新增{KIND_ZH.get(k, k)} {n}" for k, n in summary.created.items()]
        parts += [f"更新{KIND_ZH.get(k, k)} {n}" for k, n in summary.updated.items()]
        lines = [f"{head}：{'，'.join(parts)}"]
    if summary.changes:
        lines.append(f"变更 {len(summary.changes)} 处：")
        lines += [f"  {'！' if c.destructive else '-'} {c.line()}" for c in summary.changes]
    lost = len(summary.destructive)
    if lost and summary.dry_run:
        lines.append(f"其中 {lost} 处（！）会清空或减少已有数据：正式导入时须加 --accept-changes 确认")
    elif lost:
        lines.append(f"已按确认（--accept-changes）应用 {lost} 处清空或减少已有数据的变更")
    if summary.logged:
        lines.append(f"已记入改动记录 {summary.logged} 条")
    lines += [f"  注意：{w}" for w in summary.warnings]
    return "\n".join(lines)


def _amount(value: Any, unit: str | None, about: str | None = None) -> str:
    """A quantity beside its unit (不少于6个, 5余个), or — when unknown."""
    return amount(value, unit, about) or "—"


def overview(data: dict[str, Any]) -> str:
    """The programme with every item and its projects, one line each."""
    p = data["programme"]
    lines = [f"{p['name']}（{p['code']}）  截至 {data['as_of']}", ""]
    for item in data["items"]:
        lead = "、".join(item["lead"])
        lines.append(f"{item['ref']:>3}  {item['title']}")
        status = f"状态：{item['status_label']}  " if item.get("status_label") else ""
        if light := item.get("light"):
            status += f"灯色：{light['label']}" + ("（挂牌督办）  " if light["listed"] else "  ")
        lines.append(
            f"     {status}主责：{lead}"
            + (f"  配合：{'、'.join(item['cooperating'])}" if item["cooperating"] else "")
        )
        for pr in item["projects"]:
            qty = f"  {amount(pr['quantity'], pr['unit'])}" if pr["quantity"] is not None else ""
            lines.append(
                f"     {pr['ref']:<6} {pr['stage_label']:<5} {pr['status_label']:<6} {_dot(pr)}{pr['name']}{qty}"
            )
        lines.append("")
    if not data["items"]:
        lines.append("（没有符合条件的子项目）")
    return "\n".join(lines).rstrip() + "\n"


def _dot(project: dict[str, Any]) -> str:
    """A project's light as a word before its name (绿灯, 红灯（挂牌督办） …), or nothing."""
    light = project.get("light")
    if not light:
        return ""
    listed = f"（{light['listed_label']}）" if light["listed"] else ""
    return f"{light['label']}{listed}  "


def item(data: dict[str, Any]) -> str:
    """One item: departments, targets with achieved and per-stage counts, reports."""
    lines = [f"第{data['ref']}项  {data['title']}"]
    lines.append(
        f"主责部门：{'、'.join(data['lead'])}"
        + (f"，配合部门：{'、'.join(data['cooperating'])}" if data["cooperating"] else "")
    )
    if data["leader"]:
        lines.append(f"分管领导：{data['leader']}")
    health = data.get("health")
    if health and health["status"]:
        line = f"序时进度（{health['as_of']}）：{health['status_label']}"
        if health["progress"] is not None:
            line += f"，完成 {health['progress'] * 100:.0f}%，序时 {health['expected'] * 100:.0f}%"
        if health["override_reason"]:
            line += f"（人工认定：{health['override_reason']}；计算结果：{health['computed_label']}）"
        elif health["reason"]:
            line += f"（{health['reason']}）"
        lines.append(line)
        if light := health.get("light"):
            listed = (
                f"，{light['listed_label']}（连续 {light['red_periods']} 期红灯）" if light["listed"] else ""
            )
            lines.append(f"灯色：{light['label']}{listed}")
    override = (health or {}).get("override")
    if override and override["status"] and override["reason"] != (health or {}).get("override_reason"):
        until = f"至 {override['until']}" if override["until"] else "起"
        lines.append(
            f"人工认定：{override['status_label']}（{override['reason']}；{override['on']} {until}）"
        )
    for t in data["targets"]:
        bound = "不少于" if t["bound"] == "at_least" else ""
        planned = f"{bound}{_amount(t['quantity'], t['unit'])}"
        ratio = f"（{t['ratio'] * 100:.0f}%）" if t["ratio"] is not None else ""
        done = _amount(t["achieved"], t["unit"], "余" if t["approximate"] else None)
        lines.append(f"\n指标{t['position']}：{t['name']}  目标 {planned}  完成 {done}{ratio}")
        if t["stages"]:
            lines.append("  " + "；".join(s["text"] for s in t["stages"]))
        for pr in t["projects"]:
            lines.append(
                f"  {pr['ref']:<6} {pr['stage_label']:<5} {pr['name']}"
                + (f"（{pr['phrase']}）" if pr["phrase"] else "")
                + _dates(pr["stage_dates"])
            )
    for r in data["reports"]:
        scope = f"指标{r['target']}" if r["target"] else "项目"
        text = "；".join(
            x
            for x in (
                r["note"],
                r["problems"] and f"存在问题：{r['problems']}",
                r["next"] and f"下一步：{r['next']}",
            )
            if x
        )
        if text:
            lines.append(f"\n[{r['as_of']} {scope} {r['by']} {_version(r)}] {text}")
    return "\n".join(lines) + "\n"


def _dates(rows: list[dict[str, Any]]) -> str:
    """完工 计划 2020-10-15 实际 —: each stage's planned and actual date, for one line."""
    return "".join(f"  {d['stage_label']} 计划 {d['planned'] or '—'} 实际 {d['actual'] or '—'}" for d in rows)


def project(data: dict[str, Any]) -> str:
    """One project: stage, dates, evidence, next-stage prerequisites and recent history."""
    lines = [
        f"子项目 {data['ref']}  {data['name']}",
        f"所属：第{data['item']['ref']}项 {data['item']['title']}",
    ]
    stage = data["stage_label"] + (f"（{data['phrase']}）" if data["phrase"] else "")
    lines.append(f"阶段：{stage}    状态：{data['status_label']}    版本：{data['version']}")
    if light := data.get("light"):
        listed = f"，{light['listed_label']}（连续 {light['red_periods']} 期红灯）" if light["listed"] else ""
        lines.append(f"灯色：{light['label']}{listed}")
    if data["reason"]:
        lines.append(f"原因：{data['reason']}")
    if data["stage_dates"]:
        lines.append("各阶段日期：")
        lines += [
            f"  {d['stage_label']}  计划 {d['planned'] or '—'}  实际 {d['actual'] or '—'}"
            for d in data["stage_dates"]
        ]
    for e in data["evidence"]:
        lines.append(f"要件：{e['kind_label']} {e['doc_no']}（{e['date']}）")
    nxt = data["next_stage"]
    if nxt:
        lines.append(f"进入下一阶段“{nxt['stage_label']}”的前置条件：")
        for c in nxt["prerequisites"]:
            lines.append(
                f"  [{'✓' if c['met'] else '✗'}] {c['label']}" + ("" if c["met"] else f" — {c['message']}")
            )
    lines.append("可执行操作：" + "、".join(EVENT_LABELS[e] for e in data["allowed_events"]))
    if data["transitions"]:
        lines.append("最近变更：")
        lines += [f"  {_transition(t)}" for t in data["transitions"]]
    return "\n".join(lines) + "\n"


def _transition(t: dict[str, Any]) -> str:
    move = f"{t['from_label'] or '—'} → {t['to_label']}"
    extra = f"  原因：{t['reason']}" if t["reason"] else ""
    docs = "、".join(f"{e['kind']} {e['doc_no']}" for e in t["evidence"])
    return f"{t['on']}  {t['ref']:<6} {t['event_label']} {move}  {t['actor']}{extra}" + (
        f"  要件：{docs}" if docs else ""
    )


def history(data: dict[str, Any]) -> str:
    """The audit rows in effective order, each with when it was recorded; an item's progress reports, every
    version."""
    reports = [
        f"进展报送 {r['as_of']} {'指标' + str(r['target']) if r['target'] else '项目'} {r['by']} "
        f"{_version(r)}  （记录于 {r['recorded_local']}）"
        for r in data.get("reports", [])
    ]
    if not data["transitions"] and not reports:
        return f"{data['ref']} 暂无变更记录\n"
    lines = [f"{_transition(t)}  （记录于 {t['recorded_local']}）" for t in data["transitions"]]
    return "\n".join(lines + reports) + "\n"


def _version(report: dict[str, Any]) -> str:
    """2020 年 9 月第 2 版, and 已被替换 when a later version is in force."""
    text = f"{filing_title(report['period'])}第 {report['version']} 版"
    return text + ("，已被替换" if report.get("replaced") else "")


def stage_changed(r: dict[str, Any]) -> str:
    """One line for a successful change, from a flow result."""
    label = EVENT_LABELS[r["event"]]
    docs = (
        "；要件：" + "、".join(f"{e['kind']} {e['doc_no']}" for e in r["evidence"]) if r["evidence"] else ""
    )
    move = f"{Stage[r['from_stage']].label} → {Stage[r['to_stage']].label}"
    line = f"{r['ref']} {r['name']}：{label} {move}（{r['at']}，{r['actor']}）{docs}"
    return f"{line}\n{r['notice']}" if r.get("notice") else line


def due(data: dict[str, Any]) -> str:
    """What falls due in a month, one block per row: what, when, who answers."""
    p = data["programme"]
    head = f"{p['name']}  {_month(data['month'])}到期和已逾期事项（截至 {data['as_of']}）"
    if not data["rows"]:
        return f"{head}\n（本月没有到期或逾期的事项）\n"
    lines = [head, ""]
    for r in data["rows"]:
        if r["kind"] == "project":
            what = f"子项目 {r['ref']} {r['name']}：计划 {r['due_on']} 达到“{r['stage_label']}”，目前“{r['current_stage_label']}”"
        else:
            done = "—" if r["progress"] is None else f"{r['progress'] * 100:.0f}%"
            what = f"指标 {r['ref']} {r['name']}：节点 {r['due_on']} 应完成 {r['expected'] * 100:.0f}%，目前 {done}"
        lines.append(f"【{r['state_label']}】{what}")
        who = f"  第{r['item']}项  牵头部门：{'、'.join(r['lead']) or '—'}  分管领导：{r['leader'] or '—'}"
        contacts = "；".join(
            "".join(
                x
                for x in (c["department"], c["head"] and f" {c['head']}", c["email"] and f" {c['email']}")
                if x
            )
            for c in r["contacts"]
        )
        lines.append(who + (f"  联系人：{contacts}" if contacts else ""))
    return "\n".join(lines) + "\n"


def _month(text: str) -> str:
    year, month = text.split("-")
    return f"{year}年{int(month)}月"
