"""The server's error catalogue: stable codes with their HTTP status and Dutch and English messages (the words
live in the one text catalogue, ``schemas.texts.errors``), and their handlers.

Every 4xx the API returns has the body ``{"code", "message", "message_en"}``. Raise ``ApiError(code)``;
``install_error_handlers`` turns it (and request validation errors) into that JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas.inputs import UNSTORABLE, clean
from schemas.texts import pair, t
from sync_server.routes import allowed_methods

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorSpec:
    """An error code's HTTP status and its message in both languages (``error_<code>`` in ``schemas.texts``)."""

    code: str
    status: int

    @property
    def nl(self) -> str:
        return t(f"error_{self.code}", "nl")

    @property
    def en(self) -> str:
        return t(f"error_{self.code}", "en")


STATUS: dict[str, int] = {
    "validation_error": 422,
    # input that no database stores (issue 12 part A, schemas.inputs)
    "input_unstorable": 422,
    "not_authenticated": 401,
    "login_failed": 401,
    "login_rate_limited": 429,
    "device_revoked": 401,
    "forbidden": 403,
    "not_found": 404,
    # every database connection of this worker is in use, or SQLite's writer lock stayed taken (issue 13 part B)
    "server_busy": 503,
    "method_not_allowed": 405,
    "client_id_taken": 403,
    "schema_unsupported": 426,
    "schema_too_new": 409,
    "username_taken": 409,
    "username_invalid": 422,
    "invalid_sha256": 400,
    "upload_offset_mismatch": 409,
    "upload_headers_invalid": 400,
    "upload_too_long": 400,
    "blob_too_large": 413,
    "hash_mismatch": 422,
    "blob_exists": 409,
    # sync (issue 4)
    "upload_expired": 410,
    "conflict_resolved": 409,
    "person_deleted": 409,
    "person_not_restorable": 409,
    # planning (issue 6)
    "address_invalid": 422,
    "address_lookup_unavailable": 503,
    "planning_date_out_of_range": 422,
    "unknown_control_type": 422,
    "planned_control_cancelled": 409,
    "violation_in_future": 422,
    "no_such_signal": 409,
    "export_unknown": 404,
    # tenancy
    "team_unknown": 422,
    "team_exists": 409,
    "inspector_other_organisation": 422,
    # tokens, devices and accounts (issue 12 part B, docs/SECURITY.md "Tokens and devices")
    "token_expired": 401,
    "session_ended": 401,
    "account_disabled": 401,
    "password_change_required": 403,
    "password_wrong": 422,
    "password_too_short": 422,
    "password_unchanged": 422,
    "client_id_mismatch": 403,
    "handover_refused": 403,
    "cannot_disable_self": 409,
    # the beheerder's users, teams and settings (issue 15 part C)
    "last_beheerder": 409,
    "team_key_invalid": 422,
    "display_name_invalid": 422,
    "user_already_in_team": 409,
    "retention_above_maximum": 422,
    # the beheerder's indicator catalogue and reference cases (issue 15 part B)
    "catalogue_draft_exists": 409,
    "catalogue_none_published": 409,
    "catalogue_draft_outdated": 409,
    "catalogue_draft_invalid": 409,
    "catalogue_cases_failed": 409,
    "case_exists": 409,
    "case_invalid": 422,
    # limits and quotas (issue 12 part C, docs/SECURITY.md "Limits and quotas")
    "body_too_large": 413,
    "handover_full": 413,
    "quarantine_full": 413,
    # checklists in the office app (issue 15 part A)
    "checklist_draft_exists": 409,
    "checklist_draft_changed": 409,
    "checklist_draft_invalid": 422,
    "publish_central_only": 403,
    "checklist_draft_outdated": 409,
    "checklist_catalogue_conflict": 409,
    "upload_quota_exceeded": 429,
}

# Rejection codes for mutations (sent back through sync, not as HTTP errors).
REJECTION_CODES: tuple[str, ...] = (
    "unknown_mutation", "invalid_args", "forbidden", "not_found", "already_exists", "unknown_template",
    "unknown_question", "invalid_answer", "unknown_person", "inspection_finished", "input_unstorable",
    "identifier_empty", "identifier_too_long", "identifier_phone_invalid", "identifier_kvk_invalid",
    "identifier_plate_invalid", "identifier_url_invalid",
)


CATALOGUE: dict[str, ErrorSpec] = {code: ErrorSpec(code, status) for code, status in STATUS.items()}
REJECTIONS: dict[str, tuple[str, str]] = {code: pair(f"rejection_{code}") for code in REJECTION_CODES}
"""A rejection code -> its Dutch and English message."""


class ApiError(Exception):
    """An expected failure with a stable code from ``CATALOGUE``."""

    def __init__(self, code: str, *, headers: dict[str, str] | None = None, detail: str = "") -> None:
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code}")
        self.code = code
        self.spec = CATALOGUE[code]
        self.headers = headers or {}
        self.detail = detail
        super().__init__(code)


def error_body(code: str, detail: str = "") -> dict[str, Any]:
    spec = CATALOGUE[code]
    body: dict[str, Any] = {"code": code, "message": spec.nl, "message_en": spec.en}
    if detail:
        body["detail"] = detail
    return body


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(error_body(exc.code, exc.detail), status_code=exc.spec.status, headers=exc.headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10])
    code = "input_unstorable" if any(e["type"] == UNSTORABLE for e in exc.errors()) else "validation_error"
    return JSONResponse(error_body(code, clean(problems)), status_code=422)


_HTTP_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:  # name every method of the path, not only those of the first route that matched
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed_methods(request.app, request.url.path))}
    code = _HTTP_CODES.get(exc.status_code)
    if code is None:
        body = {"code": f"http_{exc.status_code}", "message": str(exc.detail), "message_en": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    return JSONResponse(error_body(code), status_code=exc.status_code, headers=exc.headers)


def _busy(request: Request, exc: Exception) -> JSONResponse:
    """503 ``server_busy`` with ``Retry-After`` for a request that found no free database connection in time
    (``db_pool_timeout``) or, on SQLite, no write lock within the busy timeout: the client tries again later."""
    if isinstance(exc, OperationalError) and not _sqlite_locked(exc):
        raise exc
    retry_after = getattr(getattr(request.app.state, "settings", None), "busy_retry_after_seconds", 2)
    logger.warning("503 server_busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse(error_body("server_busy"), status_code=503, headers={"Retry-After": str(retry_after)})


def _sqlite_locked(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(OperationalError, _busy)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
