"""The column values a programme file gives each row: shared by the load and by its plan of changes."""

from __future__ import annotations

from typing import Any

from models.base import as_quantity
from services.loading.schema import (
    DepartmentSpec,
    ItemSpec,
    MilestoneSpec,
    ProgrammeHead,
    ProjectSpec,
    ReportSpec,
    ReportStyleSpec,
    StatusSpec,
    TargetSpec,
)
from states.milestones import milestone_stage
from states.periods import period_end
from states.prerequisites import parse_requirement
from states.rules import make_rules
from states.stages import MAIN_LINE, Stage, parse_stage


def programme_fields(head: ProgrammeHead) -> dict[str, Any]:
    """A programme's columns (its code is its key)."""
    return {
        "name": head.name,
        "year": head.year,
        "district": head.district,
        "city": head.city,
        "issuer": head.issuer,
        "office_email": head.office_email,
        "periods": head.periods,
        "status_rules": status_rules(head.status),
        "public": head.public,
        "review": head.review,
        "report_style": report_style(head.report),
    }


def report_style(spec: ReportStyleSpec | None) -> dict[str, Any] | None:
    """The stored form of a file's `report:` mapping (None: the default style); the family in capitals."""
    if spec is None:
        return None
    style = {
        "family": spec.family.upper(),
        "title": spec.title,
        "kind": spec.kind,
        "templates": spec.templates,
        "unfinished_only": spec.unfinished_only,
    }
    return {k: v for k, v in style.items() if v is not None}


def status_rules(spec: StatusSpec | None) -> dict[str, Any] | None:
    """The stored form of a file's status rules (None: the default); ValueError when they make no sense."""
    if spec is None:
        return None
    return make_rules(
        spec.basis,
        [(b.behind, b.status) for b in spec.bands],
        spec.unstarted_after,
        spec.early,
        spec.words,
        spec.lights,
        spec.listed_after,
    ).as_json()


def department_fields(spec: DepartmentSpec) -> dict[str, Any]:
    """A department's columns (its name is its key)."""
    return {"is_group": spec.group, "head": spec.head, "email": spec.email}


def item_fields(spec: ItemSpec) -> dict[str, Any]:
    """An item's own columns (its number is its key)."""
    return {"title": spec.title, "leader": spec.leader, "category": spec.category, "tier": spec.tier}


def target_fields(spec: TargetSpec) -> dict[str, Any]:
    """A target's columns (its position in the item is its key)."""
    requires = None
    if spec.requires is not None:
        requires = {
            parse_stage(k).code: [parse_requirement(t).spec() for t in v] for k, v in spec.requires.items()
        }
    return {
        "name": spec.name,
        "quantity": as_quantity(spec.quantity),
        "unit": spec.unit,
        "bound": spec.bound,
        "counting_stage": parse_stage(spec.counts_at).code,
        "noun": spec.noun,
        "phrases": {parse_stage(k).code: v for k, v in spec.phrases.items()},
        "requirements": requires,
        "due_on": spec.due,
    }


def milestone_fields(spec: MilestoneSpec, target: TargetSpec) -> dict[str, Any]:
    """A milestone's columns (its period is its key); a quantity due gives the share when none is written."""
    stage = milestone_stage(spec.name, spec.stage)
    ratio = spec.ratio
    if ratio is None and spec.quantity is not None and target.quantity:
        ratio = round(spec.quantity / target.quantity, 4)
    return {
        "due_on": period_end(spec.period),
        "expected_ratio": as_quantity(ratio),
        "expected_quantity": as_quantity(spec.quantity),
        "name": spec.name,
        "stage": stage.code if stage else None,
        "note": spec.note,
    }


def project_fields(spec: ProjectSpec) -> dict[str, Any]:
    """A project's columns that a reload may change whatever its stage (not its target)."""
    planned: dict[str, Any] = {f"planned_{s.code}_on": None for s in MAIN_LINE if s is not Stage.approved}
    planned.update({f"planned_{parse_stage(k).code}_on": v for k, v in spec.planned.items()})
    planned.pop("planned_approved_on", None)
    return {"name": spec.name, "quantity": as_quantity(spec.quantity), "note": spec.note, **planned}


def stage_fields(spec: ProjectSpec) -> dict[str, Any]:
    """A project's columns that belong to its stage: changed only while the stored stage is the file's."""
    fields: dict[str, Any] = {
        "suspended_from": parse_stage(spec.suspended_from).code if spec.suspended_from else None,
        "stage_phrase": spec.phrase,
        "stage_reason": spec.reason,
    }
    actual = {parse_stage(k): v for k, v in spec.actual.items()}
    fields.update({f"actual_{s.code}_on": actual.get(s) for s in MAIN_LINE})
    return fields


def report_fields(spec: ReportSpec, lead: str) -> dict[str, Any]:
    """A progress report's columns (item, target and date are its key); `lead` reports when `by` is absent."""
    return {
        "achieved": as_quantity(spec.achieved),
        "approximate": spec.approximate,
        "ratio": as_quantity(spec.ratio),
        "note": spec.note,
        "problems": spec.problems,
        "next_steps": spec.next,
        "figures": [
            {
                "label": f.label,
                "value": str(as_quantity(f.value)),
                "unit": f.unit,
                "approximate": f.approximate,
            }
            for f in spec.figures
        ],
        "reported_by": spec.by or lead,
    }
