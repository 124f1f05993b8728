"""A programme's report style: the published family (A–F), title pattern, kind and template folder.

`programmes.report_style` holds the programme file's `report:` mapping as JSON; NULL keeps the
default (family F, the title 关于{类别}{期间}推进情况). Downgrade drops the column.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE: a batch copy of programmes on SQLite would lose its lower(code) index
    op.add_column("programmes", sa.Column("report_style", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("programmes", "report_style")
