"""The sync protocol's messages (DESIGN §3, research/sync.md §2).

The client sends named, versioned mutations with gap-free per-device ids; the server applies them in
order, skips ids it has already applied and records permanent failures as rejections that sync back.
Pull returns changes after a cursor from one server change sequence, scoped by the caller's role.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
"""The version of this protocol the code speaks; sent as ``X-Schema-Version`` on every request."""

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
    schema_version: int
    mutations: list[Mutation] = Field(max_length=MAX_MUTATIONS_PER_PUSH)


class Rejection(BaseModel):
    mutation_id: int
    code: str
    message: str


class PushResponse(BaseModel):
    last_mutation_id: int
    rejections: list[Rejection] = Field(default_factory=list)


class PullRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    schema_version: int
    cursor: int = Field(default=0, ge=0)
    limit: int = Field(default=500, ge=1, le=1000)


EntityName = Literal["template", "catalogue", "planned_control", "inspection_flag", "rejection", "comment"]


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
