"""Create or upgrade the schema with Alembic (`shishi init`)."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from models.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database) -> tuple[str | None, str]:
    """Upgrade the database to the newest revision; return (before, after)."""
    cfg = alembic_config(db)
    before = current_revision(db)
    with db.write_connection() as conn, warnings.catch_warnings():
        # SQLite's batch migrations reflect tables and cannot reflect the index on lower(code); the
        # revisions that rebuild a table recreate that index themselves, so the warning says nothing
        warnings.filterwarnings("ignore", message=r"Skipped unsupported reflection of expression-based index")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    return before, head_revision(db)


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str:
    """The newest revision shipped with this version of Shishi."""
    head = ScriptDirectory.from_config(alembic_config(db)).get_current_head()
    assert head is not None
    return head


def out_of_date(db: Database) -> str | None:
    """Why the schema is not this version's (older, or made by a newer Shishi); None when it is."""
    script = ScriptDirectory.from_config(alembic_config(db))
    current, head = current_revision(db), script.get_current_head()
    if current == head:
        return None
    if current is not None and current in {rev.revision for rev in script.walk_revisions()}:
        return f"数据库结构为第 {current} 版，本版本需要第 {head} 版：请先备份，再运行 shishi init 升级"
    return (
        f"数据库结构版本“{current}”不是本版本所知（最新为第 {head} 版）：它由更新的 Shishi 创建，请换用该版本"
    )
