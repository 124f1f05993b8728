"""A large synthetic programme, generated set-based in SQL: for the nightly benchmark and the crash test.

Reproducible (a fixed integer hash of each project's position, no random state): by default the issue's city
shape, 320 items (16 districts × 20) × 3 targets, with PROJECTS / 960 projects per target, on SQLite or
PostgreSQL (then ANALYZE there, as autovacuum would). Importable as `bench.synthetic` (the tests use it).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, text

from models import Programme
from models.db import Database

# the city: 16 districts × ~20 items; 3 targets an item, as the seed's items have 1 to 5
ITEMS, TARGETS = 320, 3
AS_OF = date(2020, 9, 30)
CODE = "synthetic-2020"
SERIES = "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < :count) "
# stage from the hash's top bits: 10 % 立项, 15 % 前期, 30 % 开工, 25 % 完工, 15 % 运营, 3 % 暂停, 2 % 终止
PROJECTS_SQL = (
    SERIES
    + """
INSERT INTO projects (item_id, target_id, number, name, quantity, stage, version, planned_completed_on,
                      updated_at)
SELECT item_id, target_id, number, '点位' || k, 1,
       CASE WHEN u < 10 THEN 'approved' WHEN u < 25 THEN 'preparation' WHEN u < 55 THEN 'construction'
            WHEN u < 80 THEN 'completed' WHEN u < 95 THEN 'operating' WHEN u < 98 THEN 'suspended'
            ELSE 'cancelled' END,
       1, {planned}, CURRENT_TIMESTAMP
FROM (SELECT item_id, target_id, number, k, (g * 2654435761) % 4294967296 * 100 / 4294967296 AS u,
             (g * 2246822519 + 3266489917) % 4294967296 % 181 AS d
      FROM (SELECT t.item_id, t.id AS target_id, (t.position - 1) * :count + k AS number, k,
                   ((i.number - 1) * :targets + t.position - 1) * :count + k + :seed * 7919 AS g
            FROM targets t JOIN items i ON t.item_id = i.id, n WHERE i.programme_id = :pid) AS h) AS x
"""
)
# the audit trail as a load and a week of work leave it: an import row per project (1 January), and for
# one project in a hundred a move on MOVED_ON, a few days before AS_OF (the nights before it replay those)
MOVED_ON = date(2020, 9, 27)
_AUDIT = """
INSERT INTO transitions (project_id, event, from_stage, to_stage, actor, occurred_on, recorded_at, evidence, source)
SELECT id, '{event}', {before}, stage, '合成', :{on}, CURRENT_TIMESTAMP, '[]', '{source}' FROM projects{where}
"""
AUDIT_SQL = (
    _AUDIT.format(event="load", before="NULL", on="start", source="load", where=""),
    _AUDIT.format(
        event="advance", before="'approved'", on="moved", source="cli", where=" WHERE id % 100 = 7"
    ),
    "UPDATE projects SET changed_on = CASE WHEN id % 100 = 7 THEN :moved ELSE :start END",
)
PLANNED = {
    "sqlite": "date('2020-06-30', '+' || d || ' days')",
    "postgresql": "DATE '2020-06-30' + CAST(d AS integer)",
}


def generate(
    db: Database, projects: int, items: int = ITEMS, targets: int = TARGETS, seed: int = 2020
) -> int:
    """Insert the synthetic programme (items × targets, projects spread evenly), set-based; its project count."""
    per_target = max(1, projects // (items * targets))
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        values = {"code": CODE, "name": "合成计划", "year": 2020, "created_at": AS_OF}
        pid = conn.execute(insert(Programme).values(**values)).inserted_primary_key[0]
        conn.execute(
            text(
                SERIES + "INSERT INTO items (programme_id, number, title) SELECT :pid, k, '项目' || k FROM n"
            ),
            {"count": items, "pid": pid},
        )
        conn.execute(
            text(
                SERIES
                + "INSERT INTO targets (item_id, position, name, quantity, unit, bound, counting_stage, phrases)"
                " SELECT i.id, k, '指标' || k, :planned, '个', 'exact', 'completed', '{}'"
                " FROM items i, n WHERE i.programme_id = :pid"
            ),
            {"count": targets, "pid": pid, "planned": per_target},
        )
        sql = PROJECTS_SQL.format(planned=PLANNED[dialect])
        conn.execute(text(sql), {"count": per_target, "pid": pid, "seed": seed, "targets": targets})
        for audit in AUDIT_SQL:  # every project's import row; one in a hundred moved in the last week
            conn.execute(text(audit), {"start": date(2020, 1, 1), "moved": MOVED_ON})
        if dialect == "postgresql":
            conn.execute(text("ANALYZE"))
        return conn.execute(text("SELECT count(*) FROM projects")).scalar_one()


# 督办单: one department per item (with an address, so the nightly check queues its emails), and `count`
# open notices on every (projects / count)-th project, in the three open states, their reply deadlines
# spread over the twenty days around AS_OF so that each night of the benchmark turns some yellow or red
DEPARTMENTS_SQL = """
INSERT INTO departments (district, name, is_group, email)
SELECT '', '部门' || i.number, false, 'dept' || i.number || '@synthetic.example' FROM items i WHERE i.programme_id = :pid
"""
NOTICES_SQL = """
INSERT INTO notices (programme_id, item_id, project_id, department_id, state, finding, requirement, reply_days,
                     issued_on, due_on, issued_by, version, updated_at)
SELECT :pid, p.item_id, p.id, d.id,
       CASE p.id % 3 WHEN 0 THEN 'issued' WHEN 1 THEN 'signed' ELSE 'returned' END,
       '进度滞后', '倒排工期', 5, :issued, {due}, '合成', 1, CURRENT_TIMESTAMP
FROM projects p JOIN items i ON p.item_id = i.id JOIN departments d ON d.name = '部门' || i.number
WHERE i.programme_id = :pid AND p.id % :every = 0 AND p.id <= :last
"""
DUE = {
    "sqlite": "date('2020-09-20', '+' || (p.id / :every % 20) || ' days')",
    "postgresql": "DATE '2020-09-20' + CAST(p.id / :every % 20 AS integer)",
}


def generate_notices(db: Database, count: int) -> int:
    """Insert `count` open notices on the synthetic programme's projects, set-based; how many were made."""
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        pid = conn.execute(text("SELECT id FROM programmes WHERE code = :c"), {"c": CODE}).scalar_one()
        projects = conn.execute(text("SELECT count(*) FROM projects")).scalar_one()
        every = max(1, projects // max(count, 1))
        conn.execute(text(DEPARTMENTS_SQL), {"pid": pid})
        params = {"pid": pid, "every": every, "last": every * count, "issued": date(2020, 9, 1)}
        conn.execute(text(NOTICES_SQL.format(due=DUE[dialect])), params)
        if dialect == "postgresql":
            conn.execute(text("ANALYZE notices"))
        return conn.execute(text("SELECT count(*) FROM notices")).scalar_one()
