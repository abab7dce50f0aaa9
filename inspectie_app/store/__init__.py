"""The tablet's local store: SQLite via SQLAlchemy, migrated by Alembic at start."""

from inspectie_app.store.pulled import PullDataError
from inspectie_app.store.repository import (
    InspectionRecord,
    InspectorStore,
    LocalConflict,
    NewPhoto,
    PendingPhoto,
    ServerFlag,
    SqliteStore,
    SyncMetaView,
)

__all__ = [
    "InspectionRecord",
    "InspectorStore",
    "LocalConflict",
    "NewPhoto",
    "PendingPhoto",
    "PullDataError",
    "ServerFlag",
    "SqliteStore",
    "SyncMetaView",
]
