"""Chinese help and usage errors: Typer's help layout and Click's error messages, said in the office's words."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from typer import _click as click
from typer._click import exceptions as errors
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

HEADINGS = {"Options": "选项", "Arguments": "参数", "Commands": "命令"}
TYPES = {
    "str": "文本", "int": "整数", "float": "数值", "bool": "是否", "path": "路径", "file": "文件",
    "directory": "目录", "datetime": "日期时间", "int range": "整数范围", "float range": "数值范围",
}  # fmt: skip
USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
HELP_WORDS = (
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("[required]", "［必填］"),
    ("[default: ", "［默认："),
)
_TYPE = re.compile(r"<(list\[)?([a-z]+(?: range)?)\]?>")
# Click's messages that carry their own wording, in the order they are tried; the first match is said.
MESSAGES = (
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)"), "多余的参数：{0}"),
    (re.compile(r"No such command '(.*)'\."), "没有命令 {0}"),
    (re.compile(r"Missing command\."), "缺少命令"),
    (re.compile(r"Option '(.*)' requires an argument\."), "选项 {0} 需要一个值"),
    (re.compile(r"Option '(.*)' requires (\d+) arguments\."), "选项 {0} 需要 {1} 个值"),
    (re.compile(r"Option '(.*)' does not take a value\."), "选项 {0} 不带值"),
    (re.compile(r"(?:File|Directory|Path) '(.*)' does not exist\."), "路径“{0}”不存在"),
    (re.compile(r"(?:File|Directory|Path) '(.*)' is a directory\."), "“{0}”是目录，应为文件"),
    (re.compile(r"(?:File|Directory|Path) '(.*)' is a file\."), "“{0}”是文件，应为目录"),
    (re.compile(r"(?:File|Directory|Path) '(.*)' is not readable\."), "“{0}”无法读取"),
    (re.compile(r"Value '(.*)' is not a valid (\w+)\."), "“{0}”不是有效的值"),
    (re.compile(r"valid integer"), "应为整数"),
    (re.compile(r"valid (?:number|float)"), "应为数值"),
    (re.compile(r"valid boolean"), "应为是或否（true/false）"),
    (re.compile(r"valid date"), "应为日期 YYYY-MM-DD"),
    (re.compile(r"Input should be (.*)"), "应为 {0}"),
)


def _type_words(text: str) -> str:
    """`<str>` as `<文本>`, `<list[str]>` as `<文本…>`: a value's kind in Chinese."""

    def say(match: re.Match[str]) -> str:
        word = TYPES.get(match.group(2), match.group(2))
        return f"<{word}…>" if match.group(1) else f"<{word}>"

    return _TYPE.sub(say, text)


def _replace(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text


class ChineseHelp(HelpFormatter):
    """Typer's help layout with Chinese headings, usage words, value kinds and notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """`用法：shishi advance [选项] 编号`."""
        super().write_usage(prog, _type_words(_replace(args, USAGE_WORDS)), prefix="用法：")

    def write_heading(self, heading: str) -> None:
        """Options, Arguments, Commands as 选项：, 参数：, 命令：."""
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Each option's value kind and its notes (required, default) in Chinese."""
        said = [(_type_words(term), _replace(text, HELP_WORDS)) for term, text in rows]
        said = [(term, re.sub(r"［默认：([^\]]*)\]", r"［默认：\1］", text)) for term, text in said]
        said = [(term, re.sub(r"\[([^\]]*); required\]", r"［\1；必填］", text)) for term, text in said]
        super().write_dl(said, col_max, col_spacing)


class ChineseContext(typer.Context):
    """A command's context whose help is written by `ChineseHelp`."""

    formatter_class = ChineseHelp


def _said(text: str) -> str:
    """Click's or Typer's English sentence in Chinese (the sentence itself when it is not known)."""
    for pattern, chinese in MESSAGES:
        found = pattern.search(text)
        if found:
            return chinese.format(*found.groups())
    return text


def error_message(error: errors.ClickException) -> str:
    """A usage error as the office reads it."""
    if isinstance(error, errors.MissingParameter) and error.param is not None:
        kind = "选项" if error.param_type == "option" or error.param.param_type_name == "option" else "参数"
        name = " / ".join(error.param.opts) if kind == "选项" else (error.param.metavar or error.param.name)
        return f"缺少{kind} {name}"
    if isinstance(error, errors.NoSuchOption):
        maybe = (
            "（是不是要用 " + "、".join(sorted(error.possibilities)) + "？）" if error.possibilities else ""
        )
        return f"没有选项 {error.option_name}{maybe}"
    text = _said(error.message)
    if isinstance(error, errors.BadParameter) and error.param is not None:
        return f"{' / '.join(error.param.opts)} 的值不对：{text}"
    return text


def show_error(error: errors.ClickException) -> None:
    """Usage, how to get help, and the error, on standard error."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"运行 {ctx.command_path} --help 查看帮助。", err=True)
        click.echo("", err=True)
    click.echo(f"错误：{error_message(error)}", err=True)


def _chinese_everywhere(command: click.Command) -> None:
    command.context_class = ChineseContext
    for sub in getattr(command, "commands", {}).values():
        _chinese_everywhere(sub)


class ChineseGroup(TyperGroup):
    """The `shishi` group: Chinese help for every command below it and usage errors said in Chinese."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_everywhere(self)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command; a usage error or an abort is said in Chinese with Click's exit code."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except errors.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except errors.ClickException as error:
            show_error(error)
            sys.exit(error.exit_code)
        except errors.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
