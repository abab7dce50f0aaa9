"""The office app's only way to the server: login, me, the review queue, one control, a photo.

It wraps an ``httpx.AsyncClient`` (made by the caller, so tests can hand in a transport) and turns every
failure into ``OfficeError`` with a stable code: the server's own error code where it sent one
(``login_failed``, ``forbidden``, ...), ``office_offline`` when the server cannot be reached, and
``unknown_error``-style codes for replies that make no sense.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from schemas.records import InspectionDetail, InspectionSummary, LoginRequest, LoginResponse, UserRead

API = "/api/v1"
REVIEW_ROLES = ("teamleider", "ketenregisseur")

T = TypeVar("T")


class OfficeError(Exception):
    """A failure the office user must see; ``code`` is a key of inspectie_app.i18n (or the server's code)."""

    def __init__(self, code: str, message: str = "", message_en: str = "", status: int | None = None) -> None:
        self.code = code
        self.message = message
        self.message_en = message_en
        self.status = status
        super().__init__(f"{code}: {message_en or message}" if (message or message_en) else code)


class OfficeClient:
    """One office session's API client; holds the bearer token after ``login``."""

    def __init__(self, http: httpx.AsyncClient, device_name: str = "office-browser") -> None:
        self.http = http
        self.device_name = device_name
        self.token: str | None = None
        self.user: UserRead | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    async def login(self, username: str, password: str) -> UserRead:
        """Log in; refuses (``office_no_access``) users whose role may not review."""
        body = LoginRequest(username=username, password=password, device_name=self.device_name)
        data = await self._call("POST", f"{API}/auth/login", json=body.model_dump(), auth=False)
        response = _parse(LoginResponse, data)
        if response.user.role not in REVIEW_ROLES:
            raise OfficeError("office_no_access")
        self.token, self.user = response.token, response.user
        return response.user

    def logout(self) -> None:
        self.token = None
        self.user = None

    async def me(self) -> UserRead:
        return _parse(UserRead, await self._call("GET", f"{API}/me"))

    async def review_list(self) -> list[InspectionSummary]:
        """Synced controls, worst level first, then newest (the server's order)."""
        data = await self._call("GET", f"{API}/review/inspections")
        return _parse_list(InspectionSummary, data)

    async def review_detail(self, inspection_id: UUID) -> InspectionDetail:
        return _parse(InspectionDetail, await self._call("GET", f"{API}/review/inspections/{inspection_id}"))

    async def photo(self, sha256: str) -> bytes:
        response = await self._request("GET", f"{API}/blobs/{sha256}")
        return response.content

    # --- plumbing ------------------------------------------------------------------------------
    async def _call(self, method: str, url: str, *, json: Any = None, auth: bool = True) -> Any:
        response = await self._request(method, url, json=json, auth=auth)
        try:
            return response.json()
        except ValueError:
            raise OfficeError("office_bad_reply", status=response.status_code) from None

    async def _request(self, method: str, url: str, *, json: Any = None, auth: bool = True) -> httpx.Response:
        headers = {}
        if auth:
            if self.token is None:
                raise OfficeError("unauthorized")
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = await self.http.request(method, url, json=json, headers=headers)
        except httpx.TransportError:
            raise OfficeError("office_offline") from None
        if response.status_code >= 400:
            raise _error(response)
        return response


def _error(response: httpx.Response) -> OfficeError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        code = body["code"]
        if status == 401 and code != "login_failed":
            code = "unauthorized"
        return OfficeError(code, str(body.get("message", "")), str(body.get("message_en", "")), status)
    fallback = {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(status, "office_server_error")
    return OfficeError(fallback, status=status)


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise OfficeError("office_bad_reply") from None


def _parse_list(model: type[M], data: Any) -> list[M]:
    try:
        return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    except ValidationError:
        raise OfficeError("office_bad_reply") from None
