"""Schedule health: dated snapshots of the nightly recomputation, and status overrides.

Transitions get a request id, so a retried flow task never applies one request twice.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:04:46.824669
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN and a unique index: no table rebuild, so the append-only triggers stay
    op.add_column("transitions", sa.Column("request_id", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_transitions_request_id"), "transitions", ["request_id"], unique=True)
    op.create_table(
        "status_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_status_overrides_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_overrides")),
    )
    with op.batch_alter_table("status_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_overrides_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "health_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("planned", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("achieved", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("progress", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("expected", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("computed_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_health_snapshots_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_health_snapshots_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_health_snapshots_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_health_snapshots_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_snapshots")),
        sa.UniqueConstraint(
            "programme_id", "as_of", "scope", "ref", name=op.f("uq_health_snapshots_programme_id")
        ),
    )
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_snapshots_as_of"), ["as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_health_snapshots_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_transitions_request_id"), table_name="transitions")
    op.drop_column("transitions", "request_id")  # SQLite 3.35+ drops a column in place
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_snapshots_programme_id"))
        batch_op.drop_index(batch_op.f("ix_health_snapshots_as_of"))

    op.drop_table("health_snapshots")
    with op.batch_alter_table("status_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_overrides_programme_id"))

    op.drop_table("status_overrides")
