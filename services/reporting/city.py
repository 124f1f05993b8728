"""Use case: a city's roll-up, its programmes of a year summed by district from their latest snapshots."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from models import HealthSnapshot, Item, Programme
from services.errors import BadInput, NotFound
from states.health import DONE as DONE_WORDS
from states.health import LAGGING as LAGGING_WORDS
from states.health import Health

DONE = tuple(sorted(h.name for h in DONE_WORDS))
LAGGING = tuple(sorted(h.name for h in LAGGING_WORDS))
NO_DISTRICT = "（未填区）"
TOTAL = "合计"
COUNTS = ("programmes", "items", "done", "lagging", "uncomputed")


def city_year(session: Session, city: str, year: int | None) -> int:
    """The year asked for, or the latest year of the city's programmes; refuses an unknown city or year."""
    if not city.strip():
        raise BadInput("请给出城市名称", fields=("city",))
    years = list(
        session.scalars(
            select(Programme.year).where(Programme.city == city).distinct().order_by(Programme.year.desc())
        )
    )
    if not years:
        cities = session.scalars(
            select(Programme.city).where(Programme.city.is_not(None)).distinct().order_by(Programme.city)
        )
        raise NotFound(f"未找到城市“{city}”的计划；已有城市：{'、'.join(cities) or '（无）'}")
    if year is None:
        return years[0]
    if year not in years:
        raise NotFound(f"城市“{city}”没有 {year} 年的计划；已有年份：{'、'.join(map(str, years))}")
    return year


def city_rollup(
    session: Session, city: str, year: int | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Per programme, per district and for the city: items, done, lagging, from snapshots on or before `as_of`."""
    city = city.strip()
    year = city_year(session, city, year)
    programmes = [_programme(row) for row in session.execute(programme_rows(city, year, as_of)).mappings()]
    programmes.sort(key=lambda p: (p["district"] == NO_DISTRICT, p["district"], p["code"]))
    districts: dict[str, list[dict[str, Any]]] = {}
    for p in programmes:
        districts.setdefault(p["district"], []).append(p)
    return {
        "city": city,
        "year": year,
        "as_of": as_of.isoformat() if as_of else None,
        "programmes": programmes,
        "districts": [_sum(name, rows) for name, rows in districts.items()],
        "total": _sum(TOTAL, programmes),
    }


def snapshot_dates(row: dict[str, Any]) -> str:
    """`2020-09-30`, a range when the programmes' latest snapshots differ, or — when there is none."""
    first, last = row["first_snapshot"], row["last_snapshot"]
    if not last:
        return "—"
    return last if first == last else f"{first}～{last}"


def programme_rows(city: str, year: int, as_of: date | None) -> Select[Any]:
    """One row per programme of the city and year: its items and, at its latest snapshot, done and lagging."""
    bound = [HealthSnapshot.as_of <= as_of] if as_of else []
    latest = (
        select(HealthSnapshot.programme_id, func.max(HealthSnapshot.as_of).label("day"))
        .where(HealthSnapshot.scope == "programme", *bound)
        .group_by(HealthSnapshot.programme_id)
        .subquery()
    )
    items = select(Item.programme_id, func.count().label("n")).group_by(Item.programme_id).subquery()
    whole = aliased(HealthSnapshot)
    item = aliased(HealthSnapshot)
    at_latest = [item.programme_id == Programme.id, item.as_of == latest.c.day, item.scope == "item"]
    return (
        select(
            Programme.code,
            Programme.name,
            Programme.district,
            func.coalesce(items.c.n, 0).label("items"),
            latest.c.day,
            whole.status,
            func.coalesce(func.sum(case((item.status.in_(DONE), 1), else_=0)), 0).label("done"),
            func.coalesce(func.sum(case((item.status.in_(LAGGING), 1), else_=0)), 0).label("lagging"),
        )
        .outerjoin(items, items.c.programme_id == Programme.id)
        .outerjoin(latest, latest.c.programme_id == Programme.id)
        .outerjoin(
            whole,
            and_(whole.programme_id == Programme.id, whole.as_of == latest.c.day, whole.scope == "programme"),
        )
        .outerjoin(item, and_(*at_latest))
        .where(Programme.city == city, Programme.year == year)
        .group_by(
            Programme.id,
            Programme.code,
            Programme.name,
            Programme.district,
            items.c.n,
            latest.c.day,
            whole.status,
        )
    )


def _programme(row: Any) -> dict[str, Any]:
    computed = row["day"] is not None
    return {
        "code": row["code"],
        "name": row["name"],
        "district": row["district"] or NO_DISTRICT,
        "programmes": 1,
        "items": int(row["items"]),
        "done": int(row["done"]),
        "lagging": int(row["lagging"]),
        "uncomputed": 0 if computed else 1,
        "status": row["status"],
        "status_label": Health[row["status"]].label if row["status"] else None,
        "snapshot": row["day"].isoformat() if computed else None,
    }


def _sum(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    days = sorted(r["snapshot"] for r in rows if r["snapshot"])
    return {
        "district": name,
        **{key: sum(r[key] for r in rows) for key in COUNTS},
        "first_snapshot": days[0] if days else None,
        "last_snapshot": days[-1] if days else None,
    }
