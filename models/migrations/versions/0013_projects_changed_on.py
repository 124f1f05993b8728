"""`projects.changed_on`: the effective date of each project's latest audit row.

"As of a day" replays from the audit trail only the projects changed after that day; with this column
the question "changed after the day?" is read from the project's own row instead of searching the
audit trail for every project of the programme. The stage change writes it together with the audit
row (never earlier: a change may not take effect before the latest one) and the import sets it with
the import row. Existing rows take the latest `occurred_on` of their audit rows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column and fill it from the audit trail, in one statement."""
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("changed_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE projects SET changed_on ="
        " (SELECT max(t.occurred_on) FROM transitions t WHERE t.project_id = projects.id)"
    )


def downgrade() -> None:
    """Drop the column; the audit trail still holds every date."""
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("changed_on")
