"""The web benchmarks' site: the example programme, its schedule health and three logins, in a given database.

Shared by bench/web_load.py (the server under load), bench/web_baseline.py (the same pages rendered from
memory) and bench/web_profile.py (the handlers profiled in-process).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from models import Item, Project
from models.db import Database
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import UserInput, add_user
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2020.yaml"
CODE = "changning-2020"
AS_OF = date(2020, 9, 30)
LOADED_ON = date(2020, 10, 20)
ADMIN = UserInput("办公室", "office@cn.example", "admin", "office-pass-1")
VIEWER = UserInput("督查室", "dc@cn.example", "viewer", "viewer-pass-1")
WRITER = UserInput("民政科", "mz@cn.example", "department", "civil-pass-1", "区民政局")
WRITER_ITEM = 2  # led by 区民政局


@dataclass(frozen=True)
class Paths:
    """What the readers ask for: every item number and every project reference of the programme."""

    items: list[int]
    projects: list[str]
    writer_projects: list[str]


def prepare(db: Database) -> Paths:
    """Load the example, compute its schedule health as of 2020-09-30, add the three logins."""
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, LOADED_ON), "bench", LOADED_ON)
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, CODE), AS_OF)
    for user in (ADMIN, VIEWER, WRITER):
        with UnitOfWork(db) as uow:
            add_user(uow, user)
    return paths(db)


def paths(db: Database) -> Paths:
    """The item numbers and project references of the loaded example."""
    with db.read() as session:
        programme = resolve_programme(session, CODE)
        items = list(session.scalars(select(Item.number).where(Item.programme_id == programme.id)))
        rows = session.execute(
            select(Item.number, Project.number)
            .join(Project, Project.item_id == Item.id)
            .where(Item.programme_id == programme.id)
            .order_by(Item.number, Project.number)
        ).all()
    items.sort()
    projects = [f"{i}.{p}" for i, p in rows]
    return Paths(items, projects, [r for r in projects if r.split(".")[0] == str(WRITER_ITEM)])
