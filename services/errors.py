"""Errors a use case raises; entry points turn them into messages and exit codes.

A message names things in Chinese words, never in one door's terms; `fields` names the request fields
concerned (by, reason, doc_no, target…) so each door can add its own: the CLI its flags, the API the names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


class ServiceError(Exception):
    """Base of every error a use case reports to a user."""

    exit_code = 2

    def __init__(self, *args: object, fields: Sequence[str] = ()) -> None:
        super().__init__(*args)
        self.fields = tuple(fields)


class BadInput(ServiceError):
    """The request itself is malformed or names nothing that exists."""

    exit_code = 2


class NotFound(BadInput):
    """A reference (programme, item, project) names nothing."""


class NotInitialised(BadInput):
    """The database has no schema yet."""

    def __init__(self) -> None:
        super().__init__("数据库尚未初始化：请先运行 shishi init")


class SchemaOutOfDate(BadInput):
    """The database's schema is not the one this version of Shishi was built for."""


class Refused(ServiceError):
    """A rule of the engine refuses the request; every reason is listed."""

    exit_code = 1

    def __init__(self, summary: str, reasons: Sequence[str] = (), fields: Sequence[str] = ()) -> None:
        self.summary = summary
        self.reasons = list(reasons)
        lines = [summary, *(f"  - {r}" for r in self.reasons)]
        super().__init__("\n".join(lines), fields=fields)


class Conflict(Refused):
    """Someone else changed the record first; nothing was written."""


class Forbidden(Refused):
    """The logged-in user's role does not allow this; nothing was written."""


MAX_NAME = 100
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks are text


def control_character(value: str) -> str | None:
    """The first control character (NUL, ESC…) of a text as U+0000, or None; tab and line breaks pass."""
    found = CONTROL.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def require_name(value: str, what: str = "操作人", field: str = "by") -> str:
    """A person's or department's name: not empty, at most 100 characters (the column's size), no control."""
    if not value.strip() or len(value) > MAX_NAME:
        raise BadInput(f"{what}不能为空且不超过 {MAX_NAME} 字", fields=(field,))
    if found := control_character(value):
        raise BadInput(f"{what}含有控制字符 {found}", fields=(field,))
    return value.strip()
