"""Configuration from the environment (prefix SHISHI_), read once per process."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where Shishi keeps its data and which database it talks to."""

    model_config = SettingsConfigDict(env_prefix="SHISHI_", extra="ignore")

    data_dir: Path = Path("shishi-data")
    reports_dir: Path | None = None
    database_url: str | None = None
    work_pool: str | None = None
    timezone: str = "Asia/Shanghai"
    debug: bool = False
    smtp_url: str | None = None
    mail_from: str = "实事项目办公室 <shishi@localhost>"
    base_url: str | None = None
    mail_max_attempts: int = 5
    secret_key: SecretStr | None = None
    cookie_secure: bool = False
    session_hours: int = 8
    page_cache_entries: int = 500
    web_pool_size: int = 20
    web_pool_overflow: int = 10

    @property
    def maildir(self) -> Path:
        """The Maildir that receives emails when no SMTP server is configured."""
        return self.data_dir / "mail"

    @property
    def reports_folder(self) -> Path:
        """Where reports are written by default and the only folder the web serves them from (absolute)."""
        return (self.reports_dir or self.data_dir / "reports").resolve()

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'shishi.db').resolve()}"

    def today(self) -> date:
        """Today's date in the district's time zone."""
        return datetime.now(ZoneInfo(self.timezone)).date()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
