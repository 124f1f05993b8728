"""Revision 0014 on existing data: each progress report is assigned the period of its date, as version 1."""

from __future__ import annotations

from sqlalchemy import text

from models.db import Database
from models.migrate import upgrade
from tests.helpers import all_rows, at_revision

ROWS = [
    "INSERT INTO programmes (id, code, name, year, created_at) VALUES (1, 'c-2020', 'c', 2020, CURRENT_TIMESTAMP)",
    "INSERT INTO items (id, programme_id, number, title) VALUES (1, 1, 1, 'i')",
    "INSERT INTO targets (id, item_id, position, name, bound, counting_stage, phrases) "
    "VALUES (1, 1, 1, 't', 'exact', 'completed', '{}')",
    "INSERT INTO progress_reports (id, item_id, target_id, as_of, approximate, figures, reported_by, recorded_at) "
    "VALUES (1, 1, 1, '2020-09-30', false, '[]', 'a', CURRENT_TIMESTAMP), "
    "(2, 1, 1, '2020-09-15', false, '[]', 'a', CURRENT_TIMESTAMP), "
    "(3, 1, 1, '2020-10-10', false, '[]', 'a', CURRENT_TIMESTAMP), "
    "(4, 1, NULL, '2020-09-30', false, '[]', 'a', CURRENT_TIMESTAMP), "
    "(5, 1, NULL, '2020-12-31', false, '[]', 'a', CURRENT_TIMESTAMP)",
]


def _at_0013(db: Database) -> None:
    at_revision(db, "0013", ROWS)


def test_upgrade_assigns_each_report_the_month_of_its_date_and_numbers_versions(db: Database) -> None:
    _at_0013(db)
    upgrade(db)
    rows = all_rows(db, "SELECT id, period, version FROM progress_reports ORDER BY id")
    assert rows == [
        (1, "2020-09", 2),  # a second report in September for the same target: version 2, by date
        (2, "2020-09", 1),
        (3, "2020-10", 1),
        (4, "2020-09", 1),  # the item's own report is apart from its target's
        (5, "2020-12", 1),
    ]
    assert all_rows(db, "SELECT periods FROM programmes") == [("cumulative",)]


def test_a_second_row_with_the_same_version_in_a_period_is_refused_after_the_upgrade(db: Database) -> None:
    _at_0013(db)
    upgrade(db)
    with db.engine.connect() as conn:
        try:
            conn.execute(
                text(
                    "INSERT INTO progress_reports (item_id, target_id, as_of, period, version, approximate, "
                    "figures, reported_by, recorded_at) VALUES "
                    "(1, NULL, '2020-09-01', '2020-09', 1, false, '[]', 'b', CURRENT_TIMESTAMP)"
                )
            )
            inserted = True
        except Exception:
            inserted = False
    assert not inserted
