"""Use case: load or update a programme from a checked programme file, in one transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Department, Item, ItemDepartment, Person, Programme, Project, Subscription, Target
from services.errors import BadInput, require_name
from services.loading.changelog import record_changes
from services.loading.checks import project_numbers
from services.loading.errors import ChangesRefused
from services.loading.fields import department_fields, item_fields, programme_fields
from services.loading.members import apply_members, held_members
from services.loading.parts import apply_item_reports, apply_project, apply_target_fields
from services.loading.people import apply_people
from services.loading.plan import Change, plan_changes
from services.loading.reader import ProgrammeFile
from services.loading.records import Records, current_records, wanted_records
from services.loading.schema import DepartmentSpec, ItemSpec, ProgrammeSpec
from services.loading.summary import LoadSummary, assign
from services.unit_of_work import UnitOfWork
from states.periods import programme_start


def load_programme(
    uow: UnitOfWork,
    file: ProgrammeFile,
    actor: str,
    today: date,
    dry_run: bool = False,
    accept_changes: bool = False,
) -> LoadSummary:
    """Create or update the programme of a file; commit once, or roll back on a dry run.

    The changes are planned first; when any would empty or shorten stored data and the user did not
    accept them, ChangesRefused is raised before anything is written. Applied changes are logged.
    """
    session = uow.session
    actor = require_name(actor)
    spec = file.spec
    existing = _find_programme(session, spec.programme.code)
    departments = _district_departments(session, spec.programme.district)
    changes = plan_changes(_current(session, spec, existing, departments), wanted_records(spec))
    destructive = [c.line() for c in changes if c.destructive]
    if destructive and not (accept_changes or dry_run):
        raise ChangesRefused(destructive, len(changes) - len(destructive))
    if existing is None:  # a first load: its rows are counted, not listed
        changes = [c for c in changes if c.kind != "added"]
    summary = LoadSummary(spec.programme.code, dry_run=dry_run, changes=changes)
    programme = _apply(session, file, existing, departments, summary, actor)
    if not dry_run:
        session.flush()
        if existing is None:
            changes = [Change(("programme",), "计划", "", None, spec.programme.code, "added"), *changes]
        summary.logged = record_changes(session, programme.id, changes, actor, file.name, file.checksum)
        if not (summary.changed or summary.logged):
            uow.changes_no_page()  # an unchanged file leaves every page, and every row, as it was
        uow.commit()  # a dry run is rolled back when the unit of work closes
    return summary


def _apply(
    session: Session,
    file: ProgrammeFile,
    existing: Programme | None,
    departments: dict[str, Department],
    summary: LoadSummary,
    actor: str,
) -> Programme:
    spec = file.spec
    start = programme_start(spec.programme.year)
    _departments(session, spec.programme.district or "", spec.departments, departments, summary)
    session.flush()
    apply_members(session, spec.departments, departments, summary)
    programme = _programme(session, file, existing, summary)
    items = {i.number: i for i in programme.items}
    for item_spec in spec.items:
        item = items.get(item_spec.number)
        if item is None:
            item = Item(number=item_spec.number, title=item_spec.title, programme=programme)
            session.add(item)
            summary.count("items", created=True)
        _item(session, item, item_spec, departments, summary, actor, start)
    session.flush()
    created, updated = apply_people(session, programme, spec.people, departments)
    if created:
        summary.created["people"] = created
    if updated:
        summary.count("people", created=False)
    if summary.changed and file.checksum:
        programme.source_checksum = file.checksum
    return programme


def _find_programme(session: Session, code: str) -> Programme | None:
    """The programme of a code, whatever its case; a code that differs only in case is refused."""
    programme = session.scalars(
        select(Programme)
        .where(func.lower(Programme.code) == code.lower())
        .options(
            selectinload(Programme.items).selectinload(Item.targets),
            selectinload(Programme.items).selectinload(Item.projects).selectinload(Project.evidence),
            selectinload(Programme.items).selectinload(Item.reports),
        )
    ).one_or_none()
    if programme is not None and programme.code != code:
        raise BadInput(
            f"计划代码“{code}”与已有计划“{programme.code}”仅大小写不同：同一计划请沿用“{programme.code}”，"
            "另一计划请另取代码",
            fields=("code",),
        )
    return programme


def _district_departments(session: Session, district: str | None) -> dict[str, Department]:
    """The district's departments by name: another district's 区民政局 is another department."""
    query = select(Department).where(Department.district == (district or ""))
    return {d.name: d for d in session.scalars(query)}


def held_records(session: Session, spec: ProgrammeSpec) -> Records:
    """What the database holds of what a file names, as plain records (to compare with the file)."""
    departments = _district_departments(session, spec.programme.district)
    return _current(session, spec, _find_programme(session, spec.programme.code), departments)


def _current(
    session: Session, spec: ProgrammeSpec, programme: Programme | None, departments: dict[str, Department]
) -> Records:
    """What the database holds of what the file names: the programme, its departments and people."""
    named = [departments[d.name] for d in spec.departments if d.name in departments]
    emails = {p.email.lower() for p in spec.people}
    people = [p for p in session.scalars(select(Person)) if p.email.lower() in emails]
    subscriptions: list[Subscription] = []
    if programme is not None and people:
        subscriptions = list(
            session.scalars(select(Subscription).where(Subscription.programme_id == programme.id))
        )
    return current_records(programme, named, held_members(session, named), people, subscriptions)


def _departments(
    session: Session,
    district: str,
    specs: list[DepartmentSpec],
    existing: dict[str, Department],
    summary: LoadSummary,
) -> None:
    for spec in specs:
        dept = existing.get(spec.name)
        fields = department_fields(spec)
        if dept is None:
            dept = Department(district=district, name=spec.name, **fields)
            session.add(dept)
            existing[spec.name] = dept
            summary.count("departments", created=True)
        elif assign(dept, fields):
            summary.count("departments", created=False)


def _programme(
    session: Session, file: ProgrammeFile, programme: Programme | None, summary: LoadSummary
) -> Programme:
    head = file.spec.programme
    fields = programme_fields(head)
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
    start: date,
) -> None:
    if assign(item, item_fields(spec)) and item.id is not None:
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
            apply_project(session, item, target, projects, next(numbers), project_spec, summary, actor, start)
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
