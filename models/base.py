"""Declarative base and shared column types."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Quantity = Numeric(18, 4)
Timestamp = DateTime(timezone=True)


def utcnow() -> datetime:
    """The current time in UTC, for recorded_at columns."""
    return datetime.now(UTC)


def as_quantity(value: Decimal | float | int | str | None) -> Decimal | None:
    """Normalise a quantity to a Decimal without trailing zeros (None stays None)."""
    if value is None:
        return None
    q = Decimal(str(value))
    return q.quantize(Decimal(1)) if q == q.to_integral() else q.normalize()


class Base(DeclarativeBase):
    """Base of every Shishi table."""

    metadata = MetaData(naming_convention=NAMING)
