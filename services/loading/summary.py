"""What a programme load changed, and the field-by-field update every part of the load uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.loading.plan import Change


@dataclass
class LoadSummary:
    """What a load changed (or would change, on a dry run)."""

    programme: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    logged: int = 0

    def count(self, kind: str, created: bool) -> None:
        """Count one created or updated row of a kind."""
        book = self.created if created else self.updated
        book[kind] = book.get(kind, 0) + 1

    @property
    def destructive(self) -> list[Change]:
        """The changes that empty, shorten or drop data (refused unless accepted)."""
        return [c for c in self.changes if c.destructive]

    @property
    def changed(self) -> bool:
        """True when anything was (or would be) written."""
        return bool(self.created or self.updated)


def assign(obj: Any, fields: dict[str, Any]) -> bool:
    """Set only the fields whose value differs; return True when anything changed."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
