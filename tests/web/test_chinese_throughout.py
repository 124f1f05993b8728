"""Chinese throughout: every page, every command's text output and every email of the example carries no English
word a user would have to read, and every time is the programme's local time."""

from __future__ import annotations

import email
import email.policy
import html as html_lib
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models.settings import get_settings
from tests.conftest import EXAMPLE
from tests.helpers import cli
from tests.web.conftest import CODE, USERS, Site, login

# `shishi diagram` is left out: it prints Mermaid source, whose state ids are the stage codes.
# Codes, names and units a reader meets as they are: the command and its options, the programme's code,
# products and formats named by their own names, the date patterns of help text.
ALLOWED = {
    "shishi", "changning", "nightly", "report", "load", "init", "list", "show", "history", "due", "advance",
    "progress", "notify", "user", "serve", "web", "prefect", "stop", "add", "period", "month", "city",
    "json", "api", "smtp", "maildir", "excel", "word", "markdown", "yyyy", "png", "pdf", "csv", "xlsx",
    "docx", "html", "yaml", "utf",
}  # fmt: skip
STRIP = (
    re.compile(r"(?:https?|mailto):[^\s<>\"'）)]+"),  # URLs
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email addresses
    re.compile(r"[\w./-]*/[\w./-]+"),  # paths
    re.compile(r"[\w.-]+\.(?:md|docx|xlsx|html|png|yaml|csv|eml|db)\b"),  # file names
    re.compile(r"--[a-z][a-z-]*"),  # command-line options
    re.compile(r"<shishi\.[^>]+>"),  # Message-IDs
)
WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")


def english_words(text: str) -> set[str]:
    """ASCII words of three or more letters that are not an allowed code, file name or URL."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: its text and the attributes read aloud or shown (title, alt,
    placeholder, aria-label)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    said = " ".join(re.findall(r'\b(?:title|alt|placeholder|aria-label)="([^"]*)"', page))
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page) + " " + said)


def test_the_word_check_finds_english_and_passes_codes_files_and_urls() -> None:
    assert english_words("completed: 实际 2020-10-10") == {"completed"}
    assert english_words("source load 来源 web") == {"source"}
    assert english_words("见 https://example.org/x 与 2020-09.xlsx、shishi due --month 2020-10") == set()


@pytest.fixture
def example(site: Site, client: TestClient) -> dict[str, str]:
    """The example driven through the commands a district office runs; each command's text output."""
    runs = {
        "advance": (
            "advance", "2.8", "--by", "张三", "--to", "完工", "--at", "2020-10-10",
            "--evidence", "竣工验收=长民验〔2020〕3号@2020-10-09",
        ),
        "progress": ("progress", "5", "--by", "区文旅局", "--target", "1", "--done", "40", "--as-of", "2020-10-15"),
        "load": ("load", str(EXAMPLE)),
        "evidence": ("evidence", "2.9", "竣工验收", "--ref", "长民验〔2020〕4号", "--date", "2020-10-12"),
        "suspend": ("suspend", "2.10", "--by", "张三", "--reason", "场地调整", "--at", "2020-10-12"),
        "resume": ("resume", "2.10", "--by", "张三", "--at", "2020-10-14"),
        "status": ("status", "7", "滞后", "--reason", "汛期停工", "--at", "2020-10-01"),
        "subscribe": ("subscribe", "李四", "--email", "ls@cn.example", "--item", "2"),
        "nightly": ("nightly", "--as-of", "2020-10-20"),
        "list": ("list", "--as-of", "2020-09-30"),
        "list-status": ("list", "--status", "慢序时", "--as-of", "2020-09-30"),
        "list-city": ("list", "--city", "上海市"),
        "show-item": ("show", "2", "--as-of", "2020-10-31"),
        "show-project": ("show", "2.8"),
        "history": ("history", "2"),
        "due": ("due", "--month", "2020-10"),
        "report": ("report", "--period", "2020-09"),
        "notify": ("notify",),
        "users": ("user", "list"),
    }  # fmt: skip
    out = {}
    for name, args in runs.items():
        result = cli(*args)
        assert result.exit_code == 0, (name, result.output)
        out[name] = result.output
    return out


def _mails() -> list[EmailMessage]:
    folder = Path(get_settings().maildir) / "new"
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted(folder.iterdir())
    ]


def test_every_command_page_and_email_of_the_example_reads_in_chinese(
    example: dict[str, str], client: TestClient
) -> None:
    found: dict[str, set[str]] = {}
    for name, text in example.items():
        found[f"命令 {name}"] = english_words(text)
    login(client, USERS["admin"])
    pages = [
        f"/p/{CODE}",
        f"/p/{CODE}?as_of=2020-10-20",
        f"/p/{CODE}/items/2",
        f"/p/{CODE}/items/3",
        f"/p/{CODE}/projects/2.8",
        f"/p/{CODE}/reports",
        "/users",
        f"/p/{CODE}/items/99",
    ]
    for url in pages:
        found[f"网页 {url}"] = english_words(visible_text(client.get(url).text))
    client.cookies.clear()
    found["网页 /login"] = english_words(visible_text(client.get("/login").text))
    mails = _mails()
    subjects = [str(m["Subject"]) for m in mails]
    assert any("→" in s for s in subjects) and any("新增慢序时/滞后" in s for s in subjects), subjects
    for i, mail in enumerate(mails):
        body = mail.get_body(("plain",))
        rich = mail.get_body(("html",))
        assert body is not None and rich is not None
        found[f"邮件 {i} {mail['Subject']}"] = english_words(
            str(mail["Subject"]) + body.get_content() + visible_text(rich.get_content())
        )
    leaks = {k: sorted(v) for k, v in found.items() if v}
    assert not leaks, "\n".join(f"{k}: {v}" for k, v in leaks.items())


def test_emails_are_dated_in_the_programmes_time_zone(example: dict[str, str]) -> None:
    dates = [str(m["Date"]) for m in _mails()]
    assert dates and all(d.endswith("+0800") for d in dates), dates


def test_times_on_pages_and_in_the_history_are_local_without_a_t(
    example: dict[str, str], client: TestClient
) -> None:
    login(client, USERS["admin"])
    for url in (f"/p/{CODE}/projects/2.8", f"/p/{CODE}/reports", "/users"):
        text = visible_text(client.get(url).text)
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), url
        assert not re.search(r"[+-]00:00", text), url
    assert re.search(r"记录于 \d{4}-\d\d-\d\d \d\d:\d\d）", example["history"])
