"""The web admin's commands: `shishi web` serves it; the `user` group manages its logins."""

from __future__ import annotations

import os
import threading
from typing import Annotated

import typer

from admin import orchestrate
from admin.cli.commands_users import users
from admin.cli.runtime import current_database, handles_errors, settings

APP_FACTORY = "admin.web.app:create_app"
DEFAULT_MAX_WORKERS = 4
MAX_WORKERS = 64


def register(app: typer.Typer) -> None:
    """Add `web` and the `user` group to the app."""
    app.command("web")(web)
    app.add_typer(users, name="user")


@handles_errors
def web(
    host: Annotated[
        str, typer.Option("--host", help="监听地址（生产环境请置于 HTTPS 反向代理之后）")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=MAX_WORKERS,
            help=f"工作进程数（默认：CPU 核数，至多 {DEFAULT_MAX_WORKERS}）；1 表示单进程",
        ),
    ] = None,
) -> None:
    """启动网页管理后台（看板、项目页、阶段操作、进展报送、报告下载、/api）。"""
    current_database()  # refuse politely when `shishi init` has not run, or the schema is older than the code
    import uvicorn

    from admin.web.app import create_app
    from admin.web.security import secret_key

    secret_key(settings())  # made once here, so that every worker process signs sessions with the same key
    # start the local Prefect server, or find it running (or reach the configured one), while the first page loads
    threading.Thread(target=orchestrate.warm_up, name="prefect-warm-up", daemon=True).start()
    count = workers or default_workers()
    typer.echo(f"网页管理后台：http://{host}:{port}/  （{count} 个工作进程；Ctrl+C 停止）", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "proxy_headers": True}
    if count == 1:
        uvicorn.run(create_app(settings()), **options)  # type: ignore[arg-type]
    else:  # each worker process builds its own app (engine, caches) from the same environment
        uvicorn.run(APP_FACTORY, factory=True, workers=count, **options)  # type: ignore[arg-type]


def default_workers() -> int:
    """One worker process per CPU core, at most DEFAULT_MAX_WORKERS."""
    return max(1, min(os.cpu_count() or 1, DEFAULT_MAX_WORKERS))
