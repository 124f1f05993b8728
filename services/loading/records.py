"""Two views of one programme as plain records: what the database holds and what a file says.

A record is keyed by what names it in the file (("item", 2), ("target", 2, 1), ("project", 2, 8)…)
and holds the column values the load writes, so the plan of changes compares plain data.
"""

from __future__ import annotations

from typing import Any

from models import Department, Person, Programme, Subscription
from services.loading.checks import project_numbers
from services.loading.fields import (
    department_fields,
    item_fields,
    milestone_fields,
    programme_fields,
    project_fields,
    report_fields,
    stage_fields,
    target_fields,
)
from services.loading.schema import PersonSpec, ProgrammeSpec, ProjectSpec, ReportSpec
from states.stages import parse_stage

Key = tuple[Any, ...]
Records = dict[Key, dict[str, Any]]


def wanted_records(spec: ProgrammeSpec) -> Records:
    """Every record the file describes, with the values a load would write."""
    out: Records = {("programme",): programme_fields(spec.programme)}
    for dept in spec.departments:
        out[("department", dept.name)] = {**department_fields(dept), "members": sorted(dept.members)}
    for person in spec.people:
        out[("person", person.email.lower())] = {"name": person.name, "follows": _follows(person)}
    for item in spec.items:
        n = item.number
        out[("item", n)] = {
            **item_fields(item),
            "lead": list(item.lead),
            "cooperating": list(item.cooperating),
        }
        numbers = iter(project_numbers(item))
        for position, target in enumerate(item.targets, start=1):
            out[("target", n, position)] = target_fields(target)
            for milestone in target.milestones:
                out[("milestone", n, position, milestone.period)] = milestone_fields(milestone, target)
            for project in target.projects:
                stage = parse_stage(project.stage).code
                fields = {**project_fields(project), "target": position, "stage": stage}
                out[("project", n, next(numbers))] = {**fields, **stage_fields(project)}
            for report in target.reports:
                out[("report", n, position, report.as_of)] = report_fields(report, item.lead[0])
        for report in item.reports:
            out[("report", n, None, report.as_of)] = report_fields(report, item.lead[0])
    return out


def current_records(
    programme: Programme | None,
    departments: list[Department],
    members: dict[str, list[str]],
    people: list[Person],
    subscriptions: list[Subscription],
) -> Records:
    """Every record the database holds for the same keys (a programme's rows, named departments with
    their members' names, people)."""
    out: Records = {}
    for dept in departments:
        fields = {f: getattr(dept, f) for f in ("is_group", "head", "email")}
        out[("department", dept.name)] = {**fields, "members": members.get(dept.name, [])}
    names = {d.id: d.name for d in departments}
    for person in people:
        follows = sorted(
            _follow(s.item_number, names.get(s.department_id or 0), s.events)
            for s in subscriptions
            if s.person_id == person.id
        )
        out[("person", person.email.lower())] = {"name": person.name, "follows": follows}
    if programme is None:
        return out
    out[("programme",)] = {f: getattr(programme, f) for f in _FIELDS["programme"]}
    for item in programme.items:
        n = item.number
        out[("item", n)] = {
            "title": item.title,
            "leader": item.leader,
            "category": item.category,
            "tier": item.tier,
            "lead": item.department_names("lead"),
            "cooperating": item.department_names("cooperating"),
        }
        positions = {t.id: t.position for t in item.targets}
        for target in item.targets:
            out[("target", n, target.position)] = target.as_dict()
            for m in target.milestones:
                out[("milestone", n, target.position, m.period)] = {
                    f: getattr(m, f)
                    for f in ("due_on", "expected_ratio", "expected_quantity", "name", "stage", "note")
                }
        for project in item.projects:
            fields = {f: getattr(project, f) for f in _FIELDS["project"]}
            fields.update(target=positions.get(project.target_id), stage=project.stage)
            out[("project", n, project.number)] = fields
        for report in item.reports:
            position = positions.get(report.target_id) if report.target_id is not None else None
            out[("report", n, position, report.as_of)] = {f: getattr(report, f) for f in _FIELDS["report"]}
    return out


def _follows(person: PersonSpec) -> list[tuple[Any, ...]]:
    follows = person.follows
    if follows is None:
        return []
    events = list(follows.events)
    wanted = {_follow(n, None, events) for n in follows.items}
    wanted |= {_follow(None, name, events) for name in follows.departments}
    if follows.programme:
        wanted.add(_follow(None, None, events))
    return sorted(wanted)


def _follow(item: int | None, department: str | None, events: list[str]) -> tuple[Any, ...]:
    """One subscription as plain data; sorts with None first."""
    return (item or 0, department or "", tuple(sorted(events)))


def _sample_fields() -> dict[str, tuple[str, ...]]:
    """The column names each kind of record compares, taken from the field builders themselves."""
    project = ProjectSpec(name="x")
    return {
        "programme": (
            *("name", "year", "district", "city", "issuer", "office_email", "periods", "status_rules"),
            "public",
            "review",
            "report_style",
        ),
        "project": tuple({**project_fields(project), **stage_fields(project)}),
        "report": tuple(report_fields(ReportSpec.model_validate({"as_of": "2020-01-01"}), "x")),
    }


_FIELDS = _sample_fields()
STAGE_FIELDS = frozenset(stage_fields(ProjectSpec(name="x")))
