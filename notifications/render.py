"""Render an outbox row into subject, text and HTML from one Jinja2 environment (HTML autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.notices import NOTICE_TEMPLATES, notice_subject
from states.machine import EVENT_LABELS


@dataclass(frozen=True)
class Rendered:
    """The three parts of an email."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment: autoescape for .html, strict about missing values."""
    return Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def subject_for(kind: str, payload: dict[str, Any]) -> str:
    """【实事项目】第2项 新增老年助餐点 · XX点位：开工 → 完工."""
    if kind == "stage_changed":
        item, project = payload["item"], payload["project"]
        return f"【实事项目】第{item['number']}项 {payload['target']['name']} · {project['name']}：{payload['from'] or '—'} → {payload['to']}"
    if kind == "digest":
        return f"【实事项目】{payload['programme']['name']} {payload['as_of']} 新增慢序时/滞后 {len(payload['entries'])} 项"
    if kind in NOTICE_TEMPLATES:
        return notice_subject(kind, payload)
    if kind == "submission_pending":
        sub = payload["submission"]
        who = sub["department"] or sub["submitted_by"]
        return f"【实事项目】报送 #{sub['id']} 待审核：{who} {sub['kind']} {sub['ref']}"
    if kind in ("submission_approved", "submission_returned"):
        sub = payload["submission"]
        return f"【实事项目】报送 #{sub['id']} {payload['state']}：{sub['kind']} {sub['ref']}"
    raise ValueError(f"unknown email kind {kind}")


def render(kind: str, payload: dict[str, Any], recipient_name: str | None) -> Rendered:
    """Subject, text and HTML for one outbox row."""
    subject = subject_for(kind, payload)
    context = {
        **payload,
        "subject": subject,
        "recipient_name": recipient_name,
        "event_label": EVENT_LABELS.get(payload.get("event", ""), ""),
    }
    env, name = environment(), NOTICE_TEMPLATES.get(kind, kind)
    return Rendered(
        subject=subject,
        text=env.get_template(f"{name}.txt").render(context),
        html=env.get_template(f"{name}.html").render(context),
    )
