"""Errors of a programme file, each with its file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.errors import BadInput


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong in a programme file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProgrammeFileError(Exception):
    """A programme file was refused; nothing was written."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ChangesRefused(BadInput):
    """A reload would empty or shorten data the database holds; nothing was written."""

    def __init__(self, destructive: Sequence[str], others: int) -> None:
        self.summary = (
            f"文件与数据库相比有 {len(destructive)} 处会清空或减少已有数据，已拒绝，未写入任何内容；"
            "核对无误后请确认这些变更再导入"
        )
        self.reasons = list(destructive)
        if others:
            self.reasons.append(f"另有 {others} 处新增或更新（试运行可列出全部变更）")
        super().__init__(
            "\n".join([self.summary, *(f"  - {r}" for r in self.reasons)]), fields=("accept_changes",)
        )
