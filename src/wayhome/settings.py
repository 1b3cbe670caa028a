"""The one settings object: typed, read from WAYHOME_* variables, strict in production."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "wayhome-development-secret-do-not-use-in-production"  # noqa: S105


class Environment(StrEnum):
    """Where Wayhome runs; production refuses default secrets and insecure cookies."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting, its default and its meaning; the README's table is generated from this."""

    model_config = SettingsConfigDict(env_prefix="WAYHOME_", extra="ignore")

    environment: Environment = Field(
        Environment.DEVELOPMENT, description="development, test or production."
    )
    data_dir: Path = Field(Path("var"), description="Folder for the embedded database and files.")
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means the SQLite file <data_dir>/wayhome.db. "
        "Production hubs use postgresql+psycopg://…",
    )
    secret_key: str = Field(
        DEVELOPMENT_SECRET, description="Key for CSRF tokens; must be set in production."
    )
    host: str = Field("127.0.0.1", description="Address `wayhome serve` listens on.")
    port: int = Field(8000, description="Port `wayhome serve` listens on.")
    cookie_secure: bool = Field(
        False, description="Send the session cookie over HTTPS only (forced on in production)."
    )
    session_hours: int = Field(12, description="Lifetime of a browser session.")
    max_body_bytes: int = Field(
        10 * 1024 * 1024, description="Largest request body accepted by the API and forms."
    )
    login_max_failures: int = Field(
        5, description="Failed sign-ins for one account or address before throttling."
    )
    login_window_seconds: int = Field(900, description="Window over which failures are counted.")
    page_size_max: int = Field(200, description="Largest page a listing returns.")
    overcommon_threshold: int = Field(
        50, description="A selector held by more records than this is flagged as over-common."
    )
    max_import_bytes: int = Field(
        200 * 1024 * 1024, description="Largest file `wayhome import` and the upload page accept."
    )
    audit_key_file: str = Field(
        "",
        description="Ed25519 key (PEM) that signs audit checkpoints, kept outside the "
        "database; empty: <data_dir>/audit-signing.key, created (mode 0600) on first use.",
    )
    # -- serving under load (web/admission.py, db/engine.py) --
    max_concurrent_requests: int = Field(
        32,
        ge=1,
        description="Requests one server process works on at once; the rest wait their turn "
        "(each holds at most one database connection and one worker thread).",
    )
    request_queue_seconds: float = Field(
        20.0,
        gt=0,
        description="How long a request may wait for its turn before a 503 with Retry-After.",
    )
    request_queue_max: int = Field(
        2000, ge=0, description="Requests allowed to wait; more are answered 503 at once."
    )
    db_lock_seconds: float = Field(
        30.0,
        gt=0,
        description="SQLite: how long a transaction waits for the one write slot before a 503.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; empty: none (the client address is the peer's).",
    )
    log_format: str = Field(
        "text", description="'json' for one JSON object a line (request ids, access log)."
    )
    metrics_allow: str = Field(
        "127.0.0.1,::1",
        description="Comma-separated client addresses that may read /metrics; others get 404.",
    )
    # -- cases workflow: alerts, notices, portraits --
    alert_renotify_minutes: int = Field(
        30, description="An unacknowledged alert is sent to the recipient agency again after this."
    )
    alert_escalate_minutes: int = Field(
        120, description="... and to the recipient agency's supervisors after this."
    )
    alert_escalation_interval_seconds: int = Field(
        60, description="How often the server checks for alerts to escalate (0: off; off in tests)."
    )
    notice_rate_limit_per_minute: int = Field(
        60, description="Requests per minute one client may make to the public notices API."
    )
    notice_page_max: int = Field(160, description="Largest resultPerPage of the notices API.")
    portrait_max_bytes: int = Field(
        8 * 1024 * 1024, description="Largest portrait file accepted (bytes)."
    )
    portrait_max_pixels: int = Field(
        40_000_000, description="Largest portrait accepted (width × height)."
    )
    portrait_max_side: int = Field(
        1600, description="Longest side a stored portrait is scaled down to (pixels)."
    )
    # -- watches and alerts (watches/) --
    smtp_host: str = Field("", description="SMTP relay for alert e-mail; empty sends none.")
    smtp_port: int = Field(25, description="Port of the SMTP relay.")
    smtp_from: str = Field("wayhome@example.org", description="Sender of alert e-mail.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_ca_file: str = Field(
        "",
        description="CA certificates (PEM) the relay's certificate must chain to after "
        "STARTTLS; empty: the system's CAs.",
    )
    smtp_username: str = Field("", description="SMTP user name; empty signs in as nobody.")
    smtp_password: str = Field("", description="SMTP password.")
    webhook_allow_private: bool = Field(
        False, description="Allow webhook URLs on private (RFC 1918, ULA) addresses."
    )
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts a webhook may use whatever their address (an operator's override).",
    )
    delivery_max_attempts: int = Field(6, description="Tries per e-mail or webhook delivery.")
    delivery_backoff_seconds: float = Field(
        30.0, description="First retry delay; it doubles after each failed try."
    )
    delivery_worker: bool = Field(
        True, description="Run the delivery worker inside `wayhome serve` (off in tests)."
    )

    @model_validator(mode="after")
    def _production_is_strict(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "WAYHOME_SECRET_KEY must be set to a random value of 32+ characters "
                    "in production; refusing to start with the development secret"
                )
            self.cookie_secure = True
        return self

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wayhome.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
