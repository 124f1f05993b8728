"""The baseline of bench/stage_changes.py: one advance written by hand with the driver (sqlite3 or psycopg).

Same transaction, same reads (the project locked with its evidence, target and the target's progress;
the recipients) and the same writes (stage and date, audit row, one outbox row per recipient) as
`services.stage_change.use_case.change_stage`, with the checks this benchmark's data needs.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from models.db import SQLITE_BUSY_TIMEOUT_S

LOCK = """
SELECT p.id, p.name, p.quantity, p.stage, p.version, p.actual_construction_on, i.id, i.number, i.title,
       i.leader, g.id, g.name, g.office_email, t.name, t.quantity, t.unit, t.requirements,
       (SELECT coalesce(sum(o.quantity), 0) FROM projects o WHERE o.target_id = p.target_id AND o.id != p.id
          AND o.stage IN ('completed', 'operating')),
       e.kind, e.doc_no, e.issued_on
FROM projects p JOIN items i ON p.item_id = i.id JOIN programmes g ON i.programme_id = g.id
JOIN targets t ON p.target_id = t.id LEFT JOIN evidence e ON e.project_id = p.id
WHERE g.code = ? AND i.number = ? AND p.number = ? ORDER BY e.issued_on, e.id
"""
AUDIENCE = """
SELECT 0, l.position, d.email, coalesce(d.head, d.name), l.role, d.id, NULL, NULL
FROM item_departments l JOIN departments d ON l.department_id = d.id WHERE l.item_id = ?
UNION ALL
SELECT 1, s.id, p.email, p.name, NULL, s.department_id, s.item_number, s.events
FROM subscriptions s JOIN people p ON s.person_id = p.id WHERE s.programme_id = ?
UNION ALL
SELECT 2, p.id, p.email, p.name, NULL, NULL, NULL, NULL FROM people p WHERE p.name = ?
"""
UPDATE = """
UPDATE projects SET stage = 'completed', suspended_from = NULL, stage_phrase = NULL, stage_reason = NULL,
       actual_completed_on = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?
"""
TRANSITION = """
INSERT INTO transitions (project_id, event, from_stage, to_stage, actor, occurred_on, recorded_at, evidence,
                         source) VALUES (?, 'advance', 'construction', 'completed', 'bench', ?, ?, ?, 'cli')
RETURNING id
"""
OUTBOX = """
INSERT INTO outbox (dedupe_key, kind, recipient, recipient_name, payload, status, attempts, created_at,
                    next_attempt_at) VALUES (?, 'stage_changed', ?, ?, ?, 'pending', 0, ?, ?)
"""


class Plain:
    """A driver connection and the hand-written advance, in the driver's dialect."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(
                url.split(":///", 1)[1], isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_S
            )
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
                self.conn.execute(f"PRAGMA {pragma}")  # the PRAGMAs of the app's engine (models/db.py)
            self.conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            self.sql = {"lock": LOCK, "audience": AUDIENCE, "update": UPDATE, "transition": TRANSITION}
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
            lock = LOCK.replace("ORDER BY e.issued_on, e.id", "ORDER BY e.issued_on, e.id FOR UPDATE OF p")
            self.sql = {
                name: sql.replace("?", "%s")
                for name, sql in {
                    "lock": lock,
                    "audience": AUDIENCE,
                    "update": UPDATE,
                    "transition": TRANSITION,
                }.items()
            }
        self.outbox = OUTBOX if self.sqlite else OUTBOX.replace("?", "%s")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def advance(self, code: str, item: int, number: int, today: date) -> None:
        """One advance by hand, in one transaction."""
        sql, cur = self.sql, self.conn.cursor()
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")  # psycopg begins on the first statement, as the app's engine does
        rows = cur.execute(sql["lock"], (code, item, number)).fetchall()
        first = rows[0]
        pid, name, quantity, stage, version, since, item_id, item_no, title, leader, prog_id = first[:11]
        prog_name, office, target_name, planned, unit, requirements, others = first[11:18]
        at = today.isoformat() if self.sqlite else today
        docs = [(r[19], r[20]) for r in rows if r[18] == "acceptance" and r[20] <= at]
        if stage != "construction" or requirements or not docs or since > at:
            raise RuntimeError("the plain loop refuses")
        audience = sorted(cur.execute(sql["audience"], (item_id, prog_id, leader)).fetchall(), key=_first_two)
        people = _recipients(audience, item_no, office, self.sqlite)
        now: Any = datetime.now(UTC)
        if self.sqlite:
            now = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        cur.execute(sql["update"], (at, version + 1, now, pid, version))
        used = [{"kind": "竣工验收", "doc_no": d, "issued_on": str(on)} for d, on in docs]
        transition = cur.execute(sql["transition"], (pid, at, now, json.dumps(used))).fetchone()[0]
        achieved = others + quantity
        payload = {
            "programme": {"code": code, "name": prog_name},
            "item": {"number": item_no, "title": title},
            "project": {"ref": f"{item_no}.{number}", "name": name},
            "event": "advance",
            "from": "开工",
            "to": "完工",
            "actor": "bench",
            "on": str(at),
            "reason": None,
            "evidence": used,
            "target": {
                "name": target_name,
                "planned": int(planned),
                "achieved": int(achieved),
                "unit": unit,
                "ratio": float(achieved / planned),
            },
            "link": None,
        }
        text = json.dumps(payload)
        rows_out = [(f"stage:{transition}:{e}", e, who, text, now, now) for e, who in people.items()]
        cur.executemany(self.outbox, rows_out)
        self.conn.commit()


def _first_two(row: Any) -> tuple[int, int]:
    return row[0], row[1]


def _recipients(audience: list[Any], item_no: int, office: str, encoded: bool) -> dict[str, str]:
    """Lead departments, subscribers to stage changes, the leader, the office: email → name."""
    people: dict[str, str] = {}
    departments = {r[5] for r in audience if r[0] == 0}
    for source, _, email, who, role, dept, sub_item, events in audience:
        if source == 0 and role != "lead":
            continue
        if source == 1:
            wanted = json.loads(events) if encoded else events
            whole = sub_item is None and dept is None
            if "stage" not in wanted or not (whole or sub_item == item_no or dept in departments):
                continue
        people.setdefault(email.lower(), who)
    people.setdefault(office.lower(), "区实事项目办公室")
    return people
