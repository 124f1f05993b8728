"""Revision 0009 on existing data: shared departments split by district, report rows one per file."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.db import Database
from models.migrate import upgrade
from tests.helpers import all_rows, at_revision, downgrade_to

ROWS = [
    "INSERT INTO programmes (id, code, name, year, district, created_at) VALUES "
    "(1, 'changning-2020', 'c', 2020, '长宁区', CURRENT_TIMESTAMP), "
    "(2, 'xuhui-2020', 'x', 2020, '徐汇区', CURRENT_TIMESTAMP)",
    "INSERT INTO items (id, programme_id, number, title) VALUES (1, 1, 1, 'c1'), (2, 2, 1, 'x1')",
    "INSERT INTO departments (id, name, is_group, email) VALUES (1, '区民政局', false, 'mzj@cn.example'), "
    "(2, '区残联', false, NULL)",
    "INSERT INTO item_departments (item_id, department_id, role, position) VALUES "
    "(1, 1, 'lead', 0), (2, 1, 'lead', 0), (1, 2, 'cooperating', 1)",
    "INSERT INTO people (id, name, email) VALUES (1, '甲', 'a@x.example')",
    "INSERT INTO subscriptions (person_id, programme_id, department_id, events) VALUES (1, 2, 1, '[]')",
    "INSERT INTO users (name, email, role, department_id, password_hash, active, created_at) VALUES "
    "('mzj', 'mzj@u.example', 'department', 1, 'x', true, CURRENT_TIMESTAMP)",
    "INSERT INTO report_files (programme_id, period, kind, format, path, checksum, created_at) VALUES "
    "(1, '2020-09', 'all', 'html', '/r/a.html', 'c1', CURRENT_TIMESTAMP), "
    "(1, '2020-09', 'all', 'html', '/r/a.html', 'c2', CURRENT_TIMESTAMP), "
    "(1, '2020-09', 'all', 'html', '/r/a.html', 'c3', CURRENT_TIMESTAMP)",
]


def _at_0007(db: Database) -> None:
    at_revision(db, "0007", ROWS)
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # the rows above gave their ids: move the sequences on
            for table in ("programmes", "items", "departments", "people"):
                conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT MAX(id) FROM {table}))"))


def test_upgrade_splits_a_department_shared_by_two_districts(db: Database) -> None:
    _at_0007(db)
    upgrade(db)
    assert all_rows(db, "SELECT id, district, name, email FROM departments ORDER BY id") == [
        (1, "长宁区", "区民政局", "mzj@cn.example"),
        (2, "长宁区", "区残联", None),
        (3, "徐汇区", "区民政局", "mzj@cn.example"),
    ]
    links = "SELECT item_id, department_id FROM item_departments ORDER BY item_id, department_id"
    assert all_rows(db, links) == [(1, 1), (1, 2), (2, 3)]
    assert all_rows(db, "SELECT programme_id, department_id FROM subscriptions") == [(2, 3)]
    assert all_rows(db, "SELECT department_id FROM users") == [(1,)]


def test_upgrade_keeps_one_report_row_per_path_with_the_checksum_before(db: Database) -> None:
    _at_0007(db)
    upgrade(db)
    assert all_rows(db, "SELECT path, checksum, previous_checksum FROM report_files") == [
        ("/r/a.html", "c3", "c2")
    ]


def test_downgrade_merges_the_copies_back_into_one_department(db: Database) -> None:
    _at_0007(db)
    upgrade(db)
    downgrade_to(db, "0007")
    assert all_rows(db, "SELECT id, name FROM departments ORDER BY id") == [(1, "区民政局"), (2, "区残联")]
    assert all_rows(db, "SELECT department_id FROM subscriptions") == [(1,)]


def test_upgrade_stops_on_codes_that_differ_only_in_case(db: Database) -> None:
    _at_0007(db)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO programmes (code, name, year, created_at) "
                "VALUES ('Changning-2020', 'c', 2020, CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(RuntimeError, match="changning-2020"):
        upgrade(db)
