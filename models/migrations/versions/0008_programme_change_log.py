"""Programme change log: every change a reload of a programme file applied, with who and when.

A reload now shows what it changes and refuses, unless confirmed, the changes that empty or shorten
data. Each change it applies is one row here (where, which field, old → new, whether it destroyed
data and why), written in the load's own transaction. Rows are only ever added.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("destructive", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_changes_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_changes")),
    )
    with op.batch_alter_table("programme_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_changes_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("programme_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_changes_programme_id"))
    op.drop_table("programme_changes")
