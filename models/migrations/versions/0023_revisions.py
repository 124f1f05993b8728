"""`revisions`: one counter per scope of data, raised in the same transaction as every committed write.

The web's page cache keeps a page's data with the counters it was read under and reads them again (one
statement) before serving it: a write from any process, the CLI's included, makes the next read fresh.
Keys: `*` for everything, `p:CODE` for a programme's items, `i:CODE/N` for one item and its projects.
A counter starts at a random number, so a database made anew never repeats the counters of an old one.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "revisions",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_revisions")),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("revisions")
