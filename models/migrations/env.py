"""Alembic environment: runs on the connection handed over by `models.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from models import Base
from models.settings import get_settings

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run the migrations online, on the given connection or the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().effective_database_url
    engine = create_engine(url)
    with engine.begin() as conn:
        _migrate(conn)
    engine.dispose()


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
