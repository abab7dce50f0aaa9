"""The office app's calls for the beheerder's checklists (``/api/v1/admin/checklists``), over ``OfficeClient``.

Kept out of ``office_client.py`` so that the beheerder's screens each bring their own calls; every failure is an
``OfficeError`` as there.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from inspectie_app.office_client import API, OfficeClient, OfficeError, _parse, _parse_list
from schemas.checklist_drafts import ChecklistRead, DraftCheck, DraftRead, PublishResult

BASE = f"{API}/admin/checklists"


async def checklists(client: OfficeClient) -> list[ChecklistRead]:
    """Every checklist with its published versions (newest first) and the organisation's draft."""
    return _parse_list(ChecklistRead, await client._call("GET", BASE))


async def published(client: OfficeClient, template_id: str, version: int) -> dict[str, Any]:
    data = await client._call("GET", f"{BASE}/{template_id}/versions/{version}")
    if not isinstance(data, dict):
        raise OfficeError("office_bad_reply")
    return data


async def create_draft(client: OfficeClient, template_id: str) -> DraftRead:
    return _parse(DraftRead, await client._call("POST", f"{BASE}/{template_id}/drafts"))


async def draft(client: OfficeClient, draft_id: UUID) -> DraftRead:
    return _parse(DraftRead, await client._call("GET", f"{BASE}/drafts/{draft_id}"))


async def save_draft(client: OfficeClient, draft_id: UUID, content: dict[str, Any], revision: int) -> DraftRead:
    """Save over ``revision`` (the one last read); ``checklist_draft_changed`` when someone saved since."""
    body = {"content": content, "revision": revision}
    return _parse(DraftRead, await client._call("PUT", f"{BASE}/drafts/{draft_id}", json=body))


async def delete_draft(client: OfficeClient, draft_id: UUID) -> None:
    await client._request("DELETE", f"{BASE}/drafts/{draft_id}")


async def check_draft(client: OfficeClient, draft_id: UUID) -> DraftCheck:
    return _parse(DraftCheck, await client._call("GET", f"{BASE}/drafts/{draft_id}/check"))


async def publish_draft(client: OfficeClient, draft_id: UUID) -> PublishResult:
    return _parse(PublishResult, await client._call("POST", f"{BASE}/drafts/{draft_id}/publish"))
