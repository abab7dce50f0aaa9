"""Test data and an in-process fake of the sync server, served through ``httpx.MockTransport``.

The fake follows the fixed protocol (gap-free ids, rejections that still advance, paged pull,
HEAD/PATCH blob uploads with offsets, 409 and 422) and can be told to misbehave.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from typing import Any

import httpx
from PIL import Image

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.records import PlannedControlRead
from schemas.sync import SCHEMA_VERSION, Change, Mutation, PullRequest, PushRequest, Rejection
from schemas.templates import Template, parse_template

PASSWORD = "demo-wachtwoord"


def _t(nl: str, en: str | None = None) -> dict[str, str]:
    return {"nl": nl, "en": en or nl}


TEMPLATE_DATA: dict[str, Any] = {
    "id": "pandenactie",
    "version": 1,
    "control_type": "pandenactie",
    "title": _t("Pandenactie", "Premises check"),
    "sections": [{
        "id": "pand",
        "title": _t("Pand", "Premises"),
        "questions": [
            {"id": "bewoners", "type": "number", "label": _t("Aantal bewoners", "Residents"),
             "evidence": "observed", "required": True, "min": 0, "max": 200, "integer": True},
            {"id": "vergunning", "type": "yes_no", "label": _t("Vergunning aanwezig", "Permit present"),
             "evidence": "document", "required": True},
            {"id": "vergunning_toelichting", "type": "text", "label": _t("Toelichting", "Explanation"),
             "evidence": "observed", "required": True, "show_if": {"question": "vergunning", "equals": False}},
            {"id": "bezoekdatum", "type": "date", "label": _t("Datum", "Date"), "evidence": "observed"},
        ],
    }],
    "person_module": [{
        "id": "persoon",
        "title": _t("Persoon", "Person"),
        "questions": [
            {"id": "paspoort_ingenomen", "type": "yes_no_unknown", "label": _t("Paspoort ingenomen", "Passport held"),
             "evidence": "self_reported", "required": True},
            {"id": "minderjarig", "type": "yes_no_unknown", "label": _t("Minderjarig", "Minor"),
             "evidence": "observed"},
        ],
    }],
}

CATALOGUE_DATA: dict[str, Any] = {
    "id": "ilo_ec",
    "version": 1,
    "norms": {"minimum_age": 18},
    "indicators": [
        {"code": "CD1", "dimension": "CD", "label": _t("Identiteitsdocumenten ingenomen", "Documents confiscated"),
         "strength": {"labour": "S", "sexual": "S"}, "source": "test"},
    ],
    "rules": [
        {"id": "passport", "scope": "person", "when": [{"question": "paspoort_ingenomen", "op": "eq", "value": "yes"}],
         "indicators": ["CD1"], "explanation": _t("Paspoort ingenomen", "Passport held")},
    ],
    "minor_when": [{"question": "minderjarig", "op": "eq", "value": "yes"}],
    "urgent_guidance": {"title": _t("Direct handelen", "Act now"), "steps": [_t("Bel 112", "Call 112")]},
}


def template() -> Template:
    return parse_template(TEMPLATE_DATA)


def catalogue() -> Catalogue:
    return parse_catalogue(CATALOGUE_DATA)


def planned_control(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()), "control_type": "pandenactie", "template_id": "pandenactie",
        "scheduled_on": "2026-12-01", "address": {"street": "Voorbeeldstraat", "house_number": "1"},
        "inspector_ids": [str(uuid.uuid4())], "partners": ["politie"], "briefing": "Fictief pand",
    }
    data.update(overrides)
    return PlannedControlRead.model_validate(data).model_dump(mode="json")


class FakeServer:
    """A tiny in-memory sync server; counters and switches let tests inject faults."""

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {
            name: {"id": str(uuid.uuid4()), "username": name, "display_name": name.capitalize(), "role": role}
            for name, role in (("inspecteur1", "inspecteur"), ("inspecteur2", "inspecteur"),
                               ("teamleider1", "teamleider"))
        }
        self.tokens: dict[str, str] = {}
        self.last_mutation: dict[str, int] = {}
        self.applied: list[Mutation] = []
        self.changes: list[Change] = []
        self.blobs: dict[str, bytearray] = {}
        self.complete: dict[str, bytes] = {}
        self.requests: list[httpx.Request] = []
        self.push_bodies: list[dict[str, Any]] = []
        # fault switches
        self.offline = False
        self.fail_status: list[int] = []  # statuses returned (in order) for the next requests
        self.ack_cap: int | None = None  # never acknowledge beyond this id
        self.reject_names: set[str] = set()
        self.hash_mismatches = 0  # completed uploads to answer with 422
        self.patch_conflicts = 0  # PATCHes to answer with 409
        self.conflict_names_offset = True  # a 409 carries Upload-Offset (the real server's does)
        self.login_status: int | None = None
        self.drop_replies = False  # apply the request, then cut the connection before the reply
        self.cut_after: int | None = None  # requests answered before the connection goes down
        self.garbage_replies = False  # answer 200 with JSON that is no protocol message
        self.add_change("template", "pandenactie@1", TEMPLATE_DATA)
        self.add_change("catalogue", "ilo_ec@1", CATALOGUE_DATA)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def add_change(self, entity: str, entity_id: str, data: dict[str, Any] | None, op: str = "put") -> None:
        seq = len(self.changes) + 1
        self.changes.append(Change.model_validate(
            {"seq": seq, "entity": entity, "entity_id": entity_id, "op": op, "data": data}))

    def requests_to(self, method: str, path_part: str = "") -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and path_part in r.url.path]

    # ---- routing -------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.offline or (self.cut_after is not None and len(self.requests) > self.cut_after):
            raise httpx.ConnectError("no route to host", request=request)
        if self.garbage_replies:
            return httpx.Response(200, json={"hello": "world"})
        reply = self._route(request)
        if self.drop_replies:
            raise httpx.ReadError("connection reset", request=request)
        return reply

    def _route(self, request: httpx.Request) -> httpx.Response:
        if self.fail_status:
            return httpx.Response(self.fail_status.pop(0), json={"code": "fault", "message": "", "message_en": ""})
        path = request.url.path
        if path == "/api/v1/auth/login":
            return self._login(request)
        if not self._authorised(request):
            return httpx.Response(401, json={"code": "unauthorized", "message": "", "message_en": ""})
        if path == "/api/v1/sync/push":
            return self._push(request)
        if path == "/api/v1/sync/pull":
            return self._pull(request)
        if path.startswith("/api/v1/blobs/"):
            return self._blob(request, path.rsplit("/", 1)[1])
        return httpx.Response(404, json={"code": "not_found"})

    def _authorised(self, request: httpx.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        schema_ok = request.headers.get("X-Schema-Version") == str(SCHEMA_VERSION)
        return schema_ok and auth.startswith("Bearer ") and auth[7:] in self.tokens

    def _login(self, request: httpx.Request) -> httpx.Response:
        if self.login_status is not None:
            return httpx.Response(self.login_status, json={"code": "x", "message": "", "message_en": ""})
        body = json.loads(request.content)
        user = self.users.get(body["username"])
        if user is None or body["password"] != PASSWORD:
            return httpx.Response(401, json={"code": "login_failed", "message": "", "message_en": ""})
        token = f"token-{uuid.uuid4()}"
        self.tokens[token] = user["id"]
        return httpx.Response(200, json={"token": token, "device_id": str(uuid.uuid4()), "user": user})

    def _push(self, request: httpx.Request) -> httpx.Response:
        raw = json.loads(request.content)
        self.push_bodies.append(raw)
        body = PushRequest.model_validate(raw)
        client = str(body.client_id)
        last = self.last_mutation.get(client, 0)
        rejections: list[Rejection] = []
        for m in body.mutations:
            if m.id <= last:
                continue
            if m.id != last + 1 or (self.ack_cap is not None and m.id > self.ack_cap):
                break
            if m.name in self.reject_names:
                rejection = Rejection(mutation_id=m.id, code="forbidden", message=f"{m.name} geweigerd")
                rejections.append(rejection)
                self.add_change("rejection", str(m.id), rejection.model_dump())
            else:
                self.applied.append(m)
            last = m.id
        self.last_mutation[client] = last
        return httpx.Response(200, json={"last_mutation_id": last,
                                         "rejections": [r.model_dump() for r in rejections]})

    def _pull(self, request: httpx.Request) -> httpx.Response:
        body = PullRequest.model_validate(json.loads(request.content))
        after = [c for c in self.changes if c.seq > body.cursor]
        page = after[: body.limit]
        cursor = page[-1].seq if page else body.cursor
        return httpx.Response(200, json={
            "changes": [c.model_dump(mode="json") for c in page], "cursor": cursor,
            "has_more": len(after) > len(page), "last_mutation_id": self.last_mutation.get(str(body.client_id), 0)})

    def _blob(self, request: httpx.Request, sha: str) -> httpx.Response:
        if request.method == "HEAD":
            if sha in self.complete:
                return httpx.Response(200)
            return httpx.Response(404, headers={"Upload-Offset": str(len(self.blobs.get(sha, b"")))})
        if request.method == "PATCH":
            return self._patch(request, sha)
        return httpx.Response(405)

    def _patch(self, request: httpx.Request, sha: str) -> httpx.Response:
        if sha in self.complete:  # like the real server: content it holds is confirmed at once
            return httpx.Response(201, headers={"Upload-Offset": str(len(self.complete[sha]))})
        partial = self.blobs.setdefault(sha, bytearray())
        conflict_headers = {"Upload-Offset": str(len(partial))} if self.conflict_names_offset else {}
        if self.patch_conflicts:
            self.patch_conflicts -= 1
            return httpx.Response(409, headers=conflict_headers)
        if int(request.headers["Upload-Offset"]) != len(partial):
            return httpx.Response(409, headers=conflict_headers)
        partial += request.content
        if len(partial) < int(request.headers["Upload-Length"]):
            return httpx.Response(204, headers={"Upload-Offset": str(len(partial))})
        del self.blobs[sha]
        if self.hash_mismatches or hashlib.sha256(partial).hexdigest() != sha:
            self.hash_mismatches = max(0, self.hash_mismatches - 1)
            return httpx.Response(422, json={"code": "hash_mismatch", "message": "", "message_en": ""})
        self.complete[sha] = bytes(partial)
        return httpx.Response(201)


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="JPEG")
    return buf.getvalue()
