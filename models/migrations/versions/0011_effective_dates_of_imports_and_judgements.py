"""Effective dates: an import without a stage date takes effect at the programme's start; judgements get a date.

1. `transitions`: a 导入 (load) row recorded without a stage date carried the day of the import as its
   effective date, so a report of an earlier month saw the project at 立项. Such a row now takes effect
   on 1 January of its programme's year. A load row is taken to have had no stage date when its
   `occurred_on` is the local day it was recorded on and the project's stored date of the stage it
   imported differs. Only `occurred_on` of those rows changes (`recorded_at` keeps the day of the
   import); the append-only trigger is lifted for this one statement and put back.
2. `status_overrides.effective_on`: the day a judgement takes effect (reports and views as of an
   earlier day do not show it); existing rows take the local day they were recorded on.

Downgrade drops `effective_on`; the import rows keep their corrected dates.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from models.settings import get_settings

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIN_LINE = ("approved", "preparation", "construction", "completed", "operating")
SQLITE_TRIGGER = """CREATE TRIGGER transitions_append_only_update BEFORE UPDATE ON transitions
    BEGIN SELECT RAISE(ABORT, '阶段变更记录只可追加，不可修改或删除'); END"""


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()


def _as_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _as_moment(value: object) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _undated_imports(conn: sa.Connection) -> list[dict[str, object]]:
    """The load rows that took the day of the import, with their programme's start."""
    actual = ", ".join(f"p.actual_{code}_on" for code in MAIN_LINE)
    rows = conn.execute(
        sa.text(
            f"SELECT t.id, t.occurred_on, t.recorded_at, t.to_stage, p.suspended_from, g.year, {actual} "
            "FROM transitions t JOIN projects p ON p.id = t.project_id JOIN items i ON i.id = p.item_id "
            "JOIN programmes g ON g.id = i.programme_id WHERE t.source = 'load'"
        )
    ).all()
    out = []
    for row in rows:
        on = _as_date(row.occurred_on)
        reached = row.suspended_from if row.to_stage == "suspended" else row.to_stage
        stage_date = _as_date(getattr(row, f"actual_{reached}_on", None)) if reached in MAIN_LINE else None
        start = date(row.year, 1, 1)
        if on != stage_date and on == _local_day(_as_moment(row.recorded_at)) and on != start:
            out.append({"row_id": row.id, "start": start})
    return out


def _correct_imports() -> None:
    conn = op.get_bind()
    rows = _undated_imports(conn)
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE transitions DISABLE TRIGGER transitions_append_only")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS transitions_append_only_update")
    conn.execute(sa.text("UPDATE transitions SET occurred_on = :start WHERE id = :row_id"), rows)
    if dialect == "postgresql":
        op.execute("ALTER TABLE transitions ENABLE TRIGGER transitions_append_only")
    elif dialect == "sqlite":
        op.execute(SQLITE_TRIGGER)


def _date_judgements() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, created_at FROM status_overrides")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE status_overrides SET effective_on = :day WHERE id = :row_id"),
            [{"row_id": r.id, "day": _local_day(_as_moment(r.created_at))} for r in rows],
        )


def upgrade() -> None:
    _correct_imports()
    with op.batch_alter_table("status_overrides") as batch:
        batch.add_column(sa.Column("effective_on", sa.Date(), nullable=True))
    _date_judgements()
    with op.batch_alter_table("status_overrides") as batch:
        batch.alter_column("effective_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("status_overrides") as batch:
        batch.drop_column("effective_on")
