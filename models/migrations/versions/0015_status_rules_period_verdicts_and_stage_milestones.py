"""A programme's status rules, verdicts for one period, milestones without a share.

1. `programmes.status_rules`: the programme file's status vocabulary and rules (序时 basis, bands,
   未开工 after N months, the words for done and exceeded) as JSON; NULL keeps the default rules.
2. `status_overrides.ends_on`: a verdict given for one period is in force up to the period's end
   only (NULL: until another judgement replaces it, as before).
3. `milestones`: `name` (方案制定, 招标, 开工, 主体完工, 竣工 …) and `stage`, the project stage that
   shows it reached; `expected_ratio` may be NULL for a milestone without a share.

Downgrade drops the new columns; milestones without a share are deleted (the old schema needs one).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE: a batch copy of programmes on SQLite would lose its lower(code) index
    op.add_column("programmes", sa.Column("status_rules", sa.JSON(), nullable=True))
    with op.batch_alter_table("status_overrides") as batch:
        batch.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
    with op.batch_alter_table("milestones") as batch:
        batch.add_column(sa.Column("name", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("stage", sa.String(length=16), nullable=True))
        batch.alter_column("expected_ratio", existing_type=sa.Numeric(precision=18, scale=4), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM milestones WHERE expected_ratio IS NULL")
    with op.batch_alter_table("milestones") as batch:
        batch.alter_column("expected_ratio", existing_type=sa.Numeric(precision=18, scale=4), nullable=False)
        batch.drop_column("stage")
        batch.drop_column("name")
    with op.batch_alter_table("status_overrides") as batch:
        batch.drop_column("ends_on")
    op.drop_column("programmes", "status_rules")
