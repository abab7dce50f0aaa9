"""``/admin/checklists``: the beheerder's checklists — the published versions, a draft per checklist and
organisation (make, read, save, delete), its check (problems, catalogue conflicts, changes) and its publication as
the next version for every device. Other roles get 403; another organisation's draft 404."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request, Response

from schemas.checklist_drafts import ChecklistDraftSave, ChecklistRead, DraftCheck, DraftRead, PublishResult
from schemas.templates import ID_PATTERN
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.checklists import service
from sync_server.db import SessionDep

router = APIRouter(prefix="/admin/checklists", tags=["admin"])
Beheerder = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]
TemplateId = Annotated[str, Path(pattern=ID_PATTERN, max_length=64)]


@router.get("", response_model=list[ChecklistRead])
def list_checklists(user: Beheerder, session: SessionDep) -> list[ChecklistRead]:
    """Every checklist with its published versions, newest first, and the organisation's open draft."""
    return service.overview(session=session, viewer=user)


@router.get("/{template_id}/versions/{version}", response_model=dict[str, Any])
def published_version(template_id: TemplateId, version: Annotated[int, Path(ge=1, le=9999)], user: Beheerder,
                      session: SessionDep) -> dict[str, Any]:
    """One published version's content (the template as JSON)."""
    return service.published_content(session=session, template_id=template_id, version=version)


@router.post("/{template_id}/drafts", response_model=DraftRead, status_code=201)
def create_draft(template_id: TemplateId, user: Beheerder, session: SessionDep) -> DraftRead:
    """A draft of the next version from the newest published one (409 when the organisation has one already)."""
    return service.create_draft(session=session, viewer=user, template_id=template_id)


@router.get("/drafts/{draft_id}", response_model=DraftRead)
def get_draft(draft_id: UUID, user: Beheerder, session: SessionDep) -> DraftRead:
    """The draft with its problems, each on the part, section, question and field it concerns."""
    return service.get_draft(session=session, viewer=user, draft_id=draft_id)


@router.put("/drafts/{draft_id}", response_model=DraftRead)
def save_draft(draft_id: UUID, body: ChecklistDraftSave, user: Beheerder, session: SessionDep) -> DraftRead:
    """Store the draft as it is, problems and all; the problems come back (409 when it was saved since)."""
    return service.save_draft(session=session, viewer=user, draft_id=draft_id, content=body.content,
                              revision=body.revision)


@router.delete("/drafts/{draft_id}", status_code=204)
def delete_draft(draft_id: UUID, user: Beheerder, session: SessionDep) -> Response:
    """Throw the draft away (the published versions stay as they are)."""
    service.delete_draft(session=session, viewer=user, draft_id=draft_id)
    return Response(status_code=204)


@router.get("/drafts/{draft_id}/check", response_model=DraftCheck)
def check_draft(draft_id: UUID, user: Beheerder, session: SessionDep) -> DraftCheck:
    """What publishing would do: the draft's problems, the catalogue's conflicts, the changes, the next version."""
    return service.check_draft(session=session, viewer=user, draft_id=draft_id)


@router.post("/drafts/{draft_id}/publish", response_model=PublishResult)
def publish_draft(draft_id: UUID, user: Beheerder, session: SessionDep, request: Request) -> PublishResult:
    """Publish the draft as the next immutable version; every tablet receives it at its next sync. 403
    ``publish_central_only`` for a beheerder outside the publishing organisation."""
    return service.publish_draft(session=session, viewer=user, draft_id=draft_id,
                                 publishing_organisation=request.app.state.settings.publishing_organisation)
