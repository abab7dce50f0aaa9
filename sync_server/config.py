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
MIN_KEY_BYTES = 32  # the identifier key's minimum length in production (an HMAC-SHA256 key of 256 bits)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTIE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./inspectie-data")
    database_url: str = ""
    blob_dir: Path | None = None
    assets_dir: Path = ASSETS_DIR
    identifier_key: str = DEV_SECRET
    verify_within_days: int = 5  # a signal unverified for longer shows up in red
    # checklists and the indicator catalogue are one for the whole server: only this organisation's beheerders
    # publish them (its key; the others draft and test, docs/OPERATIONS.md)
    publishing_organisation: str = Field(default="gemeente-arnhem", min_length=1, max_length=60)
    login_max_failures: int = Field(default=5, ge=1)  # failed logins per account within the window (auth.ratelimit)
    login_max_failures_per_address: int = Field(default=20, ge=1)  # and per client address (IPv4, IPv6 /64)
    login_window_seconds: int = Field(default=300, ge=1)
    login_failures_kept: int = Field(default=100_000, ge=100)  # the throttle table never holds more rows
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
    # Request bodies and storage per inspector (docs/SECURITY.md, "Limits and quotas"): a body over its limit is
    # refused with 413 before it is read; the photo PATCH's limit is ``max_chunk_bytes``.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)  # any request body but a push or a photo chunk
    max_push_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)  # POST /sync/push (500 mutations)
    quarantine_max_push_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)  # one push of an app below the window
    quarantine_quota_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)  # all of one user's quarantined pushes
    handover_quota_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)  # all of one revoked device's handover
    upload_unreferenced_quota_bytes: int = Field(default=512 * 1024 * 1024, ge=0)  # photos no own control uses yet
    upload_in_flight_quota_bytes: int = Field(default=128 * 1024 * 1024, ge=0)  # unfinished uploads on disk
    # Production serves over TLS (cert + key for uvicorn) or behind a TLS-terminating proxy trusted by address
    # (comma-separated IPs or networks, uvicorn's forwarded_allow_ips); see sync_server/production.py.
    # Worker processes and the connection pool (docs/PERFORMANCE.md "Several workers"): ``serve --workers N`` runs N
    # processes, each with its own pool of ``db_pool_size`` connections plus ``db_max_overflow`` more under load, so
    # PostgreSQL needs N x (size + overflow) connections (+ a few for migrations and the CLI) within max_connections.
    # The default 10 + 30 matches a worker's 40 request threads (anyio's default), so requests queue for the sync lock,
    # not for a connection. A request that waits ``db_pool_timeout`` seconds for a connection is answered 503
    # ``server_busy`` with ``Retry-After`` (the tablet keeps its outbox and tries again), never 500.
    workers: int = Field(default=1, ge=1, le=64)
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=30, ge=0)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    busy_retry_after_seconds: int = Field(default=2, ge=1)
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    trusted_proxies: str = ""
    # Operations (docs/OPERATIONS.md): logs, /metrics, the photo store. ``log_format`` None: JSON lines in
    # production, text in development. ``metrics_token``: /metrics wants "Authorization: Bearer <token>"; without
    # one it is open in development and off (404) in production. Figures read from the database (devices, signals,
    # photo store) are cached ``metrics_cache_seconds``. ``blob_backend`` "s3": photos in an S3-compatible bucket
    # (boto3, the ``[s3]`` extra; credentials from the usual AWS_* variables), unfinished uploads stay in blob_dir.
    log_format: Literal["json", "text"] | None = None
    metrics_token: str = ""
    metrics_cache_seconds: float = Field(default=60.0, ge=0)
    blob_backend: Literal["file", "s3"] = "file"
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'server.db').as_posix()}"
        if self.blob_dir is None:
            self.blob_dir = self.data_dir / "blobs"
        if self.environment == "production" and self.identifier_key in ("", DEV_SECRET):
            raise ValueError("INSPECTIE_IDENTIFIER_KEY must be set to a real secret in production")
        if self.environment == "production" and len(self.identifier_key.encode()) < MIN_KEY_BYTES:
            raise ValueError(f"INSPECTIE_IDENTIFIER_KEY must be at least {MIN_KEY_BYTES} bytes in production "
                             "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')")
        if self.blob_backend == "s3" and not self.s3_bucket:
            raise ValueError("INSPECTIE_BLOB_BACKEND=s3 needs INSPECTIE_S3_BUCKET")
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise ValueError("INSPECTIE_TLS_CERTFILE and INSPECTIE_TLS_KEYFILE go together: set both or neither")
        return self

    @property
    def blobs(self) -> Path:
        assert self.blob_dir is not None
        return self.blob_dir

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
