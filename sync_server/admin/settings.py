"""An organisation's own settings: retention periods and the verification deadline (the beheerder's "Instellingen").

The server's environment is the ceiling and the default: ``INSPECTIE_RETENTION_*_DAYS`` is the longest any
organisation on this server keeps a kind of data (the records manager's period from the Selectielijst), so an
organisation may set a shorter period, never a longer one — and if the environment is lowered later, the shorter of
the two is what the purge uses (``periods_for``). ``INSPECTIE_VERIFY_WITHIN_DAYS`` is the verification deadline of
an organisation that chose none (``verify_within_days``). Changing the settings is audited with the old and new
values.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from schemas.org_settings import RETENTION_KINDS, OrganisationSettingsRead, OrganisationSettingsUpdate
from schemas.retention import RetentionPeriods
from sync_server.admin.models import OrganisationSettings
from sync_server.auth.schemas import Principal
from sync_server.config import Settings
from sync_server.errors import ApiError
from sync_server.review import audit, chain


def server_periods(settings: Settings) -> RetentionPeriods:
    """The server's retention periods in days (None: kept): every organisation's maximum and default."""
    return RetentionPeriods(**{k: getattr(settings, f"retention_{k}_days") for k in RETENTION_KINDS})


def own_periods(row: OrganisationSettings | None) -> RetentionPeriods:
    """The organisation's own periods (None: follows the server)."""
    return RetentionPeriods(**{k: getattr(row, f"retention_{k}_days") if row else None for k in RETENTION_KINDS})


def _shorter(own: int | None, maximum: int | None) -> int | None:
    if own is None or maximum is None:
        return maximum if own is None else own
    return min(own, maximum)


def periods_for(*, session: Session, organisation_id: uuid.UUID, settings: Settings) -> RetentionPeriods:
    """The periods in force for one organisation: its own where shorter, else the server's."""
    own, maxima = own_periods(session.get(OrganisationSettings, organisation_id)), server_periods(settings)
    return RetentionPeriods(**{k: _shorter(getattr(own, k), getattr(maxima, k)) for k in RETENTION_KINDS})


def verify_within_days(*, session: Session, organisation_id: uuid.UUID, settings: Settings) -> int:
    """The organisation's verification deadline in days (its own, else the server's)."""
    row = session.get(OrganisationSettings, organisation_id)
    return row.verify_within_days if row is not None and row.verify_within_days else settings.verify_within_days


def read(*, session: Session, viewer: Principal, settings: Settings) -> OrganisationSettingsRead:
    """The viewer's organisation's settings with the server's maxima and what is in force."""
    row = session.get(OrganisationSettings, viewer.organisation_id)
    return OrganisationSettingsRead(
        own=own_periods(row), maxima=server_periods(settings),
        in_force=periods_for(session=session, organisation_id=viewer.organisation_id, settings=settings),
        verify_within_days=verify_within_days(session=session, organisation_id=viewer.organisation_id,
                                              settings=settings),
        verify_default_days=settings.verify_within_days,
        updated_at=chain.utc(row.updated_at) if row else None, updated_by=row.updated_by if row else None)


def update(*, session: Session, viewer: Principal, settings: Settings,
           body: OrganisationSettingsUpdate) -> OrganisationSettingsRead:
    """Save the organisation's settings; a period longer than the server's maximum is refused
    (``retention_above_maximum``, naming the kind), and nothing is saved then. Audited with old and new values."""
    maxima = server_periods(settings)
    for kind in RETENTION_KINDS:
        own, maximum = getattr(body.retention, kind), getattr(maxima, kind)
        if own is not None and maximum is not None and own > maximum:
            raise ApiError("retention_above_maximum", detail=f"{kind}: {own} > {maximum}")
    before = read(session=session, viewer=viewer, settings=settings)
    row = session.get(OrganisationSettings, viewer.organisation_id)
    if row is None:
        row = OrganisationSettings(organisation_id=viewer.organisation_id)
        session.add(row)
    for kind in RETENTION_KINDS:
        setattr(row, f"retention_{kind}_days", getattr(body.retention, kind))
    row.verify_within_days = body.verify_within_days
    row.updated_at, row.updated_by = datetime.now(UTC), viewer.username
    session.flush()
    after = read(session=session, viewer=viewer, settings=settings)
    audit.record(session=session, user=viewer, action="update_settings", object_type="settings",
                 object_id=str(viewer.organisation_id),
                 detail={"before": _audited(before), "after": _audited(after)})
    return after


def _audited(s: OrganisationSettingsRead) -> dict[str, object]:
    return {"own": s.own.model_dump(), "in_force": s.in_force.model_dump(),
            "verify_within_days": s.verify_within_days}
