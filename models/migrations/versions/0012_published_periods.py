"""Published periods: a period's report files and figures, stored once, never updated or deleted.

1. `published_reports`: one row per published version of a programme's period (2020-09 version 1, 2…):
   the day its report is built as of (`period_end`), who published it, when, the reason of a new
   version, the figures per item and target, and a sha256 checksum over the figures and every file.
2. `published_report_files`: the bytes of each file of a version (Markdown, HTML, Word, Excel).

Both are append-only, as the audit trail is: triggers refuse UPDATE and DELETE.

Downgrade drops both tables and their triggers; the published versions are lost.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "已发布的报告只可追加新版本，不可修改或删除"
TABLES = ("published_reports", "published_report_files")


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_append_only_{name} BEFORE {name.upper()} ON {table}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        for name in ("update", "delete")
    ]


POSTGRES_FUNCTION = f"""CREATE FUNCTION published_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"""


def _postgres_trigger(table: str) -> str:
    return f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION published_append_only()"""


def upgrade() -> None:
    op.create_table(
        "published_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_published_reports_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_reports")),
        sa.UniqueConstraint(
            "programme_id", "period", "version", name=op.f("uq_published_reports_programme_id")
        ),
    )
    op.create_index("ix_published_reports_programme_end", "published_reports", ["programme_id", "period_end"])
    op.create_table(
        "published_report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_report_id"],
            ["published_reports.id"],
            name=op.f("fk_published_report_files_published_report_id_published_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_report_files")),
        sa.UniqueConstraint(
            "published_report_id",
            "kind",
            "format",
            name=op.f("uq_published_report_files_published_report_id"),
        ),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            op.execute(_postgres_trigger(table))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS published_append_only()")
    op.drop_table("published_report_files")
    op.drop_index("ix_published_reports_programme_end", table_name="published_reports")
    op.drop_table("published_reports")
