"""Prepared statements: writes store what `Connection.execute` stores and refuse a statement missing a
column; reads give back what `execute` gives back, and stay visible to whoever listens to the engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Insert,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
    update,
)

from models.db import Database
from services.stage_change._prepared import PreparedRead, PreparedWrite
from services.unit_of_work import UnitOfWork

METADATA = MetaData()
SAMPLES = Table(
    "prepared_samples",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("label", String(20)),
    Column("day", Date),
    Column("at", DateTime(timezone=True)),
    Column("amount", Numeric(18, 4)),
    Column("doc", JSON),
    Column("status", String(10), default="pending"),
)
ROW = {
    "label": "第 1 行",
    "day": date(2020, 9, 30),
    "at": datetime(2020, 10, 1, 8, 30, 0, 0, tzinfo=UTC),  # no microseconds: formats differ there first
    "amount": Decimal("12.5000"),
    "doc": [{"文号": "长民验〔2020〕3号"}],
    "status": "sent",
}


def _insert(keys: frozenset[str]) -> Insert:
    return insert(SAMPLES).values({k: bindparam(k) for k in keys}).returning(SAMPLES.c.id)


@pytest.fixture
def samples(db: Database) -> Iterator[Database]:
    METADATA.create_all(db.engine)
    yield db
    METADATA.drop_all(db.engine)


def _stored(db: Database, row_id: int) -> tuple:
    columns = [c for c in SAMPLES.c if c.name != "id"]
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(*columns).where(SAMPLES.c.id == row_id)).one())


def test_a_prepared_insert_stores_what_execute_stores(samples: Database) -> None:
    with UnitOfWork(samples) as uow:
        by_execute = uow.connection.execute(insert(SAMPLES).returning(SAMPLES.c.id), ROW).scalar_one()
        prepared = PreparedWrite(_insert).run(uow.connection, ROW).scalar_one()
        uow.commit()
    assert _stored(samples, prepared) == _stored(samples, by_execute)
    label, day, _at, amount, doc, status = _stored(samples, prepared)
    assert (label, day, amount, doc, status) == ("第 1 行", ROW["day"], ROW["amount"], ROW["doc"], "sent")


def test_a_prepared_update_reports_its_row_count_and_many_rows_go_in_one_call(samples: Database) -> None:
    change = PreparedWrite(
        lambda keys: (
            update(SAMPLES)
            .where(SAMPLES.c.label == bindparam("old"))
            .values({k: bindparam(k) for k in keys if k != "old"})
        )
    )
    with UnitOfWork(samples) as uow:
        PreparedWrite(lambda keys: insert(SAMPLES).values({k: bindparam(k) for k in keys})).run(
            uow.connection, [ROW, {**ROW, "label": "第 2 行"}]
        )
        assert change.run(uow.connection, {"old": "第 2 行", "amount": Decimal("3.25")}).rowcount == 1
        assert change.run(uow.connection, {"old": "没有这一行", "amount": Decimal("1")}).rowcount == 0
        uow.commit()
    with samples.engine.connect() as conn:
        amounts = dict(conn.execute(select(SAMPLES.c.label, SAMPLES.c.amount)).all())
    assert amounts == {"第 1 行": Decimal("12.5000"), "第 2 行": Decimal("3.2500")}


def test_a_prepared_insert_missing_a_defaulted_column_is_refused_before_anything_is_sent(
    samples: Database,
) -> None:
    without_status = {k: v for k, v in ROW.items() if k != "status"}
    with samples.write_connection() as conn, pytest.raises(ValueError, match="status"):
        PreparedWrite(_insert).run(conn, without_status)
    with samples.engine.connect() as conn:
        assert conn.execute(select(SAMPLES.c.id)).first() is None


READ_BACK = PreparedRead(
    select(SAMPLES.c.label, SAMPLES.c.day, SAMPLES.c.amount, SAMPLES.c.doc, func.count().over().label("rows"))
    .where(SAMPLES.c.label == bindparam("label"))
    .order_by(SAMPLES.c.id)
    .limit(1)
)


def _two_rows(samples: Database) -> None:
    with UnitOfWork(samples) as uow:
        uow.connection.execute(insert(SAMPLES), [ROW, {**ROW, "day": date(2020, 10, 1)}])
        uow.commit()


def test_a_prepared_read_gives_back_the_types_execute_gives_back(samples: Database) -> None:
    _two_rows(samples)
    with UnitOfWork(samples) as uow:
        expected = uow.connection.execute(READ_BACK._statement, {"label": "第 1 行"}).one()._asdict()
        got = READ_BACK.rows(uow.connection, {"label": "第 1 行"})
        missing = READ_BACK.rows(uow.connection, {"label": "没有这一行"})
    assert got == [expected]
    assert got[0]["day"] == date(2020, 9, 30) and got[0]["amount"] == Decimal("12.5000")
    assert got[0]["doc"] == ROW["doc"] and got[0]["rows"] == 2
    assert missing == []


def test_a_prepared_read_is_seen_by_the_engines_execute_events(samples: Database) -> None:
    _two_rows(samples)
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(samples.engine, "before_cursor_execute", listener)
    try:
        with UnitOfWork(samples) as uow:
            rows = READ_BACK.rows(uow.connection, {"label": "第 1 行"})
    finally:
        event.remove(samples.engine, "before_cursor_execute", listener)
    assert [r["label"] for r in rows] == ["第 1 行"]
    assert any("FROM prepared_samples" in sql for sql in seen)
