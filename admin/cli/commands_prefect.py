"""`shishi prefect status|start|stop|ui`: the data directory's local Prefect server, seen and handled."""

from __future__ import annotations

import webbrowser
from typing import Annotated

import typer

from admin import orchestrate
from admin.cli.runtime import emit_json, handles_errors, settings

prefect_app = typer.Typer(
    help="本地 Prefect 服务（未设置 PREFECT_API_URL 时，首个编排命令在后台启动，之后的命令沿用）。",
    no_args_is_help=True,
)
CONFIGURED = "已设置 PREFECT_API_URL={url}：使用该 Prefect 服务，本地服务不参与"


def register(app: typer.Typer) -> None:
    """Add the `prefect` group to the app."""
    app.add_typer(prefect_app, name="prefect")


@prefect_app.command("status")
@handles_errors
def status(json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """显示本地 Prefect 服务：地址、进程号、是否在运行。"""
    info = orchestrate.local_server_status(settings().data_dir)
    if json:
        emit_json(info)
        return
    if info["configured_url"]:
        typer.echo(CONFIGURED.format(url=info["configured_url"]))
    if info["pid"] is None:
        typer.echo(f"本地 Prefect 服务：未启动（运行记录目录 {info['home']}）")
        return
    state = "运行中" if info["up"] else "未运行（记录已过期，下一个编排命令将重新启动）"
    typer.echo(f"本地 Prefect 服务：{state}")
    typer.echo(f"  界面：{info['url']}")
    typer.echo(f"  API：{info['api_url']}")
    typer.echo(f"  进程号：{info['pid']}（启动于 {info['started']}）")
    typer.echo(f"  运行记录：{info['home']}")
    if info["runner_pid"]:
        typer.echo(f"  常驻执行进程：{info['runner_pid']}（后续命令的流程在其中运行）")


@prefect_app.command("start")
@handles_errors
def start() -> None:
    """启动本地 Prefect 服务（已在运行则沿用）。"""
    url, pid, started = orchestrate.start_local_server(settings().data_dir)
    typer.echo(f"本地 Prefect 服务{'已启动' if started else '已在运行'}：{url}（进程号 {pid}）")


@prefect_app.command("stop")
@handles_errors
def stop() -> None:
    """停止本地 Prefect 服务（运行记录保留，下一个编排命令会重新启动它）。"""
    pid = orchestrate.stop_local_server(settings().data_dir)
    typer.echo(f"本地 Prefect 服务已停止（进程号 {pid}）" if pid else "本地 Prefect 服务未在运行")


@prefect_app.command("ui")
@handles_errors
def ui(
    open_browser: Annotated[bool, typer.Option("--open", help="同时在浏览器中打开")] = False,
) -> None:
    """显示 Prefect 界面的地址（本地服务未运行则先启动）；--open 在浏览器中打开。"""
    configured = orchestrate.local_server_status(settings().data_dir)["configured_url"]
    if configured:
        url = configured.rstrip("/").removesuffix("/api")
    else:
        url, _, _ = orchestrate.start_local_server(settings().data_dir)
    typer.echo(url)
    if open_browser:
        webbrowser.open(url)
