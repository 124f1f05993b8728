"""Revisions 0011 and 0013 on existing data: undated imports move to the programme's start, judgements get
their day, projects the date of their latest change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from models.db import Database
from models.migrate import upgrade
from tests.helpers import all_rows, at_revision

# recorded 2020-10-20 02:00 UTC, 10:00 in Shanghai: the import day is 2020-10-20
RECORDED = "'2020-10-20 02:00:00'"
ROWS = [
    "INSERT INTO programmes (id, code, name, year, created_at) VALUES (1, 'c-2020', 'c', 2020, CURRENT_TIMESTAMP)",
    "INSERT INTO items (id, programme_id, number, title) VALUES (1, 1, 1, 'i')",
    "INSERT INTO targets (id, item_id, position, name, bound, counting_stage, phrases) "
    "VALUES (1, 1, 1, 't', 'exact', 'completed', '{}')",
    "INSERT INTO projects (id, item_id, target_id, number, name, stage, version, updated_at, "
    "actual_construction_on) VALUES "
    "(1, 1, 1, 1, 'undated', 'construction', 1, CURRENT_TIMESTAMP, NULL), "
    "(2, 1, 1, 2, 'dated', 'construction', 1, CURRENT_TIMESTAMP, '2020-10-20'), "
    "(3, 1, 1, 3, 'changed', 'completed', 2, CURRENT_TIMESTAMP, NULL)",
    "INSERT INTO transitions (id, project_id, event, to_stage, actor, occurred_on, recorded_at, evidence, source) "
    f"VALUES (1, 1, 'load', 'construction', 'a', '2020-10-20', {RECORDED}, '[]', 'load'), "
    f"(2, 2, 'load', 'construction', 'a', '2020-10-20', {RECORDED}, '[]', 'load'), "
    f"(3, 3, 'load', 'construction', 'a', '2020-10-20', {RECORDED}, '[]', 'load'), "
    f"(4, 3, 'advance', 'completed', 'a', '2020-10-20', {RECORDED}, '[]', 'cli')",
    "INSERT INTO status_overrides (id, programme_id, ref, status, reason, actor, created_at) "
    "VALUES (1, 1, '1', 'on_track', 'r', 'a', '2020-09-30 17:00:00')",
]


def _at_0010(db: Database) -> None:
    at_revision(db, "0010", ROWS)


def _day(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def test_upgrade_moves_undated_imports_to_the_programme_start_and_dates_judgements(db: Database) -> None:
    _at_0010(db)
    upgrade(db)
    rows = [(i, _day(on)) for i, on in all_rows(db, "SELECT id, occurred_on FROM transitions ORDER BY id")]
    assert rows == [
        (1, date(2020, 1, 1)),  # imported without a stage date: from the programme's start
        (2, date(2020, 10, 20)),  # its stage date was the import day: kept
        (3, date(2020, 1, 1)),
        (4, date(2020, 10, 20)),  # not an import: untouched
    ]
    # 17:00 UTC on 30 September is 1 October in Shanghai
    assert [_day(d) for (d,) in all_rows(db, "SELECT effective_on FROM status_overrides")] == [
        date(2020, 10, 1)
    ]


def test_the_audit_rows_stay_append_only_after_the_upgrade(db: Database) -> None:
    _at_0010(db)
    upgrade(db)
    with db.engine.connect() as conn:
        try:
            conn.execute(text("UPDATE transitions SET actor = 'x' WHERE id = 1"))
            changed = True
        except Exception:
            changed = False
    assert not changed


def test_upgrade_gives_each_project_the_date_of_its_latest_audit_row(db: Database) -> None:
    _at_0010(db)
    upgrade(db)  # 0011 re-dates the undated imports first; `changed_on` follows the corrected dates
    rows = [(i, _day(on)) for i, on in all_rows(db, "SELECT id, changed_on FROM projects ORDER BY id")]
    assert rows == [(1, date(2020, 1, 1)), (2, date(2020, 10, 20)), (3, date(2020, 10, 20))]
