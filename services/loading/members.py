"""Part of the programme load: the member offices of group departments (各街镇 → 新华路街道 …)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import DepartmentMember
from models.programme import Department
from services.loading.schema import DepartmentSpec
from services.loading.summary import LoadSummary


def held_members(session: Session, departments: list[Department]) -> dict[str, list[str]]:
    """The member names of each of these departments (one query), sorted; [] for a department without."""
    names = {d.id: d.name for d in departments if d.id is not None}
    out: dict[str, list[str]] = {d.name: [] for d in departments}
    if not names:
        return out
    query = (
        select(DepartmentMember.group_id, Department.name)
        .join(Department, Department.id == DepartmentMember.member_id)
        .where(DepartmentMember.group_id.in_(names))
    )
    for group_id, member in session.execute(query):
        out[names[group_id]].append(member)
    return {name: sorted(members) for name, members in out.items()}


def apply_members(
    session: Session, specs: list[DepartmentSpec], departments: dict[str, Department], summary: LoadSummary
) -> None:
    """Bring the members of every department the file names in line with the file (ids must be flushed)."""
    named = [departments[s.name] for s in specs]
    held = held_members(session, named)
    for spec in specs:
        group = departments[spec.name]
        have, want = set(held[spec.name]), set(spec.members)
        if have == want:
            continue
        gone = [departments[n].id for n in have - want if n in departments]
        if gone:
            session.execute(
                delete(DepartmentMember).where(
                    DepartmentMember.group_id == group.id, DepartmentMember.member_id.in_(gone)
                )
            )
        for name in sorted(want - have):
            session.add(DepartmentMember(group_id=group.id, member_id=departments[name].id))
            summary.count("department members", created=True)
        if gone:  # a member dropped: the group itself changed
            summary.count("departments", created=False)
