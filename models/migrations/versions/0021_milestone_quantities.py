"""`milestones.expected_quantity`: a 节点目标 as an amount in the target's unit (累计完成 20 公里 by 9月).

Bulletins state a month's or quarter's target as an amount ("计划二季度完成演出 20 场"), often for a
target whose year total they do not state. The column is nullable and empty for existing rows; a
programme file fills it, and derives the planned share from it when the target has a quantity.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable column; existing milestones keep their share and name as they were."""
    with op.batch_alter_table("milestones") as batch:
        batch.add_column(sa.Column("expected_quantity", sa.Numeric(precision=18, scale=4), nullable=True))


def downgrade() -> None:
    """Drop the column: milestones keep their share (derived when loaded) but lose the amount's words."""
    with op.batch_alter_table("milestones") as batch:
        batch.drop_column("expected_quantity")
