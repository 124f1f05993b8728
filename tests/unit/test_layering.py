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


def imports_of(source: str, module: str, is_package: bool, where: str) -> list[Import]:
    """Every module an import statement anywhere in the source names, relative ones resolved."""
    found: list[Import] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, where, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append(Import(target, where, node.lineno))
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
