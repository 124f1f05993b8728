"""`department_members`: the member offices of a group department (各街镇 → 新华路街道, 江苏路街道 …).

A member office's users read and act on the items its group leads or cooperates on. A department may
belong to several groups (各街镇 and 相关街镇); the pair is the key, and the member column is indexed
for the access query, which starts from the user's department.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the link table; no group has members until a programme file lists them."""
    op.create_table(
        "department_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["departments.id"],
            name=op.f("fk_department_members_group_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["departments.id"],
            name=op.f("fk_department_members_member_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_department_members")),
    )
    op.create_index(op.f("ix_department_members_member_id"), "department_members", ["member_id"])


def downgrade() -> None:
    """Drop the table: member offices become plain departments again (their users see their own items)."""
    op.drop_index(op.f("ix_department_members_member_id"), table_name="department_members")
    op.drop_table("department_members")
