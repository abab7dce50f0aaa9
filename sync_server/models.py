"""Imports every feature's models so ``Base.metadata`` is complete (Alembic and tests use this)."""

from sync_server.auth.models import Device, User
from sync_server.blobs.models import Blob
from sync_server.catalog.models import PublishedCatalogue, PublishedTemplate
from sync_server.db import Base
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.sync.models import ChangeLog, Quarantine, SyncClient, SyncCounter

__all__ = [
    "Answer", "Base", "Blob", "ChangeLog", "Device", "Inspection", "Person", "Photo", "PlannedControl",
    "PlannedControlInspector", "PublishedCatalogue", "PublishedTemplate", "Quarantine", "SyncClient", "SyncCounter",
    "User",
]
