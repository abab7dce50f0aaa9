"""What the inspector's views may ask of the app: the service contract and its view models.

Views render these plain objects and call ``InspectorServiceProtocol``; they never touch SQL or HTTP.
``inspectie_app.services.InspectorService`` implements it over the local SQLite store and the sync
client. Every method is ``async`` and does its blocking work off Flet's event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Protocol
from uuid import UUID

from schemas.catalogue import Guidance
from schemas.engine import FlagResult
from schemas.identifiers import IdentifierKind
from schemas.records import Address, InspectionStatus, PersonRecord
from schemas.templates import AnswerValue, Question, Template


class AppError(Exception):
    """A failure the user must see; ``code`` is a key of the UI message catalogue (inspectie_app.i18n)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class LoginError(AppError):
    """codes: login_failed, login_offline, login_rate_limited, login_wrong_role, login_account_disabled,
    login_device_revoked (this tablet was revoked: it handed over its unsynced work and wiped itself)"""


class AnswerError(AppError):
    """codes: answer_invalid (detail says why), inspection_finished; for an identifier one of
    ``schemas.identifiers.PROBLEMS`` (identifier_empty, identifier_too_long, identifier_kvk_invalid, ...)"""


class PhotoError(AppError):
    """codes: photo_not_image, photo_heic_unsupported, photo_too_large, photo_truncated"""


class FinishError(AppError):
    """code: finish_missing_required; ``missing`` lists the questions still to answer."""

    def __init__(self, missing: list[tuple[str | None, Question]]) -> None:
        super().__init__("finish_missing_required", ", ".join(q.id for _p, q in missing))
        self.missing = missing  # (person_id or None for premises, question)


@dataclass(frozen=True)
class LocalUser:
    id: UUID
    username: str
    display_name: str
    role: str
    server_url: str
    must_change_password: bool = False  # a beheerder reset the password: the app asks for a new one first


@dataclass(frozen=True)
class AssignedControl:
    """A planned control assigned to this inspector (from sync)."""

    id: UUID
    control_type: str
    template_id: str
    scheduled_on: date
    address: Address
    partners: list[str]
    briefing: str
    inspection_id: UUID | None  # set once the inspector has started it
    start_time: time | None = None  # local (Europe/Amsterdam) start, when the planner set one
    establishment_name: str = ""


@dataclass(frozen=True)
class InspectionListItem:
    id: UUID
    control_type: str
    address: Address
    status: InspectionStatus
    started_at: datetime
    finished_at: datetime | None
    level: int | None  # the server's flag once synced, else the local evaluation
    unsynced: bool  # has outbox entries not yet acknowledged


@dataclass(frozen=True)
class PhotoItem:
    id: UUID
    sha256: str
    caption: str
    thumbnail_path: str  # local file, JPEG
    uploaded: bool


@dataclass(frozen=True)
class InspectionState:
    """Everything the checklist screen needs for one inspection."""

    id: UUID
    template: Template
    address: Address
    status: InspectionStatus
    note: str
    answers: dict[str, AnswerValue]
    persons: list[PersonRecord]
    photos: list[PhotoItem]
    flag: FlagResult  # evaluated locally with the synced catalogue; same code as the server
    server_level: int | None  # the server's stored level once synced


@dataclass(frozen=True)
class LocalIdentifier:
    """An identifier recorded on a control; the tablet keeps the value, the server only its keyed hash.

    ``question_id``: the identifier question that asked for it (None: recorded in the Kenmerken panel)."""

    id: UUID
    kind: IdentifierKind
    value: str
    question_id: str | None = None
    refused: str | None = None  # the server refused it: the code (``schemas.identifiers.PROBLEMS`` or another)


@dataclass(frozen=True)
class ConflictNotice:
    """A finding the team lead corrected while this tablet changed it too; the server kept ``kept_value``
    and stored the tablet's ``device_value`` for the team lead to resolve (nothing is lost).

    ``field`` "person": this tablet deleted a person whose answers the team lead had corrected; the delete
    stood and ``office_value`` holds the dropped corrections (``schemas.conflicts.DroppedPerson``)."""

    inspection_id: UUID
    field: str  # "answer" | "note" | "person"
    question_id: str | None
    person_id: str | None
    device_value: object
    kept_value: object
    status: str  # "open" | "resolved"
    office_value: object = None


@dataclass(frozen=True)
class RejectionNotice:
    """A change the server refused and the inspector has not fixed yet, with the item it concerns: the screens
    show it there in words (i18n ``rejected_<code>``) with a way to fix it (issue 14).

    ``identifier_id``: a refused identifier (correct or remove it); ``question_id``/``person_id``: a refused answer
    (answer again); otherwise the control as a whole (``where`` is its address; the inspector marks it as seen)."""

    mutation_id: int
    code: str  # the server's rejection code (``sync_server.errors.REJECTIONS``)
    mutation_name: str | None
    inspection_id: UUID | None
    question_id: str | None = None
    person_id: str | None = None
    identifier_id: UUID | None = None
    where: str = ""
    control_known: bool = True  # the control is still on this tablet


@dataclass(frozen=True)
class SyncStatus:
    pending_changes: int
    pending_photos: int
    last_success_at: datetime | None
    last_error: str | None  # i18n key of the last failure, e.g. "sync_offline"
    syncing: bool = False
    rejections: list[str] = field(default_factory=list)  # messages of mutations the server refused
    refused: list[RejectionNotice] = field(default_factory=list)  # the same, with the item each concerns
    conflicts: list[ConflictNotice] = field(default_factory=list)  # open conflicts with office corrections
    revoked: bool = False  # the server revoked this device: its unsynced work waits for the handover, then a wipe


class InspectorServiceProtocol(Protocol):
    async def current_user(self) -> LocalUser | None: ...

    async def login(self, username: str, password: str) -> LocalUser: ...

    async def logout(self) -> None:
        """Raises AppError("logout_pending") while there is unsynced work."""

    async def change_password(self, current: str, new: str) -> None:
        """Replace a reset password; AppError password_wrong, password_too_short, password_unchanged, or a sync
        error code (e.g. sync_offline)."""

    async def assigned_controls(self) -> list[AssignedControl]: ...

    async def inspections(self) -> list[InspectionListItem]: ...

    async def templates(self) -> list[Template]:
        """The published templates the app has (synced from the server)."""

    async def start_inspection(
        self, *, template_id: str, address: Address, planned_control_id: UUID | None = None
    ) -> UUID: ...

    async def inspection(self, inspection_id: UUID) -> InspectionState: ...

    async def set_answer(
        self, inspection_id: UUID, question_id: str, value: AnswerValue, person_id: str | None = None
    ) -> InspectionState:
        """Saved at once with its outbox entry; returns the new state (with the re-evaluated flag)."""

    async def add_person(self, inspection_id: UUID) -> PersonRecord: ...

    async def remove_person(self, inspection_id: UUID, person_id: str) -> None: ...

    async def set_note(self, inspection_id: UUID, text: str) -> None: ...

    async def add_photo(self, inspection_id: UUID, data: bytes, caption: str = "") -> PhotoItem: ...

    async def thumbnail(self, photo: PhotoItem) -> bytes | None:
        """The photo's thumbnail, decrypted (None when its file is gone)."""

    async def identifiers(self, inspection_id: UUID) -> list[LocalIdentifier]:
        """Every identifier recorded on the control, oldest first."""

    async def add_identifier(self, inspection_id: UUID, kind: IdentifierKind, value: str,
                             question_id: str | None = None) -> LocalIdentifier:
        """Saved at once with its outbox entry; raises AnswerError (identifier_empty, identifier_too_long, ...)."""

    async def remove_identifier(self, inspection_id: UUID, identifier_id: UUID) -> None:
        """Remove an identifier (queues ``identifier.remove.v1``); on a finished control only a refused one."""

    async def correct_identifier(self, inspection_id: UUID, identifier_id: UUID, value: str) -> LocalIdentifier:
        """Replace an identifier's value (a remove and an add, queued together); AnswerError with a code of
        ``schemas.identifiers.PROBLEMS`` for a value the server would refuse, and nothing changes."""

    async def dismiss_rejection(self, mutation_id: int) -> None:
        """The inspector has seen a refused change that has no item to fix: stop listing it."""

    async def finish(self, inspection_id: UUID) -> FlagResult: ...

    async def sync_now(self) -> SyncStatus: ...

    async def sync_status(self) -> SyncStatus: ...

    async def urgent_guidance(self) -> Guidance | None:
        """The synced catalogue's urgent guidance (shown at level 3), or None before the first sync."""
