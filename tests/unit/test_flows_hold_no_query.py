"""Flows orchestrate use cases: no module of flows/ builds or runs a query (they live in services/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
QUERY_CALLS = {"select", "execute", "scalars", "scalar", "query"}


def queries_in(source: str, where: str) -> list[str]:
    """Each SQLAlchemy import, `select(...)` and session query call (execute, scalars, ...) in the source."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{where}:{node.lineno} imports {a.name}" for a in node.names if _is_sqlalchemy(a.name)]
        elif isinstance(node, ast.ImportFrom) and _is_sqlalchemy(node.module or ""):
            found.append(f"{where}:{node.lineno} imports from {node.module}")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in QUERY_CALLS:
                found.append(f"{where}:{node.lineno} calls {name}(...)")
    return found


def _is_sqlalchemy(module: str) -> bool:
    return module.split(".")[0] == "sqlalchemy"


def flow_modules() -> list[Path]:
    """Every .py file of flows/."""
    return sorted(p for p in FLOWS.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_scan_sees_the_flow_modules() -> None:
    names = {p.name for p in flow_modules()}
    assert {"nightly.py", "reports.py", "stage.py"} <= names


def test_no_flow_module_queries_the_database() -> None:
    found = [
        q
        for path in flow_modules()
        for q in queries_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import select\n",
        "import sqlalchemy as sa\n",
        "from sqlalchemy.orm import Session\n",
        "def f(session):\n    return session.scalars(q)\n",
        "def f(session):\n    return session.execute(q).all()\n",
        "def f(session):\n    return session.scalar(q)\n",
        "def f(sa):\n    return sa.select(Programme.code)\n",
        "def f():\n    return select(Programme.code)\n",
    ],
)
def test_the_scan_catches_a_query(source: str) -> None:
    assert queries_in(source, "flows/x.py") != []


def test_the_scan_accepts_a_flow_that_calls_a_service() -> None:
    source = (
        '"""Runs select( in a docstring only."""\n'
        "from services.refs import programme_codes_of_year\n"
        "def f(db, year):\n"
        "    with db.read() as session:\n"
        "        return programme_codes_of_year(session, year)\n"
    )
    assert queries_in(source, "flows/x.py") == []
