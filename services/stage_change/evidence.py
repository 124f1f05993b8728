"""Use case: record a document (要件) for a project, outside any stage change."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Evidence, Project
from services.errors import BadInput, require_name
from services.refs import parse_ref, resolve_programme, resolve_project
from services.stage_change.request import EvidenceInput, check_evidence_text
from services.unit_of_work import UnitOfWork
from states.prerequisites import kind_label


def record_evidence(
    uow: UnitOfWork,
    ref_text: str,
    evidence: EvidenceInput,
    actor: str,
    today: date,
    programme_code: str | None = None,
) -> bool:
    """Record a document for a project; False when the same kind and 文号 was already there."""
    added = add_evidence(uow, ref_text, evidence, actor, today, programme_code)
    uow.commit()
    return added


def add_evidence(
    uow: UnitOfWork,
    ref_text: str,
    evidence: EvidenceInput,
    actor: str,
    today: date,
    programme_code: str | None = None,
) -> bool:
    """`record_evidence` within a caller's unit of work, which commits (an approval's)."""
    project = check_evidence(uow.session, ref_text, evidence, actor, today, programme_code, lock=True)
    # no list shows a document: only its project's page
    uow.changes_project(project.item.programme.code, f"{project.item.number}.{project.number}")
    if any(e.kind == evidence.kind and e.doc_no == evidence.doc_no for e in project.evidence):
        return False
    project.evidence.append(
        Evidence(kind=evidence.kind, doc_no=evidence.doc_no, issued_on=evidence.issued_on, recorded_by=actor)
    )
    uow.session.flush()
    return True


def check_evidence(
    session: Session,
    ref_text: str,
    evidence: EvidenceInput,
    actor: str,
    today: date,
    programme_code: str | None = None,
    lock: bool = False,
) -> Project:
    """The document's checks, and the project it is for (locked when asked)."""
    if evidence.issued_on > today:
        raise BadInput(f"要件日期 {evidence.issued_on} 晚于今天 {today}")
    check_evidence_text(evidence)
    require_name(actor, "登记人")
    programme = resolve_programme(session, programme_code)
    return resolve_project(session, programme, parse_ref(ref_text), lock=lock)


def describe_evidence(ev: EvidenceInput) -> str:
    """`施工许可 长建〔2020〕8号 (2020-08-01)` style text."""
    return f"{kind_label(ev.kind)} {ev.doc_no}（{ev.issued_on}）"
