"""``/links``: controls connected by shared identifiers (keyed hashes; see ``links.service``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from schemas.identifiers import IdentifierKind
from schemas.inputs import InputModel
from schemas.pages import Page
from schemas.review import Cluster, IdentifierRead, LinkedControl
from sync_server import paging
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.db import SessionDep
from sync_server.links import service
from sync_server.review import audit
from sync_server.tenancy import access

router = APIRouter(prefix="/links", tags=["links"])
Reviewer = Annotated[Principal, Depends(require_roles(Role.TEAMLEIDER, Role.KETENREGISSEUR))]
Ketenregisseur = Annotated[Principal, Depends(require_roles(Role.KETENREGISSEUR))]


class LookupRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=500)


@router.get("/inspections/{inspection_id}", response_model=list[LinkedControl])
def linked(inspection_id: UUID, user: Reviewer, session: SessionDep) -> list[LinkedControl]:
    """Controls sharing an identifier with this one."""
    inspection = access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    found = service.linked(session=session, inspection=inspection, viewer=user)
    audit.record(session=session, user=user, action="read_links", object_type="inspection",
                 object_id=str(inspection_id), inspection_id=inspection_id, detail={"rows": len(found)})
    return found


@router.get("/inspections/{inspection_id}/identifiers", response_model=list[IdentifierRead])
def control_identifiers(inspection_id: UUID, user: Reviewer, session: SessionDep) -> list[IdentifierRead]:
    """The identifiers recorded on this control: kind, masked hint and the checklist question that asked for it."""
    inspection = access.inspection_or_404(session=session, user=user, inspection_id=inspection_id)
    found = service.identifiers(session=session, inspection=inspection)
    audit.record(session=session, user=user, action="read_identifiers", object_type="inspection",
                 object_id=str(inspection_id), inspection_id=inspection_id, detail={"rows": len(found)})
    return found


@router.get("/clusters", response_model=Page[Cluster])
def clusters(user: Ketenregisseur, session: SessionDep, limit: paging.Limit = paging.DEFAULT_LIMIT,
             cursor: paging.Cursor = None) -> Page[Cluster]:
    """A page of the groups of the organisation's controls connected by shared identifiers, largest first."""
    page = service.clusters(session=session, viewer=user, limit=limit, cursor=cursor)
    audit.record(session=session, user=user, action="read_clusters", object_type="list", object_id="clusters",
                 detail={"rows": len(page.items)})
    return page


@router.post("/lookup", response_model=list[LinkedControl])
def lookup(body: LookupRequest, user: Ketenregisseur, session: SessionDep) -> list[LinkedControl]:
    """The controls on which a known identifier was recorded; the lookup is audited (kind only, never the value)."""
    found = service.lookup(session=session, viewer=user, kind=body.kind, value=body.value)
    audit.record(session=session, user=user, action="lookup_identifier", object_type="identifier",
                 object_id=body.kind.value, detail={"matches": len(found)})
    return found
