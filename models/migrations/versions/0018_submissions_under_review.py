"""Departments' submissions reviewed by the office.

1. `programmes.review`: the programme file's `review: true`; a department user's progress report,
   document and stage change then wait as a submission (待审核) until an administrator approves or
   returns it. False for every existing programme: their behaviour is unchanged.
2. `submissions`: one row per submission, with what it asks (JSON), who submitted it and when, who
   approved or returned it and when, the reason of a return and what an approval applied. The office's
   list reads the pending rows of one programme through (programme_id, state).

Downgrade drops the table (the review's audit with it) and the column.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column and the table."""
    # plain ALTER TABLE: a batch copy of programmes on SQLite would lose its lower(code) index
    op.add_column("programmes", sa.Column("review", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('progress', 'evidence', 'stage')", name=op.f("ck_submissions_kind")),
        sa.CheckConstraint("state IN ('pending', 'approved', 'returned')", name=op.f("ck_submissions_state")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_submissions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_submissions_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_submissions_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_index("ix_submissions_programme_state", "submissions", ["programme_id", "state"])


def downgrade() -> None:
    """Drop the table and the column."""
    op.drop_index("ix_submissions_programme_state", table_name="submissions")
    op.drop_table("submissions")
    op.drop_column("programmes", "review")
