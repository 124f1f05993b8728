"""What every command shares: settings, the database, today's date, and turning errors into exits."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from models.db import Database
from models.settings import Settings, get_settings
from services.errors import BadInput, NotInitialised, SchemaOutOfDate, ServiceError, control_character
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
    "accept_changes": "--accept-changes",
    "period": "--period",
    "against": "--against",
    "new_version": "--new-version",
    "finding": "--finding",
    "requirement": "--requirement",
    "days": "--days",
    "measures": "--measures",
    "committed_on": "--committed",
    "at": "--at",
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


def current_database() -> Database:
    """`database()`, refused unless its schema is this version's: a server never starts on an older one."""
    from models.migrate import out_of_date

    db = database()
    problem = out_of_date(db)
    if problem is not None:
        raise SchemaOutOfDate(problem)
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
            _refuse_control_characters(kwargs)
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except BrokenPipeError:  # the reader went away (`shishi list | head -1`): end quietly
            _quiet_stdout()
            raise typer.Exit(0) from None
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


def _refuse_control_characters(arguments: Mapping[str, Any]) -> None:
    """Refuse an argument holding a control character (NUL, ESC…) before anything reads or stores it."""
    for name, value in arguments.items():
        texts = value if isinstance(value, list | tuple) else [value]
        for text in texts:
            if isinstance(text, str | os.PathLike) and (found := control_character(os.fspath(text))):
                raise BadInput(f"参数含有控制字符 {found}，未写入任何内容", fields=(name,))


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that nothing more is written to the closed pipe, even at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's stdout)
        pass


def writable_folder(out: Path) -> Path:
    """The --out folder, checked before anything is generated: a folder we may write, or one we may create."""
    folder = out.expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        fail(f"输出位置不是文件夹：{folder}（--out）")
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        fail(f"无法在 {existing} 下创建输出文件夹：它不是文件夹（--out）")
    if not os.access(existing, os.W_OK | os.X_OK):
        fail(f"输出文件夹不可写：{existing}（--out）")
    return folder
