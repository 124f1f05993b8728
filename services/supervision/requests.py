"""What a person asks of a notice, and who asks it: plain values the entry points build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.people.users import UserView

MAX_TEXT = 2000
DEFAULT_DAYS = 5
# what the doors call an event → the machine's trigger (`return` is a Python keyword there)
EVENT_NAMES = {
    "sign": "sign",
    "reply": "reply",
    "return": "send_back",
    "send_back": "send_back",
    "close": "close",
}


def event_code(name: str) -> str:
    """The machine's event for a door's name of it (return → send_back); unknown names pass through."""
    return EVENT_NAMES.get(name, name)


@dataclass(frozen=True)
class Actor:
    """Who acts: name, role (admin = the office, department, viewer), department, and through which door."""

    name: str
    role: str
    department_id: int | None = None
    source: str = "cli"

    @property
    def is_admin(self) -> bool:
        """The district office."""
        return self.role == "admin"

    @classmethod
    def office(cls, name: str, source: str = "cli") -> Actor:
        """The office acting on the command line (its operator has the whole database)."""
        return cls(name, "admin", None, source)

    @classmethod
    def of_user(cls, user: UserView, source: str) -> Actor:
        """A logged-in user of the web admin or the API."""
        return cls(user.name, user.role, user.department_id, source)


@dataclass(frozen=True)
class IssueInput:
    """A notice to issue: about item N or project N.M, the finding, the requirement, working days to reply."""

    ref: str
    finding: str
    requirement: str
    days: int = DEFAULT_DAYS
    at: date | None = None
    programme: str | None = None


@dataclass(frozen=True)
class StepInput:
    """A step on a notice: sign, reply (measures, committed date), send_back (reason, days) or close."""

    notice_id: int
    event: str
    at: date | None = None
    measures: str | None = None
    committed_on: date | None = None
    reason: str | None = None
    days: int | None = None
    expected_version: int | None = None
    programme: str | None = None
