"""``identifier.add.v1``: the inspector records an identifier on a control; the server keeps its keyed hash."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from schemas.review import IdentifierKind
from schemas.sync import Mutation
from sync_server.inspections.mutations import MutationContext, Rejected, _args, _owned
from sync_server.links import service
from sync_server.links.models import Identifier


class IdentifierAddArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifier_id: uuid.UUID
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=500)


def add_identifier(ctx: MutationContext, m: Mutation) -> None:
    """Hash and store one identifier of the caller's own control."""
    a = _args(IdentifierAddArgs, m)
    inspection = _owned(ctx, m.entity_id)
    if ctx.session.get(Identifier, a.identifier_id) is not None:
        raise Rejected("already_exists", f"identifier {a.identifier_id}")
    if not service.add(session=ctx.session, identifier_id=a.identifier_id, inspection=inspection,
                       kind=a.kind, value=a.value):
        raise Rejected("invalid_args", f"{a.kind.value}: nothing left after normalising")
