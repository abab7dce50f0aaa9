"""``identifier.add.v1`` and ``identifier.add.v2``: the inspector records an identifier on a control; the server
keeps its keyed hash.

Why a new name instead of an optional field on v1: a mutation name is a frozen signature (docs/SYNC.md
§Versions, "a changed signature gets a new name"), and v1's arguments forbid unknown fields. ``v2`` adds the
optional ``question_id`` of the checklist question that asked for the identifier (an identifier question,
``schemas.templates.QuestionType.IDENTIFIER``). The v1 handler stays exactly as it was, so an old tablet's queued
``identifier.add.v1`` is accepted after the upgrade and stored with no question; current tablets always send v2.
Upgrade the server before the tablets: a server without the v2 handler answers ``unknown_mutation``.

``identifier.remove.v1`` removes one identifier of the caller's own control: the inspector corrects a wrong value (a
correction is a remove and an add of the corrected value under a new id, queued together) or drops one the server
refused. Removing an identifier that is not there (its add was refused, or it was removed before) changes
nothing and is no rejection, so a refused add can always be cleared; each removal is audited
(``remove_identifier``, the kind and masked hint only). A refused add names its reason with one code of
``schemas.identifiers.PROBLEMS`` (the rule the tablet checks with), which the tablet shows on the identifier.

The question id is a pointer for the reader, not a rule: it is checked for its form only (a malformed one is a
rejection that syncs back), never against the control's template, because a linking identifier is worth
keeping even when its question cannot be found.
"""

from __future__ import annotations

import uuid

from pydantic import ConfigDict, Field

from schemas.identifiers import MAX_LENGTH, IdentifierKind
from schemas.inputs import InputModel
from schemas.sync import Mutation
from schemas.templates import ID_PATTERN
from sync_server.inspections.mutations import Handler, MutationContext, Rejected, _args, _owned
from sync_server.links import service
from sync_server.links.models import Identifier
from sync_server.review import audit


class IdentifierAddArgsV1(InputModel):
    """The arguments of ``identifier.add.v1`` (frozen)."""

    model_config = ConfigDict(extra="forbid")

    identifier_id: uuid.UUID
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=MAX_LENGTH)


class IdentifierAddArgs(IdentifierAddArgsV1):
    """The arguments of ``identifier.add.v2``: v1's, plus the question that asked for the identifier."""

    question_id: str | None = Field(default=None, max_length=64, pattern=ID_PATTERN)


def add_identifier_v1(ctx: MutationContext, m: Mutation) -> None:
    """Hash and store one identifier of the caller's own control (an app from before identifier questions)."""
    a = _args(IdentifierAddArgsV1, m)
    _add(ctx, m, IdentifierAddArgs(identifier_id=a.identifier_id, kind=a.kind, value=a.value))


def add_identifier(ctx: MutationContext, m: Mutation) -> None:
    """Hash and store one identifier of the caller's own control, with the question that asked for it."""
    _add(ctx, m, _args(IdentifierAddArgs, m))


def _add(ctx: MutationContext, m: Mutation, a: IdentifierAddArgs) -> None:
    inspection = _owned(ctx, m.entity_id)
    if ctx.session.get(Identifier, a.identifier_id) is not None:
        raise Rejected("already_exists", f"identifier {a.identifier_id}")
    problem = service.add(session=ctx.session, identifier_id=a.identifier_id, inspection=inspection, kind=a.kind,
                          value=a.value, question_id=a.question_id)
    if problem is not None:
        raise Rejected(problem)


class IdentifierRemoveArgs(InputModel):
    """The arguments of ``identifier.remove.v1`` (frozen)."""

    model_config = ConfigDict(extra="forbid")

    identifier_id: uuid.UUID


def remove_identifier(ctx: MutationContext, m: Mutation) -> None:
    """Remove one identifier of the caller's own control (none there: nothing to do); audited."""
    a = _args(IdentifierRemoveArgs, m)
    inspection = _owned(ctx, m.entity_id)
    row = service.remove(session=ctx.session, identifier_id=a.identifier_id, inspection=inspection)
    if row is not None:
        audit.record(session=ctx.session, user=ctx.user, action="remove_identifier", object_type="identifier",
                     object_id=str(row.id), inspection_id=inspection.id,
                     detail={"kind": row.kind, "hint": row.hint, "question_id": row.question_id})


HANDLERS: dict[str, Handler] = {
    "identifier.add.v1": add_identifier_v1,  # old tablets' queues (no question id)
    "identifier.add.v2": add_identifier,
    "identifier.remove.v1": remove_identifier,
}
"""This feature's mutations; ``sync.registry`` joins them with the controls' own."""
