"""Data revisions: a counter per scope, raised by every committed write, read by the web's page cache."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Revision(Base):
    """How often the data behind one scope has changed: `*` (everything), `p:CODE`, `i:CODE/N`."""

    __tablename__ = "revisions"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
