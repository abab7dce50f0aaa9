"""Wire models of an organisation's own settings (the beheerder's "Instellingen"): the retention periods and the
verification deadline.

The server's environment (``INSPECTIE_RETENTION_*_DAYS``, set by the records manager from the Selectielijst) is the
maximum for every organisation on the server: an organisation may keep a kind of data shorter, never longer. A period
the organisation leaves empty follows the server's. The verification deadline has no statutory bound; it stays
between ``VERIFY_MIN_DAYS`` and ``VERIFY_MAX_DAYS``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.inputs import InputModel
from schemas.retention import RetentionPeriods

RETENTION_KINDS = ("controls_without_signals", "unfounded_signals", "referred", "photos", "audit")
MAX_DAYS = 36_500  # no kind is kept longer than a hundred years by a setting (a bound on the input, not the law)
VERIFY_MIN_DAYS, VERIFY_MAX_DAYS = 1, 60


class OwnPeriods(InputModel):
    """The organisation's own periods in days; None: follows the server's period."""

    model_config = ConfigDict(extra="forbid")

    controls_without_signals: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    unfounded_signals: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    referred: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    photos: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    audit: int | None = Field(default=None, ge=1, le=MAX_DAYS)


class OrganisationSettingsUpdate(InputModel):
    """What the beheerder saves: every own period (empty: the server's) and the verification deadline."""

    model_config = ConfigDict(extra="forbid")

    retention: OwnPeriods
    verify_within_days: int = Field(ge=VERIFY_MIN_DAYS, le=VERIFY_MAX_DAYS)


class OrganisationSettingsRead(BaseModel):
    """The organisation's settings: its own periods, the server's maxima, what is in force (the shorter of the two),
    the verification deadline in force and its bounds, and who changed them last."""

    own: RetentionPeriods
    maxima: RetentionPeriods  # the server's periods (None: the server keeps that kind; no maximum set)
    in_force: RetentionPeriods
    verify_within_days: int
    verify_default_days: int
    verify_min_days: int = VERIFY_MIN_DAYS
    verify_max_days: int = VERIFY_MAX_DAYS
    max_days: int = MAX_DAYS
    updated_at: datetime | None = None
    updated_by: str | None = None
