"""The web admin's commands: `shishi web` serves it; the `user` group manages its logins."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from admin import orchestrate
from admin.cli.commands_users import users
from admin.cli.runtime import database, handles_errors, settings


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
) -> None:
    """启动网页管理后台（看板、项目页、阶段操作、进展报送、报告下载、/api）。"""
    database()  # refuse politely when `shishi init` has not run
    import uvicorn

    from admin.web.app import create_app

    # start the local Prefect server, or find it running (or reach the configured one), while the first page loads
    threading.Thread(target=orchestrate.warm_up, name="prefect-warm-up", daemon=True).start()
    typer.echo(f"网页管理后台：http://{host}:{port}/  （Ctrl+C 停止）", err=True)
    app = create_app(settings())
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
