"""Publishing a new catalogue version re-judges open (finished) controls and marks the flags whose level changed,
on SQLite and PostgreSQL (the ``settings`` fixture runs this module once per backend)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.engine import FlagResult
from sync_server.auth.service import get_by_username
from sync_server.catalog import service as catalog
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.sync.models import ChangeLog
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID


def _inspection(session: Session, *, status: str, premises: dict[str, Any],
                person: dict[str, Any] | None) -> Inspection:
    inspector = get_by_username(session=session, username="inspecteur1")
    assert inspector is not None
    now = datetime.now(UTC)
    inspection = Inspection(id=uuid.uuid4(), template_id="testpand", template_version=1, control_type="pandenactie",
                            address={"street": "Voorbeeldstraat"}, inspector_id=inspector.id,
                            organisation_id=DEFAULT_ORGANISATION_ID, team_id=inspector.team_id, status=status,
                            started_at=now, received_at=now, finished_at=now if status == "finished" else None)
    session.add(inspection)
    session.flush()  # no ORM relationship orders the inserts: the inspection row must exist first
    session.add_all(Answer(inspection_id=inspection.id, person_id="", question_id=q, value=v)
                    for q, v in premises.items())
    if person is not None:
        session.add(Person(inspection_id=inspection.id, person_id="p1", label="Persoon 1"))
        session.add_all(Answer(inspection_id=inspection.id, person_id="p1", question_id=q, value=v)
                        for q, v in person.items())
    session.flush()
    if status == "finished":
        assert inspections.compute_flag(session=session, inspection=inspection)
    return inspection


def _softer(catalogue: Catalogue, version: int) -> Catalogue:
    """The same catalogue with document confiscation (CD1) weighed medium instead of strong."""
    data = catalogue.model_dump(mode="json")
    data["version"] = version
    for ind in data["indicators"]:
        if ind["code"] == "CD1":
            ind["strength"] = {"labour": "M", "sexual": "M"}
    return parse_catalogue(data)


def test_new_catalogue_rejudges_finished_controls_and_marks_changed_levels(settings: Settings,
                                                                          test_catalogue: Catalogue) -> None:
    def before(session: Session) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, int]:
        serious = _inspection(session, status="finished", premises={"locked_in": True},
                              person={"passport_withheld": True})
        quiet = _inspection(session, status="finished", premises={"occupants": 2}, person=None)
        draft = _inspection(session, status="draft", premises={}, person={"passport_withheld": True})
        assert (serious.level, quiet.level, serious.catalogue_key) == (2, 0, "testcat@1")
        seq = max(session.scalars(select(ChangeLog.seq)).all(), default=0)
        return serious.id, quiet.id, draft.id, seq

    serious_id, quiet_id, draft_id, seq = in_transaction(settings, before)
    softer = _softer(test_catalogue, 2)
    assert in_transaction(settings, lambda s: catalog.publish_catalogue(session=s, catalogue=softer)) is True

    def after(session: Session) -> None:
        serious = session.get(Inspection, serious_id)
        quiet = session.get(Inspection, quiet_id)
        draft = session.get(Inspection, draft_id)
        assert serious is not None and quiet is not None and draft is not None
        assert (serious.level, serious.catalogue_key) == (1, "testcat@2")
        flag = FlagResult.model_validate(serious.flag)
        assert (flag.level, flag.catalogue, flag.previous_level, flag.previous_catalogue, flag.level_changed) == (
            1, "testcat@2", 2, "testcat@1", True)
        quiet_flag = FlagResult.model_validate(quiet.flag)
        assert (quiet_flag.level, quiet_flag.previous_level, quiet_flag.level_changed) == (0, 0, False)
        assert draft.flag is None and draft.level is None  # a draft is judged when it is finished
        emitted = session.scalars(select(ChangeLog).where(ChangeLog.seq > seq,
                                                          ChangeLog.entity == "inspection_flag")).all()
        assert {c.entity_id for c in emitted} == {str(serious_id), str(quiet_id)}
        assert all(c.scope == f"user:{serious.inspector_id}@{DEFAULT_ORGANISATION_ID}" for c in emitted)
        data = next(c.data for c in emitted if c.entity_id == str(serious_id))
        assert data is not None and data["level"] == 1 and data["flag"]["level_changed"] is True

    in_transaction(settings, after)

    def again(session: Session) -> int:
        newest = max(session.scalars(select(ChangeLog.seq)).all())
        assert catalog.publish_catalogue(session=session, catalogue=softer) is False  # idempotent: nothing re-judged
        return newest - max(session.scalars(select(ChangeLog.seq)).all())

    assert in_transaction(settings, again) == 0


def test_publishing_an_older_version_does_not_rejudge(settings: Settings, test_catalogue: Catalogue) -> None:
    """Only the newest catalogue judges; storing an older version (e.g. a back-filled file) changes no flag."""
    in_transaction(settings, lambda s: catalog.publish_catalogue(session=s, catalogue=_softer(test_catalogue, 5)))

    def publish_older(session: Session) -> int:
        newest = max(session.scalars(select(ChangeLog.seq)).all())
        assert catalog.publish_catalogue(session=session, catalogue=_softer(test_catalogue, 4)) is True
        return len(session.scalars(select(ChangeLog).where(ChangeLog.seq > newest,
                                                           ChangeLog.entity == "inspection_flag")).all())

    assert in_transaction(settings, publish_older) == 0


def test_controls_whose_signals_are_all_decided_keep_their_judgement(settings: Settings,
                                                                     test_catalogue: Catalogue) -> None:
    """A team lead's gegrond/ongegrond stands on the judgement it was made on; 'meer informatie nodig' and
    unverified signals stay open and are re-judged."""
    from sync_server.review.models import Verification

    def before(session: Session) -> dict[str, uuid.UUID]:
        ids = {}
        for name, verdicts in (("decided", ["gegrond", "ongegrond"]), ("more_info", ["gegrond", "meer_info"]),
                               ("half", ["gegrond"])):
            inspection = _inspection(session, status="finished", premises={"locked_in": True},
                                     person={"passport_withheld": True})
            lead = get_by_username(session=session, username="teamleider1")
            assert lead is not None
            subjects = [s["subject_id"] for s in inspection.flag["subjects"] if s["level"] >= 1]  # type: ignore[index]
            assert len(subjects) == 2
            session.add_all(Verification(inspection_id=inspection.id, subject_id=s, verdict=v, reason="r",
                                         by_id=lead.id, at=datetime.now(UTC))
                            for s, v in zip(subjects, verdicts, strict=False))
            ids[name] = inspection.id
        return ids

    ids = in_transaction(settings, before)
    keys = {name: in_transaction(settings, lambda s, i=i: s.get(Inspection, i).catalogue_key)  # type: ignore[union-attr]
            for name, i in ids.items()}
    newer = _softer(test_catalogue, 7)
    in_transaction(settings, lambda s: catalog.publish_catalogue(session=s, catalogue=newer))

    def after(session: Session) -> dict[str, str | None]:
        return {name: session.get(Inspection, i).catalogue_key for name, i in ids.items()}  # type: ignore[union-attr]

    assert in_transaction(settings, after) == {"decided": keys["decided"], "more_info": "testcat@7",
                                               "half": "testcat@7"}
