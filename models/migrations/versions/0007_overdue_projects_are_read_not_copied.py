"""Health snapshots: no more rows per overdue project; the programme row counts them instead.

Which project is overdue on a date is a function of its own row (stage and planned dates) and the
date, so the nightly recomputation no longer copies each overdue project into a snapshot row: it
keeps the count per target (detail "late", as before) and per programme (detail "late_projects"),
and reports and digests read the list from the projects. At a million projects the copies were
about 280,000 rows a night, most of the recomputation's time, and a year of nightly runs would
have kept some hundred million of them. This revision deletes the rows of scope 'project' that
earlier runs wrote; no column changes.

Downgrade restores nothing: the next nightly run of the old code writes the rows of its date again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM health_snapshots WHERE scope = 'project'")


def downgrade() -> None:
    pass
