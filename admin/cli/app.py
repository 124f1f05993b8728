"""The `shishi` command: Typer app wiring; each command parses input and calls one use case."""

from __future__ import annotations

import typer

from admin.cli import (
    commands_flows,
    commands_prefect,
    commands_read,
    commands_reports,
    commands_review,
    commands_setup,
    commands_stage,
    commands_supervise,
    commands_web,
)
from admin.cli.chinese import ChineseGroup

app = typer.Typer(
    name="shishi",
    help="实事项目工作流引擎：导入年度计划，推进阶段，记录审计轨迹。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ChineseGroup,
)
commands_setup.register(app)
commands_read.register(app)
commands_stage.register(app)
commands_flows.register(app)
commands_reports.register(app)
commands_web.register(app)
commands_prefect.register(app)
commands_supervise.register(app)
commands_review.register(app)


def main() -> None:
    """Console entry point."""
    app()
