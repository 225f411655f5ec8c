"""The one place that reads the environment: ``COUNCIL_*`` variables become a frozen Settings object."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from council.errors import ConfigurationError

PREFIX = "COUNCIL_"
NAMESPACE = re.compile(r"[A-Za-z0-9_-]{1,60}")


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str | None = None
    # Prefix of every Redis key and channel: several deployments (or test runs) may share one Redis.
    redis_namespace: str = "council"
    secret_key: str = ""
    public_base_url: str = "http://127.0.0.1:8000"
    file_storage: Path = Path("var/files")
    login_max_failures: int = 5
    login_window_seconds: int = 900
    session_max_age_seconds: int = 8 * 3600
    # Largest document a secretary may upload (Anlagen); larger requests are refused before they are read.
    max_upload_bytes: int = 20 * 1024 * 1024
    # A quiet live stream (SSE) gets a comment this often, so that proxies do not close it as idle.
    live_keepalive_seconds: int = 15
    # How long an app process keeps a signed-in user's roles (council/accounts/viewer_cache.py); 0 switches it off.
    # Changes committed by any process reach the others over the live channels (Redis), at the latest after this.
    viewer_cache_seconds: float = 60.0
    # Where the public reports accessibility barriers (Erklärung zur Barrierefreiheit); the body's contact
    # address when not set.
    accessibility_contact: str | None = None
    # COUNCIL_BENCH_HELLO=1 mounts GET /bench/hello, a bare route without database or templates: the baseline of
    # bench/portal.py. Off everywhere else.
    bench_hello: bool = False
    # Anonymous visitors' public pages are kept rendered this long at most (0: off); see web/page_cache.py.
    page_cache_seconds: float = 30.0
    # Outgoing mail (invitations). Without a host, mails are written as .eml files to ``mail_directory``.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "Sitzungsdienst <sitzungsdienst@localhost>"
    # Digital meetings: a participant whose connection drops keeps the seat (one attendance entry) if back in time.
    media_reconnect_grace_seconds: float = 30.0
    media_stun_urls: tuple[str, ...] = ()
    media_turn_urls: tuple[str, ...] = ()
    media_turn_secret: str = ""
    media_turn_ttl_seconds: int = 3600
    media_video_slots: int = 4
    # The relay forwards audio of at most this many current speakers (the loudest) when a room has more publishers.
    media_audio_slots: int = 5
    # Anonymous listeners of a meeting's public stream (when the chair allows it), at most this many per room.
    media_max_listeners: int = 50
    # Gather the relay's ICE host candidates only on these addresses (e.g. 127.0.0.1 in tests); empty: all.
    media_host_addresses: tuple[str, ...] = ()

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def mail_directory(self) -> Path:
        return self.var_dir / "mail"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def describe(self) -> dict[str, str]:
        """The configuration as an operator may see it: no secrets."""
        return {
            "environment": self.environment,
            "database_url": _without_password(self.database_url),
            "redis_url": _without_password(self.redis_url) if self.redis_url else "(keine, Kanäle im Prozess)",
            "redis_namespace": self.redis_namespace,
            "public_base_url": self.public_base_url,
            "file_storage": str(self.file_storage),
            "max_upload_bytes": str(self.max_upload_bytes),
            "secret_key": "gesetzt" if self.secret_key else "fehlt",
            "smtp": f"{self.smtp_host}:{self.smtp_port}"
            if self.smtp_host
            else f"(kein Server, Dateien in {self.mail_directory})",
            "media_turn_urls": ", ".join(self.media_turn_urls) or "(keine)",
            "media_turn_secret": "gesetzt" if self.media_turn_secret else "fehlt",
        }


def _without_password(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``COUNCIL_*`` variables once.

    In development a missing secret key is generated and kept under ``var/`` so sessions survive a restart;
    in production it must be given.
    """
    env = os.environ if environ is None else environ

    def get(name: str, default: str | None = None) -> str | None:
        value = env.get(PREFIX + name)
        return value if value not in (None, "") else default

    environment = get("ENV", "development") or "development"
    if environment not in {"development", "production", "test"}:
        raise ConfigurationError(f"COUNCIL_ENV must be development, production or test, not {environment!r}")
    var_dir = Path(get("VAR_DIR", "var") or "var")
    database_url = get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'council.sqlite3'}"
    if database_url.startswith("postgresql://") or database_url.startswith("postgres://"):
        database_url = "postgresql+asyncpg://" + database_url.split("://", 1)[1]
    secret_key = get("SECRET_KEY")
    if not secret_key:
        if environment == "production":
            raise ConfigurationError("COUNCIL_SECRET_KEY is required in production")
        secret_key = _development_secret(var_dir)
    if len(secret_key) < 32:
        raise ConfigurationError("COUNCIL_SECRET_KEY must be at least 32 characters long")
    return Settings(
        environment=environment,
        var_dir=var_dir,
        database_url=database_url,
        redis_url=get("REDIS_URL"),
        redis_namespace=_namespace(get("REDIS_NAMESPACE", "council") or "council"),
        secret_key=secret_key,
        public_base_url=(get("PUBLIC_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/"),
        file_storage=Path(get("FILE_STORAGE") or str(var_dir / "files")),
        login_max_failures=_int(get("LOGIN_MAX_FAILURES", "5"), "LOGIN_MAX_FAILURES"),
        login_window_seconds=_int(get("LOGIN_WINDOW_SECONDS", "900"), "LOGIN_WINDOW_SECONDS"),
        live_keepalive_seconds=_positive(
            _int(get("LIVE_KEEPALIVE_SECONDS", "15"), "LIVE_KEEPALIVE_SECONDS"), "LIVE_KEEPALIVE_SECONDS"
        ),
        viewer_cache_seconds=_seconds(get("VIEWER_CACHE_SECONDS", "60"), "VIEWER_CACHE_SECONDS"),
        max_upload_bytes=_positive(
            _int(get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)), "MAX_UPLOAD_BYTES"), "MAX_UPLOAD_BYTES"
        ),
        accessibility_contact=get("ACCESSIBILITY_CONTACT"),
        bench_hello=get("BENCH_HELLO", "0") == "1",
        page_cache_seconds=_seconds(get("PAGE_CACHE_SECONDS", "30"), "PAGE_CACHE_SECONDS"),
        smtp_host=get("SMTP_HOST"),
        smtp_port=_positive(_int(get("SMTP_PORT", "587"), "SMTP_PORT"), "SMTP_PORT"),
        smtp_user=get("SMTP_USER"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=_flag(get("SMTP_STARTTLS", "true"), "SMTP_STARTTLS"),
        mail_from=get("SMTP_FROM") or Settings.mail_from,
        media_reconnect_grace_seconds=_seconds(
            get("MEDIA_RECONNECT_GRACE_SECONDS", "30"), "MEDIA_RECONNECT_GRACE_SECONDS"
        ),
        media_stun_urls=_list(get("MEDIA_STUN_URLS")),
        media_turn_urls=_list(get("MEDIA_TURN_URLS")),
        media_turn_secret=get("MEDIA_TURN_SECRET", "") or "",
        media_turn_ttl_seconds=_positive(
            _int(get("MEDIA_TURN_TTL_SECONDS", "3600"), "MEDIA_TURN_TTL_SECONDS"), "MEDIA_TURN_TTL_SECONDS"
        ),
        media_video_slots=_int(get("MEDIA_VIDEO_SLOTS", "4"), "MEDIA_VIDEO_SLOTS"),
        media_audio_slots=_positive(_int(get("MEDIA_AUDIO_SLOTS", "5"), "MEDIA_AUDIO_SLOTS"), "MEDIA_AUDIO_SLOTS"),
        media_max_listeners=_positive(
            _int(get("MEDIA_MAX_LISTENERS", "50"), "MEDIA_MAX_LISTENERS"), "MEDIA_MAX_LISTENERS"
        ),
        media_host_addresses=_list(get("MEDIA_HOST_ADDRESSES")),
    )


def _flag(value: str | None, name: str) -> bool:
    word = (value or "").strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{PREFIX}{name} must be true or false")


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _seconds(value: str | None, name: str) -> float:
    try:
        seconds = float(value or "")
    except ValueError:
        raise ConfigurationError(f"{PREFIX}{name} must be a number of seconds") from None
    if seconds < 0:
        raise ConfigurationError(f"{PREFIX}{name} must not be negative")
    return seconds


def _int(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ConfigurationError(f"{PREFIX}{name} must be a whole number") from None


def _namespace(value: str) -> str:
    if not NAMESPACE.fullmatch(value):
        raise ConfigurationError(f"{PREFIX}REDIS_NAMESPACE may hold letters, digits, '-' and '_' (at most 60)")
    return value


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise ConfigurationError(f"{PREFIX}{name} must be at least 1")
    return value


def _development_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
