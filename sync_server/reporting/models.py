"""Reporting keeps no tables of its own; the indexes its queries need on other features' tables are declared here,
with the code that reads them (migration 2026_12_06_1100)."""

from __future__ import annotations

from sqlalchemy import Index

from sync_server.links.models import Identifier

# the uitzendbureaus (``service.agencies``): an organisation's agency identifiers by number, with their controls
AGENCY_INDEX = Index("ix_control_identifier_agency", Identifier.organisation_id, Identifier.kind,
                     Identifier.public_value, Identifier.inspection_id)
