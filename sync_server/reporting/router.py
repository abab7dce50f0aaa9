"""``/reporting``: aard en omvang, the uitzendbureau overview and the MDO/RIEC exports (ketenregisseur)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from schemas.pages import Page
from schemas.review import AgencyRow, Overview
from sync_server import paging
from sync_server.admin import settings as org_settings
from sync_server.auth.deps import require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.config import Settings
from sync_server.db import READ_ONLY, SessionDep
from sync_server.errors import ApiError
from sync_server.reporting import exports, service
from sync_server.review import audit

router = APIRouter(prefix="/reporting", tags=["reporting"])
Reader = Annotated[Principal, Depends(require_roles(Role.KETENREGISSEUR, Role.TEAMLEIDER))]
Ketenregisseur = Annotated[Principal, Depends(require_roles(Role.KETENREGISSEUR))]
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/overview", response_model=Overview)
def overview(user: Reader, session: SessionDep,
             year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Overview:
    """Counts and trends of the controls and signals the caller may see."""
    return service.overview(session=session, user=user, year=year)


@router.get("/agencies", response_model=Page[AgencyRow])
def agencies(user: Ketenregisseur, session: SessionDep, limit: paging.Limit = paging.DEFAULT_LIMIT,
             cursor: paging.Cursor = None) -> Page[AgencyRow]:
    """A page of the uitzendbureaus that house people at controlled addresses, worst level first, each with its
    latest controls (the read is audited)."""
    page = service.agencies(session=session, user=user, limit=limit, cursor=cursor)
    audit.record(session=session, user=user, action="read_agencies", object_type="report", object_id="agencies")
    return page


@router.get("/exports/{purpose}.{fmt}", response_class=Response,
            responses={200: {"content": {"text/csv": {}, MEDIA["xlsx"]: {}}}})
def export(purpose: str, fmt: Literal["csv", "xlsx"], user: Ketenregisseur, session: SessionDep,
           request: Request) -> Response:
    """The MDO (per signal) or RIEC (per flagged control) export as CSV or XLSX (audited), streamed."""
    if purpose not in exports.PURPOSES:
        raise ApiError("export_unknown")
    settings: Settings = request.app.state.settings
    audit.record(session=session, user=user, action="export", object_type="export", object_id=f"{purpose}.{fmt}",
                 detail={"rows": exports.count(session=session, user=user, purpose=purpose)})
    headers = {"Content-Disposition": f'attachment; filename="inspectie-{purpose}.{fmt}"'}
    within = org_settings.verify_within_days(session=session, organisation_id=user.organisation_id, settings=settings)
    body = _export_body(request.app.state.sessionmaker, user, purpose, fmt, within)
    return StreamingResponse(body, media_type=MEDIA[fmt], headers=headers)


def _export_body(factory: sessionmaker[Session], user: Principal, purpose: str, fmt: str,
                 within_days: int) -> Iterator[bytes]:
    """The file, read in its own read-only transaction (the request's ends before the body is sent): CSV written as
    the rows come, XLSX written whole to a spooled file first (a zip), then sent in pieces."""
    if fmt == "xlsx":
        with factory() as session, session.begin():
            session.connection(execution_options=READ_ONLY)
            rows = exports.rows(session=session, user=user, purpose=purpose, within_days=within_days)
            file = exports.write_xlsx(exports.HEADERS[purpose], rows, purpose.upper())
        return _pieces(file)
    return _csv_body(factory, user, purpose, within_days)


def _csv_body(factory: sessionmaker[Session], user: Principal, purpose: str, within_days: int) -> Iterator[bytes]:
    with factory() as session, session.begin():
        session.connection(execution_options=READ_ONLY)
        rows = exports.rows(session=session, user=user, purpose=purpose, within_days=within_days)
        yield from exports.csv_chunks(exports.HEADERS[purpose], rows)


def _pieces(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    with file:
        while piece := file.read(size):
            yield piece
