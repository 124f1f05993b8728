"""`items.category` and `items.tier`: the 主要任务 group an item is published under and its tier (省, 市, 区 …).

Both are optional words from the programme file; tables group items by category (merged cells in Excel)
and print the tier beside them. Existing items have neither.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two nullable columns."""
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("category", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("tier", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("items") as batch:
        batch.drop_column("tier")
        batch.drop_column("category")
