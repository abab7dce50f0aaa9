"""Wire models of retention: the periods in force and what the last purge deleted (beheerder)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field


class RetentionPeriods(BaseModel):
    """Retention per kind of data in days; None: kept (not set by the records manager)."""

    controls_without_signals: int | None = None
    unfounded_signals: int | None = None
    referred: int | None = None
    photos: int | None = None
    audit: int | None = None


class RetentionRun(BaseModel):
    """The periods in force, whether ``serve`` purges daily, and the organisation's last purge."""

    periods: RetentionPeriods
    daily: bool
    last_run_at: AwareDatetime | None = None  # UTC
    last_trigger: str | None = None  # "cli" | "daily"
    counts: dict[str, int] = Field(default_factory=dict)
