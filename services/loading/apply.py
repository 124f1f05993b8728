"""Use case: load or update a programme from a checked programme file, in one transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Department, Item, ItemDepartment, Programme, Project, Target
from services.errors import BadInput, require_name
from services.loading.checks import project_numbers
from services.loading.parts import apply_item_reports, apply_project, apply_target_fields
from services.loading.people import apply_people
from services.loading.reader import ProgrammeFile
from services.loading.schema import DepartmentSpec, ItemSpec
from services.loading.summary import LoadSummary, assign
from services.unit_of_work import UnitOfWork


def load_programme(
    uow: UnitOfWork, file: ProgrammeFile, actor: str, today: date, dry_run: bool = False
) -> LoadSummary:
    """Create or update the programme of a file; commit once, or roll back on a dry run."""
    session = uow.session
    require_name(actor)
    spec = file.spec
    summary = LoadSummary(spec.programme.code, dry_run=dry_run)
    departments = _departments(session, spec.programme.district or "", spec.departments, summary)
    programme = _programme(session, file, summary)
    items = {i.number: i for i in programme.items}
    for item_spec in spec.items:
        item = items.get(item_spec.number)
        if item is None:
            item = Item(number=item_spec.number, title=item_spec.title, programme=programme)
            session.add(item)
            summary.count("items", created=True)
        _item(session, item, item_spec, departments, summary, actor, today)
    session.flush()
    created, updated = apply_people(session, programme, spec.people, departments)
    if created:
        summary.created["people"] = created
    if updated:
        summary.count("people", created=False)
    for number in sorted(set(items) - {i.number for i in spec.items}):
        summary.warnings.append(f"第{number}项不在文件中，已保留（不会删除已有记录）")
    if summary.changed and file.checksum:
        programme.source_checksum = file.checksum
    if not dry_run:
        uow.commit()  # a dry run is rolled back when the unit of work closes
    return summary


def _departments(
    session: Session, district: str, specs: list[DepartmentSpec], summary: LoadSummary
) -> dict[str, Department]:
    """The district's departments by name: another district's 区民政局 is another department."""
    existing = {d.name: d for d in session.scalars(select(Department).where(Department.district == district))}
    for spec in specs:
        dept = existing.get(spec.name)
        fields = {"is_group": spec.group, "head": spec.head, "email": spec.email}
        if dept is None:
            dept = Department(district=district, name=spec.name, **fields)
            session.add(dept)
            existing[spec.name] = dept
            summary.count("departments", created=True)
        elif assign(dept, fields):
            summary.count("departments", created=False)
    return existing


def _programme(session: Session, file: ProgrammeFile, summary: LoadSummary) -> Programme:
    head = file.spec.programme
    fields = {
        "name": head.name,
        "year": head.year,
        "district": head.district,
        "city": head.city,
        "issuer": head.issuer,
        "office_email": head.office_email,
    }
    programme = session.scalars(
        select(Programme)
        .where(func.lower(Programme.code) == head.code.lower())
        .options(
            selectinload(Programme.items).selectinload(Item.targets),
            selectinload(Programme.items).selectinload(Item.projects).selectinload(Project.evidence),
            selectinload(Programme.items).selectinload(Item.reports),
        )
    ).one_or_none()
    if programme is not None and programme.code != head.code:
        raise BadInput(
            f"计划代码“{head.code}”与已有计划“{programme.code}”仅大小写不同：同一计划请沿用“{programme.code}”，"
            "另一计划请另取代码",
            fields=("code",),
        )
    if programme is None:
        programme = Programme(code=head.code, **fields)
        session.add(programme)
        summary.count("programmes", created=True)
    elif assign(programme, fields):
        summary.count("programmes", created=False)
    return programme


def _item(
    session: Session,
    item: Item,
    spec: ItemSpec,
    departments: dict[str, Department],
    summary: LoadSummary,
    actor: str,
    today: date,
) -> None:
    if assign(item, {"title": spec.title, "leader": spec.leader}) and item.id is not None:
        summary.count("items", created=False)
    _roles(item, spec, departments, summary, is_new=item.id is None)
    targets = {t.position: t for t in item.targets}
    projects = {p.number: p for p in item.projects}
    numbers = iter(project_numbers(spec))
    for position, target_spec in enumerate(spec.targets, start=1):
        target = targets.get(position)
        if target is None:
            target = Target(position=position, name=target_spec.name)
            item.targets.append(target)
            apply_target_fields(target, target_spec)
            session.flush()
            summary.count("targets", created=True)
        elif apply_target_fields(target, target_spec):
            summary.count("targets", created=False)
        for project_spec in target_spec.projects:
            apply_project(session, item, target, projects, next(numbers), project_spec, summary, actor, today)
        apply_item_reports(item, target, target_spec.reports, summary)
    apply_item_reports(item, None, spec.reports, summary)


def _roles(
    item: Item, spec: ItemSpec, departments: dict[str, Department], summary: LoadSummary, is_new: bool
) -> None:
    wanted = [("lead", n) for n in spec.lead] + [("cooperating", n) for n in spec.cooperating]
    current = {(d.role, d.department.name): d for d in item.departments}
    if list(current) == wanted:
        return
    for key, row in current.items():
        if key not in wanted:
            item.departments.remove(row)
    for position, (role, name) in enumerate(wanted):
        row = current.get((role, name))
        if row is None:
            item.departments.append(
                ItemDepartment(role=role, department=departments[name], position=position)
            )
        else:
            row.position = position
    if not is_new:
        summary.count("item departments", created=False)
