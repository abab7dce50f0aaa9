"""``/catalogue``: the beheerder's indicator catalogue cycle and reference cases (issue 15 part B). Beheerder only
(other roles 403); the draft, the cases and the dry run are the caller's organisation's (another's: 404)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from schemas.catalogue_beheer import (
    CASE_NAME_PATTERN,
    CaseRead,
    CaseRunRead,
    CaseUpdate,
    CaseWrite,
    CatalogueDraftSave,
    CatalogueVersionRead,
    DraftRead,
    DryRunRead,
    MarginsRead,
    PublishRequest,
    QuestionRef,
)
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.catalog import drafts, published, refcases
from sync_server.db import SessionDep
from sync_server.review import audit
from sync_server.tenancy import access

router = APIRouter(prefix="/catalogue", tags=["catalogue"])
Beheerder = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]
CaseName = Annotated[str, Path(pattern=CASE_NAME_PATTERN)]


def _assets(request: Request) -> FilePath:
    folder: FilePath = request.app.state.settings.assets_dir
    return folder


@router.get("/versions", response_model=list[CatalogueVersionRead])
def list_versions(user: Beheerder, session: SessionDep) -> list[CatalogueVersionRead]:
    """Every published catalogue version, newest (in force) first."""
    return drafts.versions(session=session, user=user)


@router.get("/questions", response_model=list[QuestionRef])
def list_questions(_user: Beheerder, session: SessionDep) -> list[QuestionRef]:
    """The questions the published checklists ask: what a rule may read (not those marked not scoring)."""
    return drafts.questions(session=session)


@router.get("/draft", response_model=DraftRead)
def get_draft(user: Beheerder, session: SessionDep) -> DraftRead:
    """The organisation's draft with its problems in Dutch; 404 when there is none."""
    return drafts.read(session, drafts.draft_or_404(session=session, user=user))


@router.post("/draft", response_model=DraftRead, status_code=201)
def create_draft(user: Beheerder, session: SessionDep) -> DraftRead:
    """A draft of the next version from the current one (409 when the organisation has one already)."""
    return drafts.read(session, drafts.create(session=session, user=user))


@router.put("/draft", response_model=DraftRead)
def save_draft(body: CatalogueDraftSave, user: Beheerder, session: SessionDep) -> DraftRead:
    """Store the edited draft as it is; the answer lists what must be fixed before it can be published."""
    return drafts.read(session, drafts.save(session=session, user=user, content=body.content))


@router.delete("/draft", status_code=204)
def discard_draft(user: Beheerder, session: SessionDep) -> None:
    """Throw the draft away."""
    drafts.discard(session=session, user=user)


@router.post("/draft/test", response_model=CaseRunRead)
def test_draft(user: Beheerder, session: SessionDep, request: Request) -> CaseRunRead:
    """Run the organisation's active reference cases against the draft (audited, with the outcome)."""
    run = drafts.run_cases(session=session, user=user, assets_dir=_assets(request))
    audit.record(session=session, user=user, action="catalogue_cases_run", object_type="catalogue_draft",
                 object_id=run.catalogue, detail={"passed": run.passed, "failed": run.failed})
    return run


@router.get("/draft/margins/{name}", response_model=MarginsRead)
def draft_margins(name: CaseName, user: Beheerder, session: SessionDep, request: Request) -> MarginsRead:
    """The single answers that would move one reference case a level with the draft."""
    return drafts.case_margins(session=session, user=user, name=name, assets_dir=_assets(request))


@router.post("/draft/dry-run", response_model=DryRunRead)
def dry_run(user: Beheerder, session: SessionDep) -> DryRunRead:
    """Which open controls of the organisation would change level with the draft (nothing is written)."""
    return drafts.dry_run(session=session, user=user)


@router.post("/draft/publish", response_model=CatalogueVersionRead)
def publish_draft(body: PublishRequest, user: Beheerder, session: SessionDep,
                  request: Request) -> CatalogueVersionRead:
    """Publish the draft as the next version (tablets get it at their next sync; open controls are re-judged).
    409 while it has problems, or while a reference case fails and no reason is signed; 403
    ``publish_central_only`` for a beheerder outside the publishing organisation."""
    access.publisher_or_403(session=session, user=user,
                            publishing_organisation=request.app.state.settings.publishing_organisation)
    return drafts.publish(session=session, user=user, reason=body.reason, assets_dir=_assets(request))


@router.get("/cases", response_model=list[CaseRead])
def list_cases(user: Beheerder, session: SessionDep, request: Request) -> list[CaseRead]:
    """The organisation's reference cases, retired ones included."""
    return [refcases.read(r) for r in refcases.rows(session=session, user=user, assets_dir=_assets(request))]


@router.post("/cases", response_model=CaseRead, status_code=201)
def add_case(body: CaseWrite, user: Beheerder, session: SessionDep, request: Request) -> CaseRead:
    """Add a reference case (409 when the name exists; 422 ``case_invalid`` with the problems in Dutch)."""
    return refcases.read(refcases.create(session=session, user=user, name=body.name, content=body.content,
                                         templates=published.list_templates(session=session),
                                         assets_dir=_assets(request)))


@router.get("/cases/{name}", response_model=CaseRead)
def get_case(name: CaseName, user: Beheerder, session: SessionDep, request: Request) -> CaseRead:
    return refcases.read(refcases.row_or_404(session=session, user=user, name=name, assets_dir=_assets(request)))


@router.put("/cases/{name}", response_model=CaseRead)
def edit_case(name: CaseName, body: CaseUpdate, user: Beheerder, session: SessionDep, request: Request) -> CaseRead:
    """Change a reference case (422 ``case_invalid`` with the problems in Dutch)."""
    return refcases.read(refcases.update(session=session, user=user, name=name, content=body.content,
                                         templates=published.list_templates(session=session),
                                         assets_dir=_assets(request)))


@router.post("/cases/{name}/retire", response_model=CaseRead)
def retire_case(name: CaseName, user: Beheerder, session: SessionDep, request: Request) -> CaseRead:
    """Retire a case: kept, no longer run."""
    return refcases.read(refcases.set_retired(session=session, user=user, name=name, retired=True,
                                              assets_dir=_assets(request)))


@router.post("/cases/{name}/restore", response_model=CaseRead)
def restore_case(name: CaseName, user: Beheerder, session: SessionDep, request: Request) -> CaseRead:
    """Run a retired case again."""
    return refcases.read(refcases.set_retired(session=session, user=user, name=name, retired=False,
                                              assets_dir=_assets(request)))
