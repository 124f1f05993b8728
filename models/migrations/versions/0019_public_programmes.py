"""`programmes.public`: a programme whose file says `public: true` has a login-free, read-only page.

The page and its JSON feed (/public/<code>) show the items with their lights and progress as the latest
published period states them; a programme not marked public answers 404 there. Existing programmes stay
private (false). Lights themselves need no column: their colours live in `programmes.status_rules`.

Downgrade drops the column: every programme is private again.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE: a batch copy of programmes on SQLite would lose its lower(code) index
    op.add_column("programmes", sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("programmes", "public")
