"""The read models behind the pages and the API send a fixed number of statements, whatever the size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from bench.synthetic import AS_OF, CODE, generate
from models import Programme
from models.db import Database
from services.health.recompute import recompute
from services.people.users import UserView
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from services.views.dashboard import dashboard
from services.views.history import history
from services.views.programme import list_projects, show_item, show_project

ADMIN = UserView(1, "办公室", "office@example.invalid", "admin", None, None)
SMALL, LARGE = "small-2020", "large-2020"


def two_programmes(db: Database) -> None:
    """A small programme (3 items, 1 target, 2 projects each) and a large one (40 items × 3 targets × 12)."""
    for code, items, targets, projects in ((SMALL, 3, 1, 6), (LARGE, 40, 3, 1440)):
        generate(db, projects, items, targets)
        with db.engine.begin() as conn:
            conn.execute(update(Programme).where(Programme.code == CODE).values(code=code))
        with UnitOfWork(db) as uow:
            recompute(uow, resolve_programme(uow.session, code), AS_OF)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements sent to the database inside the block."""
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements(db: Database, read: Callable[[Session, Programme], object]) -> int:
    """How many statements one read sends."""
    with db.read() as session:
        programme = resolve_programme(session, None)  # warm the session; not counted
        with counted(db) as sent:
            read(session, programme)
    return len(sent)


def test_each_page_sends_as_many_statements_for_40_items_as_for_3(db: Database) -> None:
    two_programmes(db)
    reads: dict[str, Callable[[str], Callable[[Session, Programme], object]]] = {
        "dashboard": lambda code: lambda s, _: dashboard(s, ADMIN, code),
        "item": lambda code: lambda s, _: show_item(s, resolve_programme(s, code), 1, AS_OF),
        "project": lambda code: lambda s, _: show_project(s, resolve_programme(s, code), "1.1", AS_OF),
        "history": lambda code: lambda s, _: history(s, "1", code),
        "list": lambda code: lambda s, _: list_projects(s, code, AS_OF),
    }
    small = {name: statements(db, read(SMALL)) for name, read in reads.items()}
    large = {name: statements(db, read(LARGE)) for name, read in reads.items()}
    assert large == small, (small, large)
    assert small["dashboard"] <= 13, (
        small
    )  # 7, the due panel (projects at their stages, milestones, contacts), the earlier periods' lights,
    # the items with an overdue notice, and for the office the count of submissions waiting for review
