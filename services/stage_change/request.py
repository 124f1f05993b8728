"""A stage-change request as an entry point sends it, what a change did, and the request's own checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.errors import BadInput, require_name
from states.prerequisites import EvidenceFact
from states.stages import Stage

MAX_DOC_NO = 200

EvidenceInput = EvidenceFact  # a document named by a user is the fact the rules check


@dataclass(frozen=True)
class StageChange:
    """A request to fire one event on one project, with the stage and version the person saw."""

    ref: str
    event: str
    actor: str
    to: Stage | None = None
    reason: str | None = None
    evidence: tuple[EvidenceInput, ...] = ()
    at: date | None = None
    expected_stage: Stage | None = None
    expected_version: int | None = None
    actor_is_admin: bool = True
    source: str = "cli"
    programme: str | None = None
    request_id: str | None = None
    base_url: str | None = None
    submission_id: int | None = None  # a department's submission this change approves (待审核)
    approved_by: str | None = None  # the administrator approving it


@dataclass(frozen=True)
class StageChanged:
    """What a successful change did."""

    ref: str
    name: str
    event: str
    from_stage: Stage
    to_stage: Stage
    at: date
    actor: str
    transition_id: int
    version: int
    evidence: list[dict[str, str]] = field(default_factory=list)
    programme: str = ""  # the programme's code: whose report the change touches
    notice: str | None = None  # a warning for the person: the change is dated inside a published period


def check_evidence_text(ev: EvidenceFact) -> None:
    """Refuse an empty or over-long 文号 before anything is written."""
    if not ev.doc_no.strip() or len(ev.doc_no) > MAX_DOC_NO:
        raise BadInput(f"请写明文号，不超过 {MAX_DOC_NO} 字", fields=("doc_no",))


def check_request_text(request: StageChange) -> None:
    """The request's free text: a person's name and each document's 文号."""
    require_name(request.actor)
    for ev in request.evidence:
        check_evidence_text(ev)


def to_wire(request: StageChange) -> dict[str, object]:
    """The request as JSON-ready values (stages by code, dates as ISO text), for another process."""
    return {
        **{name: getattr(request, name) for name in _PLAIN},
        "to": request.to.code if request.to else None,
        "expected_stage": request.expected_stage.code if request.expected_stage else None,
        "at": request.at.isoformat() if request.at else None,
        "evidence": [[e.kind, e.doc_no, e.issued_on.isoformat()] for e in request.evidence],
    }


def from_wire(data: dict[str, object]) -> StageChange:
    """The request `to_wire` gave, rebuilt."""
    to, expected, at = data["to"], data["expected_stage"], data["at"]
    evidence = data["evidence"]
    assert isinstance(evidence, list)
    return StageChange(
        **{name: data[name] for name in _PLAIN},  # type: ignore[arg-type]
        to=Stage[str(to)] if to else None,
        expected_stage=Stage[str(expected)] if expected else None,
        at=date.fromisoformat(str(at)) if at else None,
        evidence=tuple(EvidenceInput(k, n, date.fromisoformat(d)) for k, n, d in evidence),
    )


_PLAIN = (
    "ref",
    "event",
    "actor",
    "reason",
    "expected_version",
    "actor_is_admin",
    "source",
    "programme",
    "request_id",
    "base_url",
    "submission_id",
    "approved_by",
)
