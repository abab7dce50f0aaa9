"""The office app's only way to the server: login, the review queue, one control and the acts on it,
signals, links, reports, exports and the audit trail.

It wraps an ``httpx.AsyncClient`` (made by the caller, so tests can hand in a transport) and turns every
failure into ``OfficeError`` with a stable code: the server's own error code where it sent one
(``login_failed``, ``forbidden``, ...), ``office_offline`` when the server cannot be reached, and
``unknown_error``-style codes for replies that make no sense.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from schemas.accounts import AccountRead, PasswordChange, PasswordResetRead, TeamRead, UserCreated
from schemas.conflicts import ConflictRead, ConflictResolve, FindingCorrection
from schemas.identifiers import IdentifierKind
from schemas.org_settings import OrganisationSettingsRead
from schemas.pages import Page
from schemas.planning import (
    EnforcementMatrix,
    EstablishmentCreate,
    EstablishmentDetail,
    EstablishmentRead,
    PlanTargets,
    Suggestion,
    ViolationCreate,
    ViolationRead,
    YearPlan,
)
from schemas.records import Address, InspectionDetail, LoginRequest, LoginResponse, PlannedControlRead, UserRead
from schemas.retention import RetentionRun
from schemas.review import (
    AgencyRow,
    AuditRead,
    Cluster,
    CommentCreate,
    CommentRead,
    LinkedControl,
    Overview,
    Partner,
    ReferralCreate,
    ReferralRead,
    ReviewItem,
    ReviewState,
    SignalState,
    Verdict,
    VerificationCreate,
    VerificationGroupCreate,
    VerificationRead,
)

API = "/api/v1"
REVIEW_ROLES = ("teamleider", "ketenregisseur")
PLANNER_ROLES = ("planner", "beheerder")  # the planner screens (beheerder: targets and matrix)
ADMIN_ROLES = ("beheerder",)  # users and devices
SESSION_ENDED = ("not_authenticated", "token_expired", "session_ended", "client_id_mismatch")

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
        self.must_change_password = False  # a beheerder reset the password: only the change works until done

    async def aclose(self) -> None:
        await self.http.aclose()

    async def login(self, username: str, password: str) -> UserRead:
        """Log in; refuses (``office_no_access``) users whose role may not review."""
        body = LoginRequest(username=username, password=password, device_name=self.device_name)
        data = await self._call("POST", f"{API}/auth/login", json=body.model_dump(), auth=False)
        response = _parse(LoginResponse, data)
        if response.user.role not in REVIEW_ROLES + PLANNER_ROLES + ADMIN_ROLES:
            await self._end(response.token)
            raise OfficeError("office_no_access")
        self.token, self.user = response.token, response.user
        self.must_change_password = response.must_change_password
        return response.user

    async def logout(self) -> None:
        """End this session's token at the server (it answers 401 from then on), then forget it."""
        token = self.token
        self.forget()
        if token is not None:
            await self._end(token)

    def forget(self) -> None:
        """Drop the token without telling the server (it no longer takes it anyway)."""
        self.token = None
        self.user = None
        self.must_change_password = False

    async def _end(self, token: str) -> None:
        with contextlib.suppress(httpx.TransportError):
            await self.http.post(f"{API}/auth/logout", headers={"Authorization": f"Bearer {token}"})

    async def change_password(self, current: str, new: str) -> None:
        """Replace a reset password; ``password_wrong``, ``password_too_short``, ``password_unchanged``."""
        body = _body(PasswordChange, "password_too_short", current_password=current, new_password=new)
        await self._request("POST", f"{API}/auth/password", json=body)
        self.must_change_password = False

    # --- the beheerder's users and devices -------------------------------------------------------
    async def accounts(self, query: str = "", team_id: UUID | None = None,
                       limit: int | None = None) -> list[AccountRead]:
        """The organisation's users with their devices (``query``: in the username or name; ``team_id``: one team's;
        ``limit``: the first so many)."""
        params = {k: str(v) for k, v in (("q", query.strip()), ("team_id", team_id), ("limit", limit)) if v}
        return _parse_list(AccountRead, await self._call("GET", f"{API}/admin/users", params=params))

    async def teams(self) -> list[TeamRead]:
        return _parse_list(TeamRead, await self._call("GET", f"{API}/admin/teams"))

    async def create_team(self, key: str, name: str) -> TeamRead:
        return _parse(TeamRead, await self._call("POST", f"{API}/admin/teams", json={"key": key, "name": name}))

    async def create_user(self, username: str, display_name: str, role: str, team_id: UUID) -> UserCreated:
        """A new user; the answer holds the temporary password, shown once."""
        body = {"username": username, "display_name": display_name, "role": role, "team_id": str(team_id)}
        return _parse(UserCreated, await self._call("POST", f"{API}/admin/users", json=body))

    async def move_user(self, user_id: UUID, team_id: UUID) -> AccountRead:
        body = {"team_id": str(team_id)}
        return _parse(AccountRead, await self._call("POST", f"{API}/admin/users/{user_id}/move", json=body))

    async def org_settings(self) -> OrganisationSettingsRead:
        return _parse(OrganisationSettingsRead, await self._call("GET", f"{API}/admin/settings"))

    async def save_org_settings(self, body: dict[str, Any]) -> OrganisationSettingsRead:
        return _parse(OrganisationSettingsRead, await self._call("PUT", f"{API}/admin/settings", json=body))

    async def retention_run(self) -> RetentionRun:
        """The periods in force and the organisation's last purge (what it removed, per kind)."""
        return _parse(RetentionRun, await self._call("GET", f"{API}/retention"))

    async def revoke_device(self, device_id: UUID) -> AccountRead:
        return _parse(AccountRead, await self._call("POST", f"{API}/admin/devices/{device_id}/revoke"))

    async def disable_user(self, user_id: UUID) -> AccountRead:
        return _parse(AccountRead, await self._call("POST", f"{API}/admin/users/{user_id}/disable"))

    async def enable_user(self, user_id: UUID) -> AccountRead:
        return _parse(AccountRead, await self._call("POST", f"{API}/admin/users/{user_id}/enable"))

    async def reset_password(self, user_id: UUID) -> PasswordResetRead:
        return _parse(PasswordResetRead, await self._call("POST", f"{API}/admin/users/{user_id}/reset-password"))

    async def me(self) -> UserRead:
        return _parse(UserRead, await self._call("GET", f"{API}/me"))

    page_size: int | None = None
    """Rows per page of the long lists (``None``: the server's default)."""

    async def review_list(self, cursor: str | None = None, **filters: Any) -> Page[ReviewItem]:
        """A page of synced controls, worst level first, then newest (the server's order); ``filters`` as the
        API's; ``cursor``: the previous page's ``next_cursor``."""
        params = {k: str(v) for k, v in filters.items() if v not in (None, "")}
        return _parse(Page[ReviewItem], await self._call("GET", f"{API}/review/inspections",
                                                         params=self._paged(params, cursor)))

    async def review_detail(self, inspection_id: UUID) -> InspectionDetail:
        return _parse(InspectionDetail, await self._call("GET", f"{API}/review/inspections/{inspection_id}"))

    async def review_state(self, inspection_id: UUID) -> ReviewState:
        return _parse(ReviewState, await self._call("GET", f"{API}/review/inspections/{inspection_id}/review"))

    async def verify(self, inspection_id: UUID, subject_id: str, verdict: Verdict, reason: str) -> VerificationRead:
        """One verdict on one signal; ``verify_invalid`` when the reason is empty or too long."""
        body = _body(VerificationCreate, "verify_invalid", subject_id=subject_id, verdict=verdict, reason=reason)
        url = f"{API}/review/inspections/{inspection_id}/verifications"
        return _parse(VerificationRead, await self._call("POST", url, json=body))

    async def verify_group(self, inspection_id: UUID, subject_ids: list[str], verdict: Verdict, reason: str
                           ) -> list[VerificationRead]:
        """One verdict on several signals at once (all or none); ``verify_invalid`` for a bad reason or list."""
        body = _body(VerificationGroupCreate, "verify_invalid", subject_ids=subject_ids, verdict=verdict,
                     reason=reason)
        url = f"{API}/review/inspections/{inspection_id}/verifications/group"
        return _parse_list(VerificationRead, await self._call("POST", url, json=body))

    async def refer(self, inspection_id: UUID, partner: Partner, note: str) -> ReferralRead:
        body = ReferralCreate(partner=partner, note=note).model_dump(mode="json")
        url = f"{API}/review/inspections/{inspection_id}/referrals"
        return _parse(ReferralRead, await self._call("POST", url, json=body))

    async def comment(self, inspection_id: UUID, body: str) -> CommentRead:
        url = f"{API}/review/inspections/{inspection_id}/comments"
        return _parse(CommentRead, await self._call("POST", url, json=CommentCreate(body=body).model_dump()))

    async def conflicts(self, inspection_id: UUID) -> list[ConflictRead]:
        """Fields of a control changed on the tablet and in the office (issue 4)."""
        url = f"{API}/review/inspections/{inspection_id}/conflicts"
        return _parse_list(ConflictRead, await self._call("GET", url))

    async def resolve_conflict(self, conflict_id: UUID, keep: str) -> ConflictRead:
        body = ConflictResolve.model_validate({"keep": keep}).model_dump()
        url = f"{API}/review/conflicts/{conflict_id}/resolve"
        return _parse(ConflictRead, await self._call("POST", url, json=body))

    async def correct_finding(self, inspection_id: UUID, correction: FindingCorrection) -> int:
        """A team lead's correction of an answer or the note; returns its server seq."""
        url = f"{API}/review/inspections/{inspection_id}/answers"
        data = await self._call("PATCH", url, json=correction.model_dump(mode="json", exclude_none=True))
        return int(data["office_seq"])

    async def report_pdf(self, inspection_id: UUID) -> bytes:
        return (await self._request("GET", f"{API}/review/inspections/{inspection_id}/report.pdf")).content

    async def signals(self, open_only: bool = False, cursor: str | None = None) -> Page[SignalState]:
        """A page of all signals, overdue first."""
        params = {"open_only": "true"} if open_only else {}
        return _parse(Page[SignalState], await self._call("GET", f"{API}/review/signals",
                                                          params=self._paged(params, cursor)))

    async def audit(self, cursor: str | None = None) -> Page[AuditRead]:
        """A page of the audit trail, newest first."""
        return _parse(Page[AuditRead], await self._call("GET", f"{API}/review/audit", params=self._paged({}, cursor)))

    async def clusters(self, cursor: str | None = None) -> Page[Cluster]:
        """A page of the clusters of linked controls, largest first."""
        return _parse(Page[Cluster], await self._call("GET", f"{API}/links/clusters", params=self._paged({}, cursor)))

    async def lookup(self, kind: IdentifierKind, value: str) -> list[LinkedControl]:
        body = {"kind": kind.value, "value": value}
        return _parse_list(LinkedControl, await self._call("POST", f"{API}/links/lookup", json=body))

    async def overview(self, year: int | None = None) -> Overview:
        params = {"year": str(year)} if year else None
        return _parse(Overview, await self._call("GET", f"{API}/reporting/overview", params=params))

    async def agencies(self, cursor: str | None = None) -> Page[AgencyRow]:
        """A page of the uitzendbureaus, worst level first, each with its latest controls."""
        return _parse(Page[AgencyRow], await self._call("GET", f"{API}/reporting/agencies",
                                                        params=self._paged({}, cursor)))

    async def audit_export(self) -> bytes:
        """The organisation's whole audit trail as CSV (beheerder)."""
        return (await self._request("GET", f"{API}/review/audit/export.csv")).content

    async def export(self, purpose: str, fmt: str) -> bytes:
        return (await self._request("GET", f"{API}/reporting/exports/{purpose}.{fmt}")).content

    async def photo(self, sha256: str) -> bytes:
        response = await self._request("GET", f"{API}/blobs/{sha256}")
        return response.content

    # --- planner -------------------------------------------------------------------------------
    async def planning_controls(self, start: date | None = None, end: date | None = None,
                                include_cancelled: bool = False) -> list[PlannedControlRead]:
        """Controls in [start, end] (planned, in progress, done; cancelled on request), soonest first: every page
        of the range (a year's schedule is a few hundred)."""
        query = {"from": start.isoformat() if start else "", "to": end.isoformat() if end else "",
                 "include_cancelled": "true" if include_cancelled else "", "limit": "200"}
        params = {k: v for k, v in query.items() if v}
        out: list[PlannedControlRead] = []
        cursor: str | None = None
        while True:
            page = _parse(Page[PlannedControlRead], await self._call(
                "GET", f"{API}/planning/controls", params={**params, **({"cursor": cursor} if cursor else {})}))
            out += page.items
            cursor = page.next_cursor
            if cursor is None:
                return out

    async def schedule_control(self, body: dict[str, Any]) -> PlannedControlRead:
        return _parse(PlannedControlRead, await self._call("POST", f"{API}/planning/controls", json=body))

    async def update_control(self, control_id: UUID, body: dict[str, Any]) -> PlannedControlRead:
        url = f"{API}/planning/controls/{control_id}"
        return _parse(PlannedControlRead, await self._call("PATCH", url, json=body))

    async def cancel_control(self, control_id: UUID) -> None:
        await self._request("DELETE", f"{API}/planning/controls/{control_id}")

    async def planning_inspectors(self) -> list[UserRead]:
        return _parse_list(UserRead, await self._call("GET", f"{API}/planning/inspectors"))

    async def year_plan(self, year: int) -> YearPlan:
        return _parse(YearPlan, await self._call("GET", f"{API}/planning/years/{year}"))

    async def save_targets(self, year: int, targets: PlanTargets) -> YearPlan:
        url = f"{API}/planning/years/{year}/targets"
        return _parse(YearPlan, await self._call("PUT", url, json=targets.model_dump(mode="json")))

    async def suggestions(self) -> list[Suggestion]:
        return _parse_list(Suggestion, await self._call("GET", f"{API}/planning/suggestions"))

    async def calendar_ics(self) -> bytes:
        return (await self._request("GET", f"{API}/planning/calendar.ics")).content

    async def establishments(self) -> list[EstablishmentRead]:
        return _parse_list(EstablishmentRead, await self._call("GET", f"{API}/establishments"))

    async def establishment(self, establishment_id: UUID) -> EstablishmentDetail:
        return _parse(EstablishmentDetail, await self._call("GET", f"{API}/establishments/{establishment_id}"))

    async def save_establishment(self, data: EstablishmentCreate, establishment_id: UUID | None = None
                                 ) -> EstablishmentRead:
        body = data.model_dump(mode="json")
        if establishment_id is None:
            return _parse(EstablishmentRead, await self._call("POST", f"{API}/establishments", json=body))
        url = f"{API}/establishments/{establishment_id}"
        return _parse(EstablishmentRead, await self._call("PUT", url, json=body))

    async def record_violation(self, establishment_id: UUID, data: ViolationCreate) -> ViolationRead:
        url = f"{API}/establishments/{establishment_id}/violations"
        return _parse(ViolationRead, await self._call("POST", url, json=data.model_dump(mode="json")))

    async def enforcement_matrix(self) -> EnforcementMatrix:
        return _parse(EnforcementMatrix, await self._call("GET", f"{API}/enforcement-matrix"))

    async def save_enforcement_matrix(self, body: dict[str, Any]) -> EnforcementMatrix:
        return _parse(EnforcementMatrix, await self._call("PUT", f"{API}/enforcement-matrix", json=body))

    async def lookup_address(self, query: str) -> list[Address]:
        from urllib.parse import quote

        return _parse_list(Address, await self._call("GET", f"{API}/addresses/lookup?q={quote(query)}"))

    # --- plumbing ------------------------------------------------------------------------------
    def _paged(self, params: dict[str, str], cursor: str | None) -> dict[str, str]:
        """``params`` with the page size and the cursor of the page wanted."""
        size = {"limit": str(self.page_size)} if self.page_size else {}
        return {**params, **size, **({"cursor": cursor} if cursor else {})}

    async def _call(self, method: str, url: str, *, json: Any = None, auth: bool = True,
                    params: dict[str, str] | None = None) -> Any:
        response = await self._request(method, url, json=json, auth=auth, params=params)
        try:
            return response.json()
        except ValueError:
            raise OfficeError("office_bad_reply", status=response.status_code) from None

    async def _request(self, method: str, url: str, *, json: Any = None, auth: bool = True,
                       params: dict[str, str] | None = None) -> httpx.Response:
        headers = {}
        if auth:
            if self.token is None:
                raise OfficeError("unauthorized")
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = await self.http.request(method, url, json=json, headers=headers, params=params)
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
        if status == 401 and code in SESSION_ENDED:
            code = "unauthorized"  # "your session has expired, log in again"; other 401s keep their own words
        return OfficeError(code, str(body.get("message", "")), str(body.get("message_en", "")), status)
    fallback = {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(status, "office_server_error")
    return OfficeError(fallback, status=status)


M = TypeVar("M", bound=BaseModel)


def _body(model: type[M], code: str, **fields: Any) -> Any:
    """A request body checked by its wire model before it is sent: ``OfficeError(code)`` when it is invalid."""
    try:
        return model(**fields).model_dump(mode="json")
    except ValidationError:
        raise OfficeError(code) from None


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
