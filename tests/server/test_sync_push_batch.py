"""The push runs the v1 handlers without a savepoint: a rejection must leave nothing behind, and one batch may
create, clear, re-set and delete the same rows (nothing flushed in between)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.sync.registry import CHECKS_BEFORE_WRITING, HANDLERS

LoginAs = Any


def _set(device: Any, iid: str, qid: str, value: Any, person: str | None = None) -> dict[str, Any]:
    return device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid, "value": value})


def _version(settings: Settings, iid: str) -> int:
    return int(in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid))).version)


def _count(settings: Settings, model: Any, *where: Any) -> int:
    return int(in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(model).where(*where))))


def test_only_the_v1_handlers_skip_the_savepoint() -> None:
    assert "identifier.add.v1" in HANDLERS and "identifier.add.v1" not in CHECKS_BEFORE_WRITING
    assert {"answer.set.v1", "person.create.v1", "photo.attach.v1"} <= CHECKS_BEFORE_WRITING


def test_rejections_leave_nothing_behind(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    person = device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"})
    photo = device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": "a" * 64,
                                                     "size": 10, "caption": ""})
    assert device.push([create, person, photo]).json()["rejections"] == []
    before = _version(settings, iid)
    bad = [
        _set(device, iid, "occupants", "veel"),
        _set(device, iid, "nope", 1),
        _set(device, iid, "age", 30, person="ghost"),
        device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Nog eens"}),
        device.mutation("person.delete.v1", iid, {"person_id": "ghost"}),
        device.mutation("photo.attach.v1", iid, photo["args"]),
    ]
    body = device.push(bad).json()
    assert [r["code"] for r in body["rejections"]] == [
        "invalid_answer", "unknown_question", "unknown_person", "already_exists", "unknown_person", "already_exists"]
    assert _version(settings, iid) == before  # no rejected mutation bumped the version
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == 0
    assert _count(settings, Person, Person.inspection_id == uuid.UUID(iid)) == 1
    assert _count(settings, Photo, Photo.inspection_id == uuid.UUID(iid)) == 1


def test_one_batch_sets_clears_and_sets_again(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    batch = [
        create,
        _set(device, iid, "occupants", 3),
        _set(device, iid, "occupants", None),  # cleared before it was ever flushed
        _set(device, iid, "locked_in", True),
        device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
        _set(device, iid, "age", 30, person="p1"),
        device.mutation("person.delete.v1", iid, {"person_id": "p1"}),
        _set(device, iid, "age", 31, person="p1"),  # the person is gone
        device.mutation("person.create.v1", iid, {"person_id": "p2", "label": "Persoon 2"}),
        _set(device, iid, "age", 40, person="p2"),
    ]
    body = device.push(batch).json()
    assert body["last_mutation_id"] == len(batch)
    assert [r["code"] for r in body["rejections"]] == ["unknown_person"]
    follow = [_set(device, iid, "locked_in", None), _set(device, iid, "locked_in", False)]
    assert device.push(follow).json()["rejections"] == []  # a stored row deleted and inserted in one push
    rows = in_transaction(settings, lambda s: sorted(
        (a.person_id, a.question_id, a.value) for a in s.scalars(select(Answer).where(
            Answer.inspection_id == uuid.UUID(iid)))))
    assert rows == [("", "locked_in", False), ("p2", "age", 40)]


def test_what_the_batch_looks_up_front_still_judges_each_mutation(login_as: LoginAs, settings: Settings) -> None:
    """The push loads the batch's inspections and attached photo ids before the first handler: a malformed
    photo id, a photo id attached twice in one batch, an inspection that does not exist and one created in the
    same batch are each judged as if looked up one by one."""
    device = login_as("inspecteur1")
    ghost = _set(device, str(uuid.uuid4()), "occupants", 2)  # there is no such inspection
    iid, create = device.create_inspection()
    photo_id = str(uuid.uuid4())

    def attach(pid: Any) -> dict[str, Any]:
        return device.mutation("photo.attach.v1", iid, {"photo_id": pid, "sha256": "b" * 64, "size": 10,
                                                        "caption": ""})

    batch = [ghost, create, attach("not-a-uuid"), attach(photo_id), attach(photo_id), attach({"nested": True}),
             _set(device, iid, "occupants", 2)]
    body = device.push(batch).json()
    assert body["last_mutation_id"] == len(batch)
    assert [r["code"] for r in body["rejections"]] == ["not_found", "invalid_args", "already_exists", "invalid_args"]
    assert _count(settings, Photo, Photo.inspection_id == uuid.UUID(iid)) == 1
    assert _count(settings, Answer, Answer.inspection_id == uuid.UUID(iid)) == 1
