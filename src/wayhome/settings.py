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
