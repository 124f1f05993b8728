"""`notices` and `notice_steps`: supervision notices (督办单) and the audit row of each of their steps.

A notice names an item (and maybe one of its projects), the lead department it is sent to, the finding
(发现问题), the requirement (整改要求), and a reply deadline counted in working days. `alert` is what the
nightly check last marked (due_soon or overdue), so each change of it is emailed once. The nightly reads
the open notices by state and deadline: (state, due_on) is indexed for it. A step, once written, is never
changed: a trigger refuses UPDATE on `notice_steps` (rows go only with their notice, by the cascade).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "督办单审计记录只可追加，不可修改"
SQLITE_TRIGGER = f"""CREATE TRIGGER notice_steps_append_only BEFORE UPDATE ON notice_steps
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
POSTGRES_TRIGGER = [
    f"""CREATE FUNCTION notice_steps_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER notice_steps_append_only BEFORE UPDATE ON notice_steps
    FOR EACH ROW EXECUTE FUNCTION notice_steps_append_only()""",
]


def _fk(table: str, column: str, target: str, cascade: bool = True) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE" if cascade else None,
    )


def upgrade() -> None:
    """Create both tables; no notice exists until the office issues one."""
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("reply_days", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("committed_on", sa.Date(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("alert", sa.String(length=16), nullable=True),
        sa.Column("alert_on", sa.Date(), nullable=True),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('issued', 'signed', 'answered', 'returned', 'closed')", name=op.f("ck_notices_state")
        ),
        sa.CheckConstraint(
            "alert IS NULL OR alert IN ('due_soon', 'overdue')", name=op.f("ck_notices_alert")
        ),
        _fk("notices", "programme_id", "programmes"),
        _fk("notices", "item_id", "items"),
        _fk("notices", "project_id", "projects"),
        _fk("notices", "department_id", "departments", cascade=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_programme_id"), "notices", ["programme_id"])
    op.create_index(op.f("ix_notices_item_id"), "notices", ["item_id"])
    op.create_index(op.f("ix_notices_department_id"), "notices", ["department_id"])
    op.create_index("ix_notices_state_due_on", "notices", ["state", "due_on"])
    op.create_table(
        "notice_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        _fk("notice_steps", "notice_id", "notices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_steps")),
    )
    op.create_index(op.f("ix_notice_steps_notice_id"), "notice_steps", ["notice_id"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": [SQLITE_TRIGGER], "postgresql": POSTGRES_TRIGGER}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    """Drop both tables: the notices and their audit go with them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notice_steps_append_only ON notice_steps")
        op.execute("DROP FUNCTION IF EXISTS notice_steps_append_only()")
    op.drop_index(op.f("ix_notice_steps_notice_id"), table_name="notice_steps")
    op.drop_table("notice_steps")
    op.drop_index("ix_notices_state_due_on", table_name="notices")
    op.drop_index(op.f("ix_notices_department_id"), table_name="notices")
    op.drop_index(op.f("ix_notices_item_id"), table_name="notices")
    op.drop_index(op.f("ix_notices_programme_id"), table_name="notices")
    op.drop_table("notices")
