"""The sync protocol's messages (DESIGN §3, research/sync.md §2).

The client sends named, versioned mutations with gap-free per-device ids; the server applies them in
order, skips ids it has already applied and records permanent failures as rejections that sync back.
Pull returns changes after a cursor from one server change sequence, scoped by the caller's role.
"""

from __future__ import annotations

from typing import Any, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.inputs import InputModel

SCHEMA_VERSION = 3
"""The version of this protocol the code speaks; sent as ``X-Schema-Version`` on every request.

2: mutations carry ``base_version`` (the device's pull cursor when it made the change); pull entities
``conflict`` and ``correction``; pull ``reset``/``scope_epoch``.
3: templates and catalogues of data format 2 (identifier questions, not_scoring marks, shared modules expanded,
the horeca and flitsbezorger checklists; catalogue facts, profile contexts and the legal frame).
"""

MIN_SUPPORTED_SCHEMA_VERSION = 1

MUTATION_NAMES = (
    "inspection.create.v1",
    "inspection.update.v1",
    "inspection.finish.v1",
    "answer.set.v1",
    "person.create.v1",
    "person.delete.v1",
    "photo.attach.v1",
    "identifier.add.v1",
    "identifier.add.v2",  # adds the optional question_id of the identifier question that asked for it
    "identifier.remove.v1",  # the inspector removes (or, with an add, corrects) an identifier of their control
)

MAX_MUTATIONS_PER_PUSH = 500


class Mutation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=64)
    entity_id: UUID
    base_version: int | None = None
    args: dict[str, Any]


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    schema_version: int = Field(le=2**31 - 1)  # stored in an INTEGER column
    mutations: list[Mutation] = Field(max_length=MAX_MUTATIONS_PER_PUSH)


class Rejection(BaseModel):
    mutation_id: int
    code: str
    message: str


class PushResponse(BaseModel):
    last_mutation_id: int
    rejections: list[Rejection] = Field(default_factory=list)


class PullRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    schema_version: int = Field(le=2**31 - 1)  # stored in an INTEGER column
    cursor: int = Field(default=0, ge=0, le=2**63 - 1)
    limit: int = Field(default=500, ge=1, le=1000)
    # v2: the epoch of the cursor; a different server epoch means reset
    scope_epoch: int | None = Field(default=None, ge=0, le=2**63 - 1)


EntityName = Literal["template", "catalogue", "planned_control", "inspection_flag", "rejection", "comment",
                     "conflict", "correction"]

ENTITY_SINCE: dict[str, int] = {
    "template": 1, "catalogue": 1, "planned_control": 1, "inspection_flag": 1, "rejection": 1, "comment": 1,
    "conflict": 2, "correction": 2,
}
"""The schema version that introduced each pull entity: the server never sends an entity to an older client.
Add your entity here (and to ``EntityName``) with the version that first understands it."""


ASSET_FORMAT_SINCE: dict[int, int] = {1: 1, 2: 3}
"""The schema version that first parses each data format of a template or catalogue. An older app would refuse
the whole pull page on a newer format: the server holds such an asset back, and the app keeps judging with the
assets it has (the server's own judgement stays authoritative)."""


def readable_asset(entity: str, data: dict[str, Any] | None, schema_version: int) -> bool:
    """Whether a client speaking ``schema_version`` can parse this pull change's template or catalogue."""
    if entity not in ("template", "catalogue") or not data:
        return True
    fmt = data.get("format", 1)
    return isinstance(fmt, int) and ASSET_FORMAT_SINCE.get(fmt, fmt + SCHEMA_VERSION) <= schema_version


def entities_for(schema_version: int) -> list[str]:
    """The pull entities a client speaking ``schema_version`` can parse."""
    return sorted(name for name, since in ENTITY_SINCE.items() if since <= schema_version)


class Change(BaseModel):
    seq: int
    entity: EntityName
    entity_id: str
    op: Literal["put", "delete"]
    data: dict[str, Any] | None = None


class PullResponse(BaseModel):
    changes: list[Change]
    cursor: int
    has_more: bool
    last_mutation_id: int
    reset: bool = False  # v2: drop server-owned local data; this response starts a full snapshot
    scope_epoch: int = 0  # v2: send it back with the next cursor

    @field_validator("changes", mode="before")
    @classmethod
    def _known_entities_only(cls, value: Any) -> Any:
        """A newer server may know entities this app does not: skip them instead of failing the page."""
        if not isinstance(value, list):
            return value
        known = set(get_args(EntityName))
        return [c for c in value if not isinstance(c, dict) or c.get("entity") in known]
