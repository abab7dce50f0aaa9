"""TEMPORARY in-memory inspector service for UI tests until inspectie_app.services lands."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import ui_fixtures

from inspectie_app.contract import (
    AnswerError,
    AssignedControl,
    FinishError,
    InspectionListItem,
    InspectionState,
    LocalUser,
    LoginError,
    PhotoError,
    PhotoItem,
    SyncStatus,
)
from schemas.engine import evaluate
from schemas.records import Address, InspectionStatus, PersonRecord
from schemas.templates import Scope, check_answer, missing_required


class FakeServer:
    def __init__(self) -> None:
        self.planned = [AssignedControl(id=uuid.uuid4(), control_type="pandenactie", template_id="pandenactie_test",
                                        scheduled_on=date(2026, 3, 14), address=Address(street="Teststraat",
                                        house_number="1", postcode="6811 AA"), partners=["politie", "ODRA"],
                                        briefing="Signalen van overbewoning.", inspection_id=None)]


def make_service(tmp_path: Path, server: FakeServer) -> Any:
    return FakeService(tmp_path, server)


class FakeService:
    def __init__(self, tmp: Path, server: FakeServer) -> None:
        self.tmp = tmp
        self.server = server
        self.user: LocalUser | None = None
        self.template = ui_fixtures.template()
        self.catalogue = ui_fixtures.catalogue()
        self.items: dict[UUID, dict[str, Any]] = {}
        self.pending = 0
        self.synced = False

    async def current_user(self) -> LocalUser | None:
        return self.user

    async def login(self, username: str, password: str) -> LocalUser:
        if password != "demo-wachtwoord":
            raise LoginError("login_failed")
        self.user = LocalUser(uuid.uuid4(), username, "Inspecteur Een", "inspecteur", "http://test")
        return self.user

    async def logout(self) -> None:
        self.user = None

    async def assigned_controls(self) -> list[AssignedControl]:
        return self.server.planned if self.synced else []

    async def inspections(self) -> list[InspectionListItem]:
        return [InspectionListItem(i, "pandenactie", d["address"], d["status"], d["started"], None,
                                   self._flag(i).level, self.pending > 0) for i, d in self.items.items()]

    async def templates(self) -> list[Any]:
        return [self.template] if self.synced else []

    async def start_inspection(self, *, template_id: str, address: Address,
                               planned_control_id: UUID | None = None) -> UUID:
        i = uuid.uuid4()
        self.items[i] = {"address": address, "status": InspectionStatus.DRAFT, "started": datetime.now(UTC),
                         "answers": {}, "persons": [], "photos": [], "note": ""}
        if planned_control_id:
            self.server.planned = [replace(c, inspection_id=i) if c.id == planned_control_id else c
                                   for c in self.server.planned]
        self.pending += 1
        return i

    def _flag(self, i: UUID) -> Any:
        d = self.items[i]
        return evaluate(self.template, self.catalogue, d["answers"], d["persons"])

    async def inspection(self, inspection_id: UUID) -> InspectionState:
        d = self.items[inspection_id]
        return InspectionState(inspection_id, self.template, d["address"], d["status"], d["note"],
                               dict(d["answers"]), [p.model_copy(deep=True) for p in d["persons"]],
                               list(d["photos"]), self._flag(inspection_id), None)

    async def set_answer(self, inspection_id: UUID, question_id: str, value: Any,
                         person_id: str | None = None) -> InspectionState:
        d = self.items[inspection_id]
        if d["status"] is InspectionStatus.FINISHED:
            raise AnswerError("inspection_finished")
        scope = Scope.PERSON if person_id else Scope.PREMISES
        q = self.template.question(question_id, scope)
        assert q is not None
        problem = check_answer(q, value)
        if problem:
            raise AnswerError("answer_invalid", problem)
        target = next(p.answers for p in d["persons"] if p.id == person_id) if person_id else d["answers"]
        target[question_id] = value
        self.pending += 1
        return await self.inspection(inspection_id)

    async def add_person(self, inspection_id: UUID) -> PersonRecord:
        d = self.items[inspection_id]
        p = PersonRecord(id=str(uuid.uuid4()), label=f"Persoon {len(d['persons']) + 1}")
        d["persons"].append(p)
        return p

    async def remove_person(self, inspection_id: UUID, person_id: str) -> None:
        d = self.items[inspection_id]
        d["persons"] = [p for p in d["persons"] if p.id != person_id]

    async def set_note(self, inspection_id: UUID, text: str) -> None:
        self.items[inspection_id]["note"] = text

    async def add_photo(self, inspection_id: UUID, data: bytes, caption: str = "") -> PhotoItem:
        if not data.startswith(b"\xff\xd8"):
            raise PhotoError("photo_not_image")
        path = self.tmp / f"{uuid.uuid4()}.jpg"
        path.write_bytes(data)
        item = PhotoItem(uuid.uuid4(), hashlib.sha256(data).hexdigest(), caption, str(path), False)
        self.items[inspection_id]["photos"].append(item)
        return item

    async def finish(self, inspection_id: UUID) -> Any:
        d = self.items[inspection_id]
        missing = [(None, q) for q in missing_required(self.template.questions(Scope.PREMISES), d["answers"])]
        for p in d["persons"]:
            missing += [(p.id, q) for q in missing_required(self.template.questions(Scope.PERSON), p.answers)]
        if missing:
            raise FinishError(missing)
        d["status"] = InspectionStatus.FINISHED
        return self._flag(inspection_id)

    async def sync_now(self) -> SyncStatus:
        self.synced = True
        self.pending = 0
        return await self.sync_status()

    async def sync_status(self) -> SyncStatus:
        photos = sum(1 for d in self.items.values() for p in d["photos"] if not p.uploaded)
        return SyncStatus(self.pending, photos, datetime.now(UTC) if self.synced else None, None)

    async def urgent_guidance(self) -> Any:
        return self.catalogue.urgent_guidance
