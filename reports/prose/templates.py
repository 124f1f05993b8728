"""The family template sets (A–F) and a district's own folder over them; rendered text cut into blocks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from reports.prose.context import template_context
from reports.prose.filters import FILTERS, tidy

FAMILIES_DIR = Path(__file__).resolve().parent.parent / "templates" / "families"
FAMILIES = ("A", "B", "C", "D", "E", "F")
DEFAULT_FAMILY = "F"


@lru_cache(maxsize=32)
def environment(family: str = DEFAULT_FAMILY, folder: str | None = None) -> SandboxedEnvironment:
    """Templates of `family` (its folder, then the shared base), with a district's `folder` looked up first."""
    family = family.upper() if family.upper() in FAMILIES else DEFAULT_FAMILY
    loaders: list[BaseLoader] = [FileSystemLoader(folder)] if folder else []
    loaders += [FileSystemLoader(FAMILIES_DIR / family.lower()), FileSystemLoader(FAMILIES_DIR / "base")]
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders), autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(FILTERS)
    return env


def render_text(data: dict[str, Any], name: str) -> str:
    """One template of the programme's family (narrative.md.j2, bulletin.md.j2) rendered with the report's data."""
    style = data.get("style") or {}
    family, folder = style.get("family") or DEFAULT_FAMILY, style.get("templates")
    cache = data.setdefault("_rendered", {})  # md, HTML and DOCX render the same text once
    key = f"{family}|{folder}|{name}"
    if key not in cache:
        cache[key] = environment(family, folder).get_template(name).render(**template_context(data))
    return cache[key]


def cut_blocks(text: str) -> list[tuple[str, str]]:
    """Rendered text as (kind, text): `# ` title, `## ` heading, `> ` closing lines, other paragraphs para."""
    out: list[tuple[str, str]] = []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(">") for line in lines):
            out += [("closing", tidy(line.lstrip("> "))) for line in lines]
        elif lines[0].startswith("#"):
            level = len(lines[0]) - len(lines[0].lstrip("#"))
            kind = "title" if level == 1 else "heading"
            out.append((kind, tidy("".join(lines).lstrip("# "))))
        else:
            out.append(("para", tidy("".join(lines))))
    return [(kind, body) for kind, body in out if body]
