"""How a quantity is written, in the reports, the CLI and the web alike: the number beside its unit, no space."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def number(value: Any) -> str:
    """A quantity as printed: 250, 5.6, 11.875 (no trailing zeros, no exponent, no thousands separator)."""
    if value is None:
        return ""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def amount(value: Any, unit: str | None = "", about: str | None = None) -> str:
    """3500 场 about 余 → 3500余场; 100 张 about 近 → 近100张; no space anywhere; '' for an unknown value."""
    if value is None:
        return ""
    unit = (unit or "").strip()
    if about in ("近", "超", "约"):
        return f"{about}{number(value)}{unit}"
    if about == "余":
        return f"{number(value)}余{unit}"
    return f"{number(value)}{unit}"
