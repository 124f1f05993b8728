"""What every command shares: settings, the database, today's date, and turning errors into exits."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from models.db import Database
from models.settings import Settings, get_settings
from services.errors import NotInitialised, ServiceError
from services.loading.errors import ProgrammeFileError

P = ParamSpec("P")
R = TypeVar("R")

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
FLAGS: Mapping[str, str] = {
    "by": "--by",
    "reason": "--reason",
    "doc_no": "--ref",
    "target": "--target",
    "role": "--role",
    "department": "--department",
    "district": "--district",
    "city": "--city",
    "email": "--email",
    "item": "--item",
    "whole_programme": "--programme-wide",
    "done": "--done",
    "note": "--note",
    "problems": "--problems",
    "next_steps": "--next",
}


def settings() -> Settings:
    """The process settings."""
    return get_settings()


def database(require_schema: bool = True) -> Database:
    """The application database; refuses politely when `shishi init` has not run."""
    db = Database(settings().effective_database_url)
    if require_schema and not db.is_initialised():
        raise NotInitialised()
    return db


def today() -> date:
    """Today in the district's time zone."""
    return settings().today()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print a message on stderr and exit with a code."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def with_flags(message: str, fields: Sequence[str], flags: Mapping[str, str] = FLAGS) -> str:
    """A service's message followed by the flags of the fields it concerns: 请写明原因（--reason）."""
    named = [flags[f] for f in fields if f in flags]
    return f"{message}（{'、'.join(named)}）" if named else message


def refusal(
    message: str, reasons: Sequence[str], fields: Sequence[str], flags: Mapping[str, str] = FLAGS
) -> str:
    """The text of a refusal on the command line: the message with its flags, then one line per reason."""
    return "\n".join([with_flags(message, fields, flags), *(f"  - {r}" for r in reasons)])


def emit_json(data: Any) -> None:
    """Print JSON for scripts (UTF-8, not escaped)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into messages and exit codes: 1 refused, 2 bad input, 3 internal."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ProgrammeFileError as exc:
            fail(f"文件被拒绝，未写入任何内容（{len(exc.problems)} 处问题）：\n{exc}", EXIT_BAD_INPUT)
        except ServiceError as exc:
            summary = getattr(exc, "summary", str(exc))
            fail(refusal(summary, getattr(exc, "reasons", []), exc.fields), exc.exit_code)
        except Exception as exc:  # last resort: one line, never a traceback
            if settings().debug:
                raise
            name = type(exc).__name__
            detail = str(exc).splitlines()[0] if str(exc) else ""
            fail(f"内部错误（{name}）：{detail}", EXIT_INTERNAL)

    return wrapper
