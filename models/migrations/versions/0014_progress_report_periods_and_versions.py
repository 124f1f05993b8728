"""Periods as data: a programme says which periods it publishes; a progress report belongs to a period and
a second report for the same target and period is a new version.

1. `programmes.periods`: cumulative (1-N月, what every programme published so far), month, quarter or
   snapshot.
2. `progress_reports.period`: the month of the report's date (YYYY-MM: every existing programme is
   cumulative, so its reports are filed monthly); `progress_reports.version`: 1 for a report alone in
   its period, and 1, 2, ... by date (then id) where one target already had several in one month.
3. A unique index on (item, target or 0, period, version).

Downgrade drops the index and the columns; the reports stay, each as its own row.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBERED = """UPDATE progress_reports SET version = (
    SELECT n FROM (
        SELECT id, ROW_NUMBER() OVER (
            PARTITION BY item_id, COALESCE(target_id, 0), period ORDER BY as_of, id
        ) AS n
        FROM progress_reports
    ) numbered WHERE numbered.id = progress_reports.id
)"""


def _month_of_as_of() -> str:
    """SQL for the YYYY-MM of a report's date, in this database's dialect."""
    if op.get_bind().dialect.name == "postgresql":
        return "to_char(as_of, 'YYYY-MM')"
    return "strftime('%Y-%m', as_of)"


def upgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(
            sa.Column("periods", sa.String(length=16), server_default="cumulative", nullable=False)
        )
    with op.batch_alter_table("progress_reports") as batch:
        batch.add_column(sa.Column("period", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.execute(f"UPDATE progress_reports SET period = {_month_of_as_of()}")
    op.execute(NUMBERED)
    with op.batch_alter_table("progress_reports") as batch:
        batch.alter_column("period", existing_type=sa.String(length=10), nullable=False)
    op.create_index(
        "uq_progress_reports_version",
        "progress_reports",
        ["item_id", sa.text("coalesce(target_id, 0)"), "period", "version"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_progress_reports_version", table_name="progress_reports")
    with op.batch_alter_table("progress_reports") as batch:
        batch.drop_column("version")
        batch.drop_column("period")
    # a plain ALTER (SQLite 3.35+): a batch would rebuild the table and lose its lower(code) index
    op.execute("ALTER TABLE programmes DROP COLUMN periods")
