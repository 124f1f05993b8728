"""A migrated, empty Prefect database kept once per user and Prefect version, to start new local servers fast.

A local Prefect server on a fresh data directory spends about half its start creating its SQLite
database (Prefect's migrations). The first server started for a user and a Prefect version leaves a
consistent copy of its database, taken before any run is recorded, in the user's cache folder
(`$XDG_CACHE_HOME/shishi`, or `~/.cache/shishi`; `SHISHI_CACHE_DIR` overrides); a server on a fresh
data directory starts from that copy, and Prefect then finds its migrations already applied. Nothing
of a data directory's runs is ever copied, and a server whose database is configured elsewhere
(`PREFECT_API_DATABASE_CONNECTION_URL`) is left alone.
"""

from __future__ import annotations

import os
import sqlite3
from importlib.metadata import version
from pathlib import Path

DATABASE = "prefect.db"


def cache_dir() -> Path:
    """Where the templates are kept."""
    configured = os.environ.get("SHISHI_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "shishi"


def template_path() -> Path:
    """The template of the installed Prefect version."""
    return cache_dir() / f"prefect-{version('prefect')}.db"


def applies() -> bool:
    """True when the server keeps its runs in the default SQLite file of its PREFECT_HOME."""
    return not os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")


def seed(home: Path) -> bool:
    """Give a fresh home the template's database; True when it was copied."""
    target, template = home / DATABASE, template_path()
    if not applies() or target.exists() or not template.is_file():
        return False
    _copy(template, target)
    return True


def keep(home: Path) -> None:
    """Keep the home's freshly migrated database as the template, unless there is one already."""
    source, template = home / DATABASE, template_path()
    if not applies() or template.exists() or not source.is_file():
        return
    template.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, template)


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (a server may be writing to it), moved into place whole."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    partial.replace(target)
