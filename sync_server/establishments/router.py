"""``/establishments``: the register, violations, the handhavingsmatrix; ``/addresses/lookup`` (PDOK)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from schemas.planning import (
    EnforcementMatrix,
    EstablishmentCreate,
    EstablishmentDetail,
    EstablishmentRead,
    ViolationCreate,
    ViolationRead,
)
from schemas.records import Address
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.config import Settings
from sync_server.db import SessionDep
from sync_server.establishments import matrix as matrices
from sync_server.establishments import pdok, service
from sync_server.review import audit

router = APIRouter(tags=["establishments"])
Reader = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.TEAMLEIDER, Role.KETENREGISSEUR,
                                                    Role.BEHEERDER))]
Editor = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.BEHEERDER))]
Recorder = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.TEAMLEIDER, Role.BEHEERDER))]
Admin = Annotated[Principal, Depends(require_roles(Role.BEHEERDER))]


def _assets(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/establishments", response_model=list[EstablishmentRead])
def list_establishments(user: Reader, session: SessionDep,
                        kind: Annotated[str | None, Query(max_length=40)] = None) -> list[EstablishmentRead]:
    """The organisation's register, by name."""
    return service.list_all(session=session, organisation_id=user.organisation_id, kind=kind)


@router.post("/establishments", response_model=EstablishmentRead, status_code=201)
def create_establishment(body: EstablishmentCreate, user: Editor, session: SessionDep) -> EstablishmentRead:
    """Register an establishment in the caller's organisation."""
    return service.create(session=session, organisation_id=user.organisation_id, data=body)


@router.get("/establishments/{establishment_id}", response_model=EstablishmentDetail)
def get_establishment(establishment_id: UUID, user: Reader, session: SessionDep,
                      request: Request) -> EstablishmentDetail:
    """One establishment with its control history, violations and next enforcement steps."""
    return service.detail(session=session, organisation_id=user.organisation_id,
                          assets_dir=_assets(request).assets_dir, establishment_id=establishment_id)


@router.put("/establishments/{establishment_id}", response_model=EstablishmentRead)
def update_establishment(establishment_id: UUID, body: EstablishmentCreate, user: Editor,
                         session: SessionDep) -> EstablishmentRead:
    """Change an establishment's details or licence."""
    return service.update(session=session, organisation_id=user.organisation_id, establishment_id=establishment_id,
                          data=body)


@router.post("/establishments/{establishment_id}/violations", response_model=ViolationRead, status_code=201)
def record_violation(establishment_id: UUID, body: ViolationCreate, user: Recorder, session: SessionDep,
                     request: Request) -> ViolationRead:
    """Record a violation; the matrix's step for it is filled in unless given."""
    return service.record_violation(session=session, assets_dir=_assets(request).assets_dir,
                                    establishment_id=establishment_id, data=body, by=user)


@router.get("/enforcement-matrix", response_model=EnforcementMatrix)
def get_matrix(user: Reader, session: SessionDep, request: Request) -> EnforcementMatrix:
    """The organisation's handhavingsmatrix in force."""
    return matrices.current(session=session, organisation_id=user.organisation_id,
                            assets_dir=_assets(request).assets_dir)


@router.put("/enforcement-matrix", response_model=EnforcementMatrix)
def put_matrix(body: EnforcementMatrix, user: Admin, session: SessionDep, request: Request) -> EnforcementMatrix:
    """Store an edited matrix as its next version (beheerder only; audited)."""
    saved = matrices.save(session=session, organisation_id=user.organisation_id,
                          assets_dir=_assets(request).assets_dir, matrix=body, by=user.username)
    audit.record(session=session, user=user, action="enforcement_matrix_save", object_type="enforcement_matrix",
                 object_id=str(saved.version), detail={"categories": [c.id for c in saved.categories]})
    return saved


@router.get("/addresses/lookup", response_model=list[Address])
async def lookup_address(_user: Editor, request: Request,
                         q: Annotated[str, Query(min_length=3, max_length=120)]) -> list[Address]:
    """Addresses from the PDOK Locatieserver; 503 ``address_lookup_unavailable`` when it cannot be reached."""
    return await pdok.lookup(q, transport=getattr(request.app.state, "pdok_transport", None))
