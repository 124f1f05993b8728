"""Prerequisites of each stage, declared as data, and the check that lists every unmet one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from states.stages import Stage, parse_stage

EVIDENCE_KINDS: dict[str, str] = {
    "approval": "立项批复",
    "design": "设计方案批复",
    "planning_permit": "规划许可",
    "tender": "招标",
    "permit": "施工许可",
    "start_order": "开工令",
    "acceptance": "竣工验收",
    "fire_acceptance": "消防验收",
    "handover": "交付使用",
    "operating_licence": "运营许可",
    "opening": "开业",
}
_KIND_BY_TEXT = {**{v: k for k, v in EVIDENCE_KINDS.items()}, **{k: k for k in EVIDENCE_KINDS}}
_KIND_BY_TEXT.update(
    {
        "立项": "approval",
        "施工许可证": "permit",
        "竣工验收备案": "acceptance",
        "开园": "opening",
        "交付": "handover",
    }
)


class UnknownEvidenceKind(ValueError):
    """Raised when a text names no known kind of evidence."""

    def __init__(self, text: str) -> None:
        known = "、".join(f"{label}({code})" for code, label in EVIDENCE_KINDS.items())
        super().__init__(f"未知要件类型“{text}”；可用类型：{known}")


def parse_evidence_kind(text: str) -> str:
    """Return the code of an evidence kind given its Chinese label or code."""
    code = _KIND_BY_TEXT.get(str(text).strip())
    if code is None:
        raise UnknownEvidenceKind(str(text))
    return code


def kind_label(code: str) -> str:
    """The Chinese label of an evidence kind code."""
    return EVIDENCE_KINDS.get(code, code)


@dataclass(frozen=True)
class EvidenceFact:
    """A recorded document: its kind code, 文号 and date."""

    kind: str
    doc_no: str
    issued_on: date


@dataclass(frozen=True)
class Requirement:
    """Evidence of any one of `kinds`, dated on or before the stage date."""

    kinds: tuple[str, ...]

    @property
    def label(self) -> str:
        """Chinese description, e.g. 施工许可或开工令."""
        return "或".join(kind_label(k) for k in self.kinds)

    def spec(self) -> str:
        """The text form used in programme files: 施工许可|开工令."""
        return "|".join(kind_label(k) for k in self.kinds)


def parse_requirement(text: str) -> Requirement:
    """Parse `施工许可|开工令` (any of) into a Requirement."""
    parts = [p for p in str(text).split("|") if p.strip()]
    if not parts:
        raise UnknownEvidenceKind(str(text))
    return Requirement(tuple(parse_evidence_kind(p) for p in parts))


RequirementTable = Mapping[Stage, tuple[Requirement, ...]]

DEFAULT_REQUIREMENTS: dict[Stage, tuple[Requirement, ...]] = {
    Stage.approved: (),
    Stage.preparation: (Requirement(("approval",)),),
    Stage.construction: (Requirement(("permit", "start_order")),),
    Stage.completed: (Requirement(("acceptance",)),),
    Stage.operating: (Requirement(("handover", "operating_licence", "opening")),),
}


_DEFAULTS: RequirementTable = MappingProxyType(DEFAULT_REQUIREMENTS)


def requirement_table(overrides: Mapping[str, Iterable[str]] | None) -> RequirementTable:
    """The default table with a target's per-stage overrides applied (stage → list of specs)."""
    if not overrides:
        return _DEFAULTS  # read-only: nothing to build for a target without overrides
    table = dict(DEFAULT_REQUIREMENTS)
    for stage_code, specs in (overrides or {}).items():
        table[parse_stage(stage_code)] = tuple(parse_requirement(s) for s in specs)
    return table


@dataclass(frozen=True)
class Unmet:
    """One prerequisite that is not met, with its Chinese explanation."""

    code: str
    message: str


@dataclass(frozen=True)
class StageRequest:
    """Everything the check needs to judge one move to `target`."""

    current: Stage
    target: Stage
    at: date
    today: date
    current_since: date | None = None
    last_change_on: date | None = None  # the effective date of the project's latest audit row
    evidence: tuple[EvidenceFact, ...] = field(default_factory=tuple)
    requirements: RequirementTable = field(default_factory=lambda: DEFAULT_REQUIREMENTS)


@dataclass(frozen=True)
class Check:
    """One prerequisite of a stage and whether the request meets it."""

    label: str
    met: bool
    message: str = ""


def check(request: StageRequest) -> list[Check]:
    """Judge every prerequisite of the target stage; met and unmet alike, in order."""
    checks = [_evidence_check(request, req) for req in request.requirements.get(request.target, ())]
    checks.append(_not_future(request))
    checks.append(_not_before_previous(request))
    return checks


def unmet(request: StageRequest) -> list[Unmet]:
    """Every prerequisite the request does not meet (empty when it may proceed)."""
    return [Unmet(c.label, c.message) for c in check(request) if not c.met]


def _evidence_check(request: StageRequest, req: Requirement) -> Check:
    label = f"要件：{req.label}"
    matching = [e for e in request.evidence if e.kind in req.kinds]
    if not matching:
        return Check(label, False, f"缺少要件：{req.label}（进入“{request.target.label}”前须登记）")
    if all(e.issued_on > request.at for e in matching):
        first = min(matching, key=lambda e: e.issued_on)
        return Check(
            label,
            False,
            f"要件 {kind_label(first.kind)}（{first.doc_no}）日期 {first.issued_on}"
            f" 晚于变更日期 {request.at}",
        )
    return Check(label, True)


def _not_future(request: StageRequest) -> Check:
    label = "变更日期不晚于今天"
    if request.at > request.today:
        return Check(label, False, f"变更日期 {request.at} 晚于今天 {request.today}")
    return Check(label, True)


def _not_before_previous(request: StageRequest) -> Check:
    """A change takes effect no earlier than the current stage's date, nor than the project's latest change.

    So a project's audit rows in effective order are its rows in the order recorded, and its state as of
    today (states.asof) is the one stored.
    """
    label = "变更日期不早于上一阶段日期"
    since, last = request.current_since, request.last_change_on
    if since is not None and request.at < since:
        return Check(label, False, f"变更日期 {request.at} 早于“{request.current.label}”阶段日期 {since}")
    if last is not None and request.at < last:
        return Check(label, False, f"变更日期 {request.at} 早于该子项目上一次变更的生效日期 {last}")
    return Check(label, True)
