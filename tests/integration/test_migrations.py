"""The Alembic revisions build exactly the schema the models describe, and keep the audit trail append-only."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import Base
from models.db import Database
from models.migrate import alembic_config, current_revision, head_revision, upgrade


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_repeatable_and_downgrade_returns_to_empty(db: Database) -> None:
    assert upgrade(db) == (head_revision(db), head_revision(db))
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert current_revision(db) is None
    assert upgrade(db)[1] == head_revision(db)


@pytest.mark.parametrize("statement", ["UPDATE transitions SET actor = 'x'", "DELETE FROM transitions"])
def test_transitions_refuse_update_and_delete(db: Database, statement: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO programmes (code, name, year, created_at) VALUES ('p', 'p', 2020, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(text("INSERT INTO items (programme_id, number, title) VALUES (1, 1, 't')"))
        conn.execute(
            text(
                "INSERT INTO targets (item_id, position, name, bound, counting_stage, phrases) "
                "VALUES (1, 1, 't', 'exact', 'completed', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO projects (item_id, target_id, number, name, stage, version, updated_at) "
                "VALUES (1, 1, 1, 'p', 'approved', 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO transitions (project_id, event, to_stage, actor, occurred_on, recorded_at, "
                "evidence, source) VALUES (1, 'load', 'approved', 'a', '2020-01-01', CURRENT_TIMESTAMP, "
                "'[]', 'load')"
            )
        )
    with pytest.raises(DBAPIError, match="只可追加"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM transitions")).scalar_one() == "a"
