"""What the family templates read: gathered report data with each item's and target's facts, and the totals."""

from __future__ import annotations

from typing import Any

from reports.prose.facts import FINISHED, target_facts
from reports.prose.filters import amount, clause, numbers_in, percent, sentence, tidy
from services.reporting.statuses import LAGGING


def item_view(item: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """An item's own words (its notes), its targets' facts, and its row of the schedule table."""
    own = "".join(sentence(n["note"]) for n in item["notes"])
    tail = []
    for note in item["notes"]:
        if note["problems"]:
            problems = clause(note["problems"])
            tail.append(sentence(problems if problems.startswith("存在问题") else "存在问题：" + problems))
        if note["next"]:
            tail.append(sentence(note["next"]))
    figures = [
        tidy(f["label"]) + amount(f["value"], f.get("unit"), "余" if f.get("approximate") else None)
        for note in item["notes"]
        for f in note["figures"]
    ]
    known = own + "".join(tail)
    figures = [f for f in figures if not _stated(f, known)]
    targets = [target_facts(t, own) for t in item["targets"]]
    figures_text = sentence("，".join(figures)) if figures else ""
    return {
        **item,
        "title": clause(item["title"]),
        "own": own,
        "tail": "".join(tail) + figures_text,
        "plans": "".join(tail),  # problems and next steps only
        "figures_text": figures_text,  # the item's reported figures the text does not state
        "targets": targets,
        "row": row or {},
        "heads": "；".join(t["head"] for t in targets),
    }


def _stated(figure: str, text: str) -> bool:
    return numbers_in(figure) <= numbers_in(text)


def lag_reason(item: dict[str, Any], expected: str) -> str:
    """Why an item lags: the office's verdict reason, else its lagging targets' rates (unknown ones left out)
    against 序时."""
    if item["row"].get("verdict_reason"):
        return clause(item["row"]["verdict_reason"])
    behind = [t for t in item["targets"] if t["status"] in LAGGING]
    said = "；".join(
        f"{t['name']}完成{t['rate_text']}" if t["rate_text"] else t["name"] + "进度偏慢" for t in behind
    )
    if expected:
        said += ("，" if said else "") + f"序时进度{expected}"
    return said


def template_context(data: dict[str, Any]) -> dict[str, Any]:
    """The gathered data, with item views and the bulletin's totals (counts, shares, finished and lagging)."""
    rows = {r["number"]: r for r in data["table"]}
    items = [item_view(i, rows.get(i["number"])) for i in data["items"]]
    total = len(items)
    done = [i for i in items if i["row"].get("status_code") in FINISHED]
    lagging = [i for i in items if i["row"].get("status_code") in LAGGING]
    on_track = [i for i in items if i["row"].get("status_code") == "on_track"]
    expected = percent(data.get("expected"))
    for i in items:
        i["lag_reason"] = lag_reason(i, expected) if i in lagging else ""
        i["explain"] = i["lag_reason"] or clause(i["row"].get("verdict_reason"))
    return {
        **data,
        "items": items,
        "programme": data["programme"],
        "totals": {
            "total": total,
            "done": done,
            "lagging": lagging,
            "on_track": on_track,
            "others": total - len(done) - len(lagging),
            "done_share": percent(len(done) / total) if total else "",
            "lagging_share": percent(len(lagging) / total) if total else "",
            "on_track_share": percent(len(on_track) / total) if total else "",
        },
    }
