"""Departments by district, programme codes unique in any case, shared login failures, one row per report file.

1. A department belongs to a district: `departments.district` (the `district` of the programmes that
   use it, "" when they name none) and the name is unique per district, not overall. Rows shared
   today by programmes of several districts are split: the row keeps the district of the oldest
   programme that uses it; each other district gets a copy (same head and email, to be corrected by
   loading that district's file), and that district's item_departments and subscriptions are
   repointed to the copy. Web users (`users.department_id`) stay with the kept row. A department no
   programme uses takes the district when all programmes name one and the same, else "".
   Every foreign key to departments is item_departments, subscriptions and users.
2. Programme codes are unique whatever their case (a unique index on lower(code)). The upgrade stops
   with a message naming the codes when two programmes differ only in case: merge or rename one first.
3. `login_failures`: failed logins per account, unknown login text and client address, so every web
   process sees the same lockout.
4. `report_files`: one row per path (the newest kept, the one before it as `previous_checksum`),
   `updated_at` for the last rewrite.

On SQLite the departments table is rebuilt: its old unique name is part of the table. With foreign
keys enforced a table that rows refer to cannot be dropped, so the table is renamed aside (which
points the referring tables at it), built again, the three referring tables rebuilt to point at the
new one, and the old one dropped.

Downgrade merges each name's copies back into its oldest row (repointing the references) before the
name is made unique again; the report history before this revision is not restored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 10:00:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, ON DELETE) of every foreign key to departments.id
REFERRERS = (("item_departments", None), ("subscriptions", "CASCADE"), ("users", None))

USAGE = """
SELECT l.department_id, COALESCE(p.district, ''), MIN(p.id) FROM item_departments l
  JOIN items i ON i.id = l.item_id JOIN programmes p ON p.id = i.programme_id
  GROUP BY l.department_id, COALESCE(p.district, '')
UNION ALL
SELECT s.department_id, COALESCE(p.district, ''), MIN(p.id) FROM subscriptions s
  JOIN programmes p ON p.id = s.programme_id WHERE s.department_id IS NOT NULL
  GROUP BY s.department_id, COALESCE(p.district, '')
"""
OF_DISTRICT = "SELECT id FROM programmes WHERE COALESCE(district, '') = :district"


def upgrade() -> None:
    _refuse_codes_differing_in_case()
    _departments_unique_by(["district", "name"], with_district=True)
    _split_shared_departments()
    op.create_index("ix_programmes_lower_code", "programmes", [sa.text("lower(code)")], unique=True)
    _login_failures()
    _one_row_per_report_file()


def downgrade() -> None:
    with op.batch_alter_table("report_files", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_report_files_path"), type_="unique")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("previous_checksum")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_last_failed_at"))
    op.drop_table("login_failures")
    op.drop_index("ix_programmes_lower_code", table_name="programmes")
    _merge_departments_by_name()
    _departments_unique_by(["name"], with_district=False)


def _refuse_codes_differing_in_case() -> None:
    rows = op.get_bind().execute(
        sa.text("SELECT lower(code) FROM programmes GROUP BY lower(code) HAVING COUNT(*) > 1")
    )
    clashes = [r[0] for r in rows]
    if clashes:
        raise RuntimeError(f"以下计划代码仅大小写不同，请先合并或改名后再升级：{'、'.join(clashes)}")


def _departments_unique_by(columns: list[str], with_district: bool) -> None:
    """Make (district, name) or name unique; add or drop the district column."""
    name = "uq_departments_" + columns[0]
    if op.get_bind().dialect.name != "sqlite":
        old = "uq_departments_name" if with_district else "uq_departments_district"
        if with_district:
            op.add_column("departments", _district_column())
        op.drop_constraint(old, "departments", type_="unique")
        if not with_district:
            op.drop_column("departments", "district")
        op.create_unique_constraint(name, "departments", columns)
        return
    op.execute("ALTER TABLE departments RENAME TO departments_old")
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        *([_district_column()] if with_district else []),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("head", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_departments"),
        sa.UniqueConstraint(*columns, name=name),
    )
    kept = "id, name, is_group, head, email"
    op.execute(f"INSERT INTO departments ({kept}) SELECT {kept} FROM departments_old")
    for table, ondelete in REFERRERS:
        fk = f"fk_{table}_department_id_departments"
        with op.batch_alter_table(table, schema=None, recreate="always") as batch_op:
            batch_op.drop_constraint(fk, type_="foreignkey")
            batch_op.create_foreign_key(fk, "departments", ["department_id"], ["id"], ondelete=ondelete)
    op.drop_table("departments_old")


def _district_column() -> sa.Column:
    return sa.Column("district", sa.String(length=100), server_default="", nullable=False)


def _split_shared_departments() -> None:
    """Give each department the district of its programmes, copying it for every further district."""
    conn = op.get_bind()
    used: dict[int, dict[str, int]] = defaultdict(dict)
    for dept, district, first in conn.execute(sa.text(USAGE)):
        used[dept][district] = min(first, used[dept].get(district, first))
    for dept, districts in used.items():
        ordered = sorted(districts, key=districts.__getitem__)
        conn.execute(
            sa.text("UPDATE departments SET district = :d WHERE id = :id"), {"d": ordered[0], "id": dept}
        )
        for district in ordered[1:]:
            _copy_for(conn, dept, district)
    only = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT COALESCE(district, '') FROM programmes"))]
    if len(only) == 1 and used:
        unused = ", ".join(str(i) for i in used)
        conn.execute(
            sa.text(f"UPDATE departments SET district = :d WHERE id NOT IN ({unused})"), {"d": only[0]}
        )
    elif len(only) == 1:
        conn.execute(sa.text("UPDATE departments SET district = :d"), {"d": only[0]})


def _copy_for(conn: sa.Connection, dept: int, district: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO departments (district, name, is_group, head, email) "
            "SELECT :d, name, is_group, head, email FROM departments WHERE id = :id"
        ),
        {"d": district, "id": dept},
    )
    copy = conn.execute(
        sa.text(
            "SELECT c.id FROM departments c JOIN departments o ON o.name = c.name "
            "WHERE o.id = :id AND c.district = :d"
        ),
        {"d": district, "id": dept},
    ).scalar_one()
    args = {"new": copy, "old": dept, "district": district}
    conn.execute(
        sa.text(
            "UPDATE item_departments SET department_id = :new WHERE department_id = :old "
            f"AND item_id IN (SELECT id FROM items WHERE programme_id IN ({OF_DISTRICT}))"
        ),
        args,
    )
    conn.execute(
        sa.text(
            "UPDATE subscriptions SET department_id = :new WHERE department_id = :old "
            f"AND programme_id IN ({OF_DISTRICT})"
        ),
        args,
    )


def _merge_departments_by_name() -> None:
    """Downgrade: point every reference at the oldest row of each name and delete the copies."""
    conn = op.get_bind()
    copies = conn.execute(
        sa.text(
            "SELECT d.id, k.id FROM departments d JOIN "
            "(SELECT name, MIN(id) AS id FROM departments GROUP BY name) k ON k.name = d.name "
            "WHERE d.id <> k.id"
        )
    ).all()
    for copy, kept in copies:
        for table, _ in REFERRERS:
            conn.execute(
                sa.text(f"UPDATE {table} SET department_id = :kept WHERE department_id = :copy"),
                {"kept": kept, "copy": copy},
            )
        conn.execute(sa.text("DELETE FROM departments WHERE id = :copy"), {"copy": copy})


def _login_failures() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_login_failures_scope")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_last_failed_at"), ["last_failed_at"], unique=False
        )


def _one_row_per_report_file() -> None:
    """Keep the newest row of each path, with the checksum of the row before it as previous_checksum."""
    conn = op.get_bind()
    with op.batch_alter_table("report_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_checksum", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    rows = conn.execute(sa.text("SELECT id, path, checksum FROM report_files ORDER BY path, id")).all()
    by_path: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row_id, path, checksum in rows:
        by_path[path].append((row_id, checksum))
    for versions in by_path.values():
        (newest, _), previous = versions[-1], versions[-2][1] if len(versions) > 1 else None
        conn.execute(
            sa.text("UPDATE report_files SET previous_checksum = :p WHERE id = :id"),
            {"p": previous, "id": newest},
        )
        for old, _ in versions[:-1]:
            conn.execute(sa.text("DELETE FROM report_files WHERE id = :id"), {"id": old})
    op.execute("UPDATE report_files SET updated_at = created_at")
    with op.batch_alter_table("report_files", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_report_files_path"), ["path"])
