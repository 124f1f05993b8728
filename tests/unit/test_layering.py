"""The package layering of the design, checked by parsing every import (including those in functions)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Higher imports lower; equal levels (other than the same package) may not import each other.
LEVELS = {
    "admin": 5,
    "flows": 4,
    "reports": 3,
    "notifications": 3,
    "services": 2,
    "models": 1,
    "states": 0,
}
ENTRY_POINT_ONLY = {"typer", "fastapi"}
ORCHESTRATION_ONLY = {"prefect"}
MAY_USE_PREFECT = {"admin", "flows"}
STATES_MAY_USE = {"transitions"}


@dataclass(frozen=True)
class Import:
    """One imported module, with where it was imported."""

    module: str
    path: str
    line: int
    names: tuple[str, ...] = ()  # what `from module import ...` names (maybe submodules)
    type_only: bool = False  # under `if TYPE_CHECKING:`, never run

    @property
    def top(self) -> str:
        return self.module.split(".")[0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def module_name(path: Path, root: Path) -> str:
    """Dotted module name of a file below root (a package's __init__ names the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_only(tree: ast.AST) -> set[int]:
    """The ids of the import statements inside `if TYPE_CHECKING:` blocks."""
    out: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
        if name == "TYPE_CHECKING":
            out.update(id(n) for part in node.body for n in ast.walk(part))  # type: ignore[attr-defined]
    return out


def imports_of(source: str, module: str, is_package: bool, where: str) -> list[Import]:
    """Every module an import statement anywhere in the source names, relative ones resolved."""
    found: list[Import] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    tree = ast.parse(source)
    type_only = _type_only(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(
                Import(alias.name, where, node.lineno, type_only=id(node) in type_only)
                for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = tuple(alias.name for alias in node.names)
            found.append(Import(target, where, node.lineno, names, id(node) in type_only))
    return found


def violations(package: str, found: list[Import]) -> list[str]:
    """The layering rules of the design broken by imports made inside `package`."""
    bad = []
    for imp in found:
        top = imp.top
        if top in LEVELS and top != package and LEVELS[top] >= LEVELS[package]:
            bad.append(f"{imp}: {package} may not import {top}")
        if top in ENTRY_POINT_ONLY and package != "admin":
            bad.append(f"{imp}: only admin may import {top}")
        if top in ORCHESTRATION_ONLY and package not in MAY_USE_PREFECT:
            bad.append(f"{imp}: nothing below flows may import {top}")
    return bad


def project_files() -> dict[str, list[Path]]:
    """The .py files of each top-level package that exists."""
    out: dict[str, list[Path]] = {}
    for package in LEVELS:
        folder = ROOT / package
        out[package] = sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    return out


def project_imports() -> dict[str, list[Import]]:
    """Every import of every file of every package."""
    out: dict[str, list[Import]] = {}
    for package, files in project_files().items():
        found: list[Import] = []
        for path in files:
            name = module_name(path, ROOT)
            rel = str(path.relative_to(ROOT))
            found.extend(imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", rel))
        out[package] = found
    return out


def module_imports() -> dict[str, list[Import]]:
    """Every import of every module of ours, by dotted module name."""
    out: dict[str, list[Import]] = {}
    for files in project_files().values():
        for path in files:
            name = module_name(path, ROOT)
            rel = str(path.relative_to(ROOT))
            out[name] = imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", rel)
    return out


def _ours(name: str, known: set[str]) -> str | None:
    """The module of ours an imported name loads last: the longest known prefix of it."""
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) or None


def import_graph(modules: dict[str, list[Import]]) -> dict[str, set[str]]:
    """Module → the modules of ours it imports when run (imports in functions too; `TYPE_CHECKING` ones not)."""
    known = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, found in modules.items():
        for imp in found:
            if imp.type_only:
                continue
            targets = {f"{imp.module}.{n}" for n in imp.names} & known  # `from package import module`
            if not imp.names or len(targets) < len(imp.names):  # `import x.y`, or names defined in the module
                targets.add(_ours(imp.module, known) or name)
            graph[name] |= targets - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another in a ring (strongly connected, two or more), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


# --- the rule on this codebase ------------------------------------------------------------------


def test_the_scan_sees_the_packages_it_checks() -> None:
    files = project_files()
    assert ROOT / "states" / "machine.py" in files["states"]
    assert files["services"], "no service module found: the scan looks in the wrong place"
    assert files["admin"], "no admin module found: the scan looks in the wrong place"
    found = project_imports()
    assert any(i.top == "states" for i in found["services"])


def test_imports_point_down_the_layers_only() -> None:
    bad = [v for package, found in project_imports().items() for v in violations(package, found)]
    assert bad == []


def test_states_imports_nothing_of_ours() -> None:
    ours = [str(i) for i in project_imports()["states"] if i.top in LEVELS and i.top != "states"]
    assert ours == []


def test_states_uses_only_the_standard_library_and_transitions() -> None:
    outside = [
        str(i)
        for i in project_imports()["states"]
        if i.top not in sys.stdlib_module_names and i.top not in STATES_MAY_USE and i.top != "states"
    ]
    assert outside == []


def test_nothing_outside_admin_imports_typer_or_fastapi() -> None:
    bad = [
        str(i)
        for package, found in project_imports().items()
        if package != "admin"
        for i in found
        if i.top in ENTRY_POINT_ONLY
    ]
    assert bad == []


def test_nothing_below_flows_imports_prefect() -> None:
    bad = [
        str(i)
        for package, found in project_imports().items()
        if package not in MAY_USE_PREFECT
        for i in found
        if i.top == "prefect"
    ]
    assert bad == []


def test_no_modules_of_ours_import_one_another_in_a_ring() -> None:
    graph = import_graph(module_imports())
    assert graph["services.loading.apply"] >= {"services.loading.parts", "services.loading.summary"}
    assert cycles(graph) == []


def test_reports_and_notifications_do_not_import_each_other() -> None:
    found = project_imports()
    assert [str(i) for i in found["reports"] if i.top == "notifications"] == []
    assert [str(i) for i in found["notifications"] if i.top == "reports"] == []


# --- the checker itself catches what it should -----------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("services.stage_change.use_case", "from admin.cli import app\n"),
        ("services.stage_change.use_case", "def f():\n    import flows.nightly\n"),
        (
            "services.stage_change.use_case",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reports import md\n",
        ),
        ("services.stage_change.use_case", "from ...admin import cli\n"),
        ("states.machine", "from models import Project\n"),
        ("states.machine", "from . import x\nfrom services.errors import BadInput\n"),
        ("models.db", "import services\n"),
        ("reports.render", "from notifications.outbox import queue\n"),
        ("notifications.outbox", "import reports.render\n"),
        ("flows.nightly", "from admin.cli.app import app\n"),
        ("services.views.contract", "import typer\n"),
        ("reports.html", "from fastapi import FastAPI\n"),
        ("services.stage_change.use_case", "def f():\n    from prefect import flow\n"),
        ("notifications.smtp", "import prefect.tasks\n"),
        ("models.db", "try:\n    import prefect\nexcept ImportError:\n    pass\n"),
    ],
)
def test_the_checker_reports_a_broken_rule(module: str, source: str) -> None:
    package = module.split(".")[0]
    assert violations(package, imports_of(source, module, False, module)) != []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("admin.cli.app", "import typer\nfrom flows import nightly\nfrom states.stages import Stage\n"),
        ("admin.web", "from fastapi import FastAPI\n"),
        (
            "flows.nightly",
            "from prefect import flow, task\nfrom reports import md\nfrom notifications import x\n",
        ),
        ("reports.md", "from services import queries\nfrom models import Item\n"),
        (
            "services.stage_change.use_case",
            "from .errors import BadInput\nfrom models import Project\nfrom states import machine\n",
        ),
        ("models.project", "from sqlalchemy.orm import Mapped\nfrom states.stages import Stage\n"),
        (
            "states.machine",
            "from transitions import Machine\nfrom states.stages import Stage\nfrom .stages import X\n",
        ),
    ],
)
def test_the_checker_accepts_downward_imports(module: str, source: str) -> None:
    package = module.split(".")[0]
    assert violations(package, imports_of(source, module, False, module)) == []


def test_relative_imports_are_resolved_against_the_package() -> None:
    found = imports_of("from ..models import db\nfrom . import errors\n", "services.sub.mod", False, "x")
    assert [i.module for i in found] == ["services.models", "services.sub"]
    found = imports_of("from .. import states\n", "services.sub", True, "x")
    assert [i.module for i in found] == ["services"]


def _graph(sources: dict[str, str]) -> dict[str, set[str]]:
    return import_graph({m: imports_of(src, m, False, m) for m, src in sources.items()})


def test_the_cycle_checker_reports_a_ring_of_any_length_with_its_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": {"e"}}
    assert cycles(graph) == [["a", "b", "c"], ["e", "f"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []


def test_the_cycle_checker_sees_a_ring_closed_by_an_import_inside_a_function() -> None:
    sources = {
        "services.loading.apply": "from services.loading.parts import apply_project\n",
        "services.loading.parts": "def f():\n    from services.loading import apply\n",
        "services.loading": "",
    }
    assert cycles(_graph(sources)) == [["services.loading.apply", "services.loading.parts"]]


def test_the_cycle_checker_leaves_out_imports_made_for_type_checkers_only() -> None:
    sources = {
        "models.programme": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from models.project import P\n",
        "models.project": "import typing\nif typing.TYPE_CHECKING:\n    from models.programme import I\n",
    }
    assert cycles(_graph(sources)) == []
    sources["models.project"] = "from models.programme import I\n"
    sources["models.programme"] = "from models.project import P\n"
    assert cycles(_graph(sources)) == [["models.programme", "models.project"]]


# --- the CLI does not load Prefect ------------------------------------------------------------------

PROBE = "import admin.cli.app, sys; print('prefect' in sys.modules)"


def _run_probe(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def test_importing_the_cli_does_not_import_prefect() -> None:
    result = _run_probe()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_importing_the_cli_does_not_import_prefect_even_when_it_is_importable(tmp_path: Path) -> None:
    stub = tmp_path / "prefect"
    stub.mkdir()
    (stub / "__init__.py").write_text("", encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tmp_path), str(ROOT), env.get("PYTHONPATH", "")) if p)
    result = _run_probe(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
