"""One validated settings object, read from the environment when asked for, never at import."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalogs.i18n import LANGS


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "matcher"


class Settings(BaseSettings):
    """Where the data lives, the key that protects it, the language of messages."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    """Folder of the embedded database and the generated secret key."""
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "MATCHER_DATABASE_URL")
    )
    """SQLAlchemy URL; empty means the embedded SQLite file ``<home>/matcher.db``."""
    secret_key: SecretStr | None = None
    """Protects IINs, names and offences at rest; when unset, a key file in ``home`` is made once."""
    lang: str = "ru"
    """Language of messages: ru, kk or en."""
    retrain_every_hours: float | None = Field(default=None, gt=0)
    """When set, a server retrains every so many hours (promoting only a better, fair model)."""

    serving_check_seconds: float = Field(default=2.0, ge=0, le=3600)
    """How often a server compares its engine with the database (imports, promotions and
    rollbacks made on any host are served within this many seconds, plus the rebuild)."""

    cache: Path | None = None
    """Folder of the fitted title reader (``MATCHER_CACHE``); empty: ``<home>/cache``."""

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.home / "cache"

    def use_cache(self) -> None:
        """Make ``cache_dir`` the title reader's cache in this process (``matcher.reader.cache``
        reads ``MATCHER_CACHE``), so that a service user without a home folder of its own does
        not fit the reader again (20-60 s) at every start. A ``MATCHER_CACHE`` already set in
        the environment stays."""
        os.environ.setdefault("MATCHER_CACHE", str(self.cache_dir))

    engine_snapshot: bool = True
    """Keep the catalogs' indexes in ``<home>/engine.snapshot`` so that the next command or
    server start loads them instead of building them (``service.serving.saved``); off: every
    process builds them."""

    worker_in_server: bool = False
    """PostgreSQL: ``matcher serve`` also runs a job worker (then no ``matcher worker`` is
    needed)."""
    request_threads: int = Field(default=2, ge=1, le=200)
    """The threads a server process answers requests with at once (the routes that read or
    write the database run in them); more requests wait their turn in the order they came.
    A request's work is mostly Python, which runs one thread at a time: more threads share
    the process's one core among more requests, each then taking longer (docs/deployment.md,
    "Serving processes")."""
    job_threads: int = Field(default=2, ge=1, le=8)
    """SQLite: the threads of the serving process that run jobs."""

    public_url: str = "http://localhost:8000"
    """The address people reach the pages at: links in notifications start with it."""

    def link(self, path: str) -> str:
        """The address of a page, for a notification: ``link("/referrals/12")``."""
        return self.public_url.rstrip("/") + path

    clock_hour: int | None = Field(default=2, ge=0, le=23)
    """The hour (server time) after which a server runs the day's clocks once, if no host has
    yet (``matcher clock``); empty: the server leaves it to a scheduled command."""

    smtp_host: str | None = None
    """The mail server notifications are sent through; empty: no e-mail is sent (notifications
    stay queued and are read in the application)."""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    """Logs in when set (with ``smtp_password``)."""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS before logging in and sending."""
    smtp_from: str = "matcher@localhost"
    smtp_timeout: float = Field(default=30.0, gt=0, le=600)
    """Seconds to wait for the mail server on each step."""
    sms_sender: str | None = None
    """``module:Class`` of the sender of notifications whose channel is ``sms`` (made with the
    settings as its one argument); empty: those stay queued."""

    body_limit: int = Field(default=1024 * 1024, ge=1024)
    """The largest request body (bytes) of a JSON route; a larger one is refused with 413
    before it is read (docs/security.md, "Limits")."""
    import_body_limit: int = Field(default=200 * 1024 * 1024, ge=1024)
    """The largest body (bytes) of ``POST /api/v1/imports/{kind}`` (a CSV or JSON file)."""
    token_concurrency: int = Field(default=2, ge=1)
    """Requests one token may have in progress at once in one server process; more: 429.
    Two keeps an officer's list under 2 s while one token floods a 2-core server with slow
    reports (bench/flood.py, docs/security.md); each ``--workers`` process adds as many."""
    account_concurrency: int = Field(default=4, ge=1)
    """Requests one signed-in account of the pages may have in progress at once in one server
    process (a page and the chart it shows are two); more: 429. The moving minute is the
    tokens' (``token_rate_per_minute``)."""
    token_rate_per_minute: int = Field(default=6000, ge=1)
    """Requests one token may make in a moving minute in one server process; more: 429. A
    backstop against floods of quick requests (slow ones meet ``token_concurrency`` first):
    the API fuzzer, a busy but honest client, sends up to about 50 a second."""
    token_days: int = Field(default=90, ge=1, le=3650)
    """How long a new token lives, in days, unless ``matcher token create --days`` says."""

    @field_validator("clock_hour", "smtp_host", "smtp_user", "sms_sender", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """``MATCHER_CLOCK_HOUR=`` (set, but empty) means none: the setting is off."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        if value not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _driver(cls, value: str | None) -> str | None:
        if not value:
            return None
        # plain postgresql:// URLs use psycopg 3, the driver we install
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value.removeprefix(prefix)
        return value

    @property
    def url(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{self.home / 'matcher.db'}"

    def secret(self) -> bytes:
        """The secret key: from the environment, else from ``<home>/secret.key`` (made once)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.home / "secret.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(os.urandom(32).hex())
        return path.read_text().strip().encode()
