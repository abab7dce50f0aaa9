"""Server settings: one pydantic-settings class, read from ``INSPECTIE_*`` environment variables.

Development gets working defaults; production refuses to start with the development secrets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, PositiveInt, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync_server.assets import ASSETS_DIR

DEV_SECRET = "dev-only-not-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTIE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./inspectie-data")
    database_url: str = ""
    blob_dir: Path | None = None
    assets_dir: Path = ASSETS_DIR
    identifier_key: str = DEV_SECRET
    verify_within_days: int = 5  # a signal unverified for longer shows up in red
    login_max_failures: int = 5
    login_window_seconds: int = 300
    max_blob_bytes: int = 25 * 1024 * 1024
    max_chunk_bytes: int = 8 * 1024 * 1024
    upload_expiry_hours: float = 72.0  # an interrupted photo upload untouched this long is deleted
    token_touch_seconds: int = 60
    token_idle_hours: float = Field(default=168.0, gt=0)  # a token unused this long expires (renewed by every use)
    token_max_age_days: float = Field(default=30.0, gt=0)  # and at the latest this long after it was issued
    publish_assets_on_startup: bool = True
    # Retention in days per kind of data (docs/SECURITY.md, "Retention"): set by the records manager from the
    # Selectielijst gemeenten 2020; unset (None) keeps that kind. ``purge_daily``: ``serve`` purges once a day.
    retention_controls_without_signals_days: PositiveInt | None = None
    retention_unfounded_signals_days: PositiveInt | None = None
    retention_referred_days: PositiveInt | None = None
    retention_photos_days: PositiveInt | None = None
    retention_audit_days: PositiveInt | None = None
    purge_daily: bool = False

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'server.db').as_posix()}"
        if self.blob_dir is None:
            self.blob_dir = self.data_dir / "blobs"
        if self.environment == "production" and self.identifier_key in ("", DEV_SECRET):
            raise ValueError("INSPECTIE_IDENTIFIER_KEY must be set to a real secret in production")
        return self

    @property
    def blobs(self) -> Path:
        assert self.blob_dir is not None
        return self.blob_dir

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
