"""The office app's calls for the beheerder's indicator catalogue, reference cases (issue 15 part B): a thin layer on
``OfficeClient`` (its token and transport). A refusal keeps the server's ``detail`` (the problems in Dutch, e.g.
which answer of a reference case does not fit its checklist), so the screen can show what to fix."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from inspectie_app.office_client import API, OfficeClient, OfficeError
from schemas.catalogue_beheer import (
    CaseRead,
    CaseRunRead,
    CatalogueVersionRead,
    DraftRead,
    DryRunRead,
    MarginsRead,
    QuestionRef,
)

M = TypeVar("M", bound=BaseModel)
CAT = f"{API}/catalogue"


class CatalogueError(OfficeError):
    """An ``OfficeError`` with the server's ``detail`` (Dutch problems), when it sent one."""

    def __init__(self, base: OfficeError, detail: str = "") -> None:
        super().__init__(base.code, base.message, base.message_en, base.status)
        self.detail = detail


class CatalogueClient:
    def __init__(self, client: OfficeClient) -> None:
        self.client = client

    async def versions(self) -> list[CatalogueVersionRead]:
        return self._list(CatalogueVersionRead, await self._call("GET", f"{CAT}/versions"))

    async def questions(self) -> list[QuestionRef]:
        return self._list(QuestionRef, await self._call("GET", f"{CAT}/questions"))

    async def draft(self) -> DraftRead | None:
        """The organisation's draft, or None when there is none."""
        try:
            return self._one(DraftRead, await self._call("GET", f"{CAT}/draft"))
        except OfficeError as exc:
            if exc.code == "not_found":
                return None
            raise

    async def create_draft(self) -> DraftRead:
        return self._one(DraftRead, await self._call("POST", f"{CAT}/draft"))

    async def save_draft(self, content: dict[str, Any]) -> DraftRead:
        return self._one(DraftRead, await self._call("PUT", f"{CAT}/draft", json={"content": content}))

    async def discard_draft(self) -> None:
        await self._call("DELETE", f"{CAT}/draft")

    async def run_cases(self) -> CaseRunRead:
        return self._one(CaseRunRead, await self._call("POST", f"{CAT}/draft/test"))

    async def margins(self, name: str) -> MarginsRead:
        return self._one(MarginsRead, await self._call("GET", f"{CAT}/draft/margins/{name}"))

    async def dry_run(self) -> DryRunRead:
        return self._one(DryRunRead, await self._call("POST", f"{CAT}/draft/dry-run"))

    async def publish(self, reason: str | None) -> CatalogueVersionRead:
        return self._one(CatalogueVersionRead, await self._call("POST", f"{CAT}/draft/publish",
                                                                json={"reason": reason}))

    async def cases(self) -> list[CaseRead]:
        return self._list(CaseRead, await self._call("GET", f"{CAT}/cases"))

    async def add_case(self, name: str, content: dict[str, Any]) -> CaseRead:
        return self._one(CaseRead, await self._call("POST", f"{CAT}/cases", json={"name": name, "content": content}))

    async def edit_case(self, name: str, content: dict[str, Any]) -> CaseRead:
        return self._one(CaseRead, await self._call("PUT", f"{CAT}/cases/{name}", json={"content": content}))

    async def retire_case(self, name: str, retired: bool) -> CaseRead:
        act = "retire" if retired else "restore"
        return self._one(CaseRead, await self._call("POST", f"{CAT}/cases/{name}/{act}"))

    # --- plumbing ------------------------------------------------------------------------------
    async def _call(self, method: str, url: str, *, json: Any = None) -> Any:
        client = self.client
        if client.token is None:
            raise OfficeError("unauthorized")
        try:
            response = await client.http.request(method, url, json=json,
                                                 headers={"Authorization": f"Bearer {client.token}"})
        except httpx.TransportError:
            raise OfficeError("office_offline") from None
        if response.status_code >= 400:
            from inspectie_app.office_client import _error

            detail = ""
            try:
                body = response.json()
                detail = str(body.get("detail") or "") if isinstance(body, dict) else ""
            except ValueError:
                pass
            raise CatalogueError(_error(response), detail)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError:
            raise OfficeError("office_bad_reply", status=response.status_code) from None

    @staticmethod
    def _one(model: type[M], data: Any) -> M:
        try:
            return model.model_validate(data)
        except ValidationError:
            raise OfficeError("office_bad_reply") from None

    @staticmethod
    def _list(model: type[M], data: Any) -> list[M]:
        try:
            return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
        except ValidationError:
            raise OfficeError("office_bad_reply") from None
