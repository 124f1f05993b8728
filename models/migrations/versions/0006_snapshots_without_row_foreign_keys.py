"""Health snapshots: no foreign keys to items, targets and projects; no single-column indexes.

Health snapshots are derived data: the nightly recomputation deletes a programme's rows for a date and
writes them again, nothing edits them, and the application never deletes an item, target or project
(only a whole programme, whose snapshots still go with it through programme_id ON DELETE CASCADE).
On PostgreSQL each foreign key is a trigger that looks up the referenced row once per inserted row:
at 100,000 projects the checks of item_id, target_id and project_id took about 0.8 s of the 1.35 s
spent writing the overdue-project snapshots, more than the rest of the recomputation. Those three
columns stay as plain integers. The indexes on programme_id and on as_of are dropped too: every
query on the table filters on programme_id (and as_of), which the unique index on
(programme_id, as_of, scope, ref) already serves, so they only cost an index insertion per row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 18:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCES = (("item_id", "items"), ("target_id", "targets"), ("project_id", "projects"))


def upgrade() -> None:
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        for name, table in REFERENCES:
            batch_op.drop_constraint(batch_op.f(f"fk_health_snapshots_{name}_{table}"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_health_snapshots_programme_id"))
        batch_op.drop_index(batch_op.f("ix_health_snapshots_as_of"))


def downgrade() -> None:
    with op.batch_alter_table("health_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_snapshots_as_of"), ["as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_health_snapshots_programme_id"), ["programme_id"], unique=False)
        for name, table in REFERENCES:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_health_snapshots_{name}_{table}"), table, [name], ["id"], ondelete="CASCADE"
            )
