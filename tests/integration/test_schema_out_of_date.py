"""A server never starts on a database whose schema is older than the code, or made by a newer version."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.db import Database
from models.migrate import current_revision, head_revision, out_of_date
from tests.helpers import cli, downgrade_to


@pytest.mark.parametrize("command", ["web", "serve"])
def test_web_and_serve_refuse_an_older_schema_and_name_shishi_init(
    env: dict[str, str], db: Database, command: str
) -> None:
    head = head_revision(db)
    downgrade_to(db, "0022")
    result = cli(command)
    assert result.exit_code == 2, result.output
    assert "shishi init" in result.output and "0022" in result.output and head in result.output
    assert current_revision(db) == "0022"  # refused: nothing upgraded or written behind the user's back
    assert cli("init").exit_code == 0
    assert out_of_date(db) is None


def test_a_schema_from_a_newer_version_is_refused_as_unknown(env: dict[str, str], db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    result = cli("web")
    assert result.exit_code == 2 and "更新的 Shishi" in result.output, result.output
