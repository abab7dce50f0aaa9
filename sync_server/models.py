"""Imports every feature's models so ``Base.metadata`` is complete (Alembic and tests use this)."""

from sync_server.admin.models import OrganisationSettings
from sync_server.auth.models import Device, LoginFailure, User
from sync_server.blobs.models import Blob, BlobArrival, BlobHolder
from sync_server.catalog.models import (
    CatalogueDraft,
    CataloguePublication,
    PublishedCatalogue,
    PublishedTemplate,
    ReferenceCaseRow,
)
from sync_server.checklists.models import ChecklistDraft
from sync_server.db import Base
from sync_server.establishments.models import EnforcementMatrixVersion, Establishment, Violation
from sync_server.inspections.control_facts import ControlFact
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links.models import Cluster, ClusterLock, Identifier
from sync_server.planning.models import PlannedControl, PlannedControlInspector, PlanYear
from sync_server.reporting.models import AGENCY_INDEX
from sync_server.retention.models import PurgeRun
from sync_server.review.models import AuditChain, AuditCheckpoint, AuditEntry, Comment, Referral, Verification
from sync_server.sync.models import ChangeLog, Quarantine, SyncClient, SyncCounter
from sync_server.tenancy.models import Organisation, Team

__all__ = [
    "EnforcementMatrixVersion", "Establishment", "PlanYear", "Violation",
    "Answer", "AuditEntry", "Base", "Blob", "BlobArrival", "ChangeLog", "Comment", "Device", "Identifier",
    "Inspection", "Person",
    "Organisation", "Photo", "PlannedControl", "PlannedControlInspector", "PublishedCatalogue", "PublishedTemplate",
    "Quarantine", "Referral", "SyncClient", "SyncCounter", "Team", "User", "Verification",
    "AuditChain", "AuditCheckpoint", "PurgeRun",
    "LoginFailure",
    "BlobHolder",
    "SignalFact",
    "ControlFact",
    "AGENCY_INDEX",
    "CatalogueDraft",
    "CataloguePublication",
    "ReferenceCaseRow",
    "ChecklistDraft",
    "Cluster",
    "ClusterLock",
    "OrganisationSettings",
]
