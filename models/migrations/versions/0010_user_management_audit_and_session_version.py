"""User management: an audit of changes to logins, and a session version that ends sessions at once.

1. `users.session_version` (0 for every existing login): stamped into each session cookie and each
   remembered HTTP Basic login; disabling a user or resetting a password increments it, so every
   session and cached login of that user stops working on its next request.
2. `user_changes`: one row per change to a login (add, disable, enable, set_role, reset_password)
   with the user's name at the time, a description, who made it, from where (cli, web, api) and when.

Downgrade drops both; the audit of user changes is lost.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "user_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('add', 'disable', 'enable', 'set_role', 'reset_password')",
            name=op.f("ck_user_changes_action"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_changes")),
    )
    op.create_index(op.f("ix_user_changes_user_id"), "user_changes", ["user_id"])
    op.create_index(op.f("ix_user_changes_changed_at"), "user_changes", ["changed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_changes_changed_at"), table_name="user_changes")
    op.drop_index(op.f("ix_user_changes_user_id"), table_name="user_changes")
    op.drop_table("user_changes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
