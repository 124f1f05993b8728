"""Session secret, CSRF tokens and the security headers every response carries."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request

from models.settings import Settings

CSRF_KEY = "csrf"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def secret_key(settings: Settings) -> str:
    """SHISHI_SECRET_KEY, or a random key kept (mode 0600) in the data directory for the embedded default."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / "web-secret"
    if not path.exists():
        _write_once(path, secrets.token_urlsafe(48))
    return path.read_text().strip()


def _write_once(path: Path, text: str) -> None:
    """Create the file with its whole text, or leave the one another process made first (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    try:
        os.link(draft, path)  # atomic, and fails when the file exists: the first process's key wins
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return str(token)


def csrf_ok(request: Request, presented: str | None) -> bool:
    """True when a form or header presents the session's token."""
    expected = request.session.get(CSRF_KEY)
    return bool(expected and presented) and hmac.compare_digest(str(expected), str(presented))
