"""Handlers for the v1 inspection mutations.

Each handler validates its arguments and the caller's right to touch the inspection, then writes.
A permanent failure raises ``Rejected``; the push loop turns it into a rejection that syncs back, never
undoing the batch. Every handler here raises ``Rejected`` only BEFORE its first write (``_own`` checks,
``_touch`` is the first write), so the push runs them without a savepoint (``CHECKS_BEFORE_WRITING``);
keep it that way when you change one (``tests/server/test_sync_push_batch.py`` checks that a rejection
leaves nothing behind). Handlers for old names stay here as long as any client in the schema window may
send them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from schemas.inputs import STORABLE_CHECKED, UNSTORABLE, problem
from schemas.records import PersonRecord
from schemas.sync import Mutation
from schemas.templates import AnswerValue, Question, Scope, Template, check_answer
from sync_server.auth.schemas import Principal, Role
from sync_server.catalog import published as catalog
from sync_server.inspections import conflicts
from sync_server.inspections import schemas as s
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.inspections.service import PREMISES
from sync_server.planning.models import PlannedControl
from sync_server.tenancy import access


class Rejected(Exception):
    """A permanent failure of one mutation; ``code`` is a key of ``errors.REJECTIONS``."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


@dataclass
class MutationContext:
    """One push: the session, the caller, and strong references to what the batch keeps using (SQLAlchemy's
    identity map is weak, so without them every mutation would load its inspection and template again)."""

    session: Session
    user: Principal
    client_id: str = ""
    touched: set[uuid.UUID] = field(default_factory=set)
    inspections: dict[uuid.UUID, Inspection] = field(default_factory=dict)
    templates: dict[tuple[str, int], Template | None] = field(default_factory=dict)
    answers: dict[uuid.UUID, dict[tuple[str, str], Answer | NewAnswer]] = field(default_factory=dict)
    persons: dict[uuid.UUID, dict[str, Person]] = field(default_factory=dict)
    absent: set[uuid.UUID] = field(default_factory=set)
    photo_ids: set[uuid.UUID] | None = None
    parsed: dict[int, BaseModel | Rejected] = field(default_factory=dict)
    unstorable: dict[int, str] = field(default_factory=dict)
    bumps: Counter[uuid.UUID] = field(default_factory=Counter)
    questions: dict[tuple[str, int, Scope], dict[str, Question]] = field(default_factory=dict)
    inspection_templates: dict[uuid.UUID, Template | None] = field(default_factory=dict)

    def parse(self, mutations: list[Mutation]) -> None:
        """Check that every mutation can be stored (``unstorable``) and parse the arguments of the v1 ones, up
        front: pure work that the push does before it takes the sync lock, so another worker's push can run
        meanwhile. ``args`` hands the parsed arguments out."""
        for m in mutations:
            found = problem({"args": m.args, "base_version": m.base_version})
            if found is not None:
                self.unstorable[id(m)] = found
                continue
            model = ARGS.get(m.name)
            if model is not None:
                try:
                    self.parsed[id(m)] = _args(model, m, storable_checked=True)
                except Rejected as exc:
                    self.parsed[id(m)] = exc

    def problem(self, m: Mutation) -> str | None:
        """What makes ``m`` unstorable (``schemas.inputs.problem``), from ``parse`` when it saw ``m``."""
        if id(m) in self.parsed or id(m) in self.unstorable:
            return self.unstorable.get(id(m))
        return problem({"args": m.args, "base_version": m.base_version})

    def args(self, model: type[A], m: Mutation) -> A:
        """``m``'s arguments as ``model`` (parsed by ``parse``, or now); raises ``Rejected``."""
        found = self.parsed.get(id(m))
        if isinstance(found, Rejected):
            raise found
        return found if isinstance(found, model) else _args(model, m)

    def question(self, template: Template, scope: Scope, question_id: str) -> Question | None:
        """``template.question`` through a dict built once per push (the template's lookup is a linear scan)."""
        key = (template.id, template.version, scope)
        if key not in self.questions:
            self.questions[key] = {q.id: q for q in template.questions(scope)}
        return self.questions[key].get(question_id)

    def apply_bumps(self) -> None:
        """Add each touched inspection's version increments (``_touch``) in one attribute write per inspection."""
        for inspection_id, count in self.bumps.items():
            self.inspections[inspection_id].version += count
        self.bumps.clear()

    def prefetch(self, mutations: list[Mutation]) -> None:
        """Load the batch's inspections and the photo ids it attaches in two queries, so the handlers need no
        query (and no autoflush) to learn that an inspection or photo is new."""
        ids = list({m.entity_id for m in mutations} - self.inspections.keys())
        if ids:
            found = self.session.scalars(select(Inspection).where(Inspection.id.in_(ids)))
            self.inspections.update({i.id: i for i in found})
            self.absent = set(ids) - self.inspections.keys()
        photo_ids = list(filter(None, (_uuid(m.args.get("photo_id")) for m in mutations
                                        if m.name == "photo.attach.v1")))
        taken = self.session.scalars(select(Photo.id).where(Photo.id.in_(photo_ids))) if photo_ids else None
        self.photo_ids = set(taken or ())

    def write_answers(self) -> None:
        """Insert the answers this push created, in one statement: thousands of ORM objects, each with its id
        read back, were most of the cost of a week's backlog. Call once, after the last handler."""
        new = [{"inspection_id": a.inspection_id, "person_id": a.person_id, "question_id": a.question_id,
                "value": a.value} for rows in self.answers.values() for a in rows.values() if isinstance(a, NewAnswer)]
        if new:
            self.session.flush()  # the ORM's pending rows (inspections, persons) first
            answers = cast(Table, Answer.__table__)
            self.session.connection().execute(insert(answers), new)  # Core: no ORM bookkeeping per row
        self.answers.clear()

    def findings(self) -> dict[uuid.UUID, tuple[dict[str, AnswerValue], list[PersonRecord]]]:
        """``inspections.service.findings_of`` for the inspections whose answer and person rows this push holds
        in full (created here, or loaded by ``answer_rows`` and ``person_rows``), without reading them back.
        Call before ``write_answers``."""
        out: dict[uuid.UUID, tuple[dict[str, AnswerValue], list[PersonRecord]]] = {}
        for inspection_id in self.answers.keys() & self.persons.keys():
            premises: dict[str, AnswerValue] = {}
            by_person: dict[str, dict[str, AnswerValue]] = {}
            for (person_id, question_id), row in self.answers[inspection_id].items():
                if row.value is None:  # a team lead cleared it; the row keeps its office version
                    continue
                (premises if person_id == PREMISES else by_person.setdefault(person_id, {}))[question_id] = row.value
            people = sorted(enumerate(self.persons[inspection_id].values()),  # creation order, as findings_of
                            key=lambda item: (item[1].id is None, item[1].id or 0, item[0]))
            out[inspection_id] = (premises, [PersonRecord(id=p.person_id, label=p.label,
                                                          answers=by_person.get(p.person_id, {}))
                                             for _n, p in people if not p.deleted])
        return out

    def answer_rows(self, inspection_id: uuid.UUID) -> dict[tuple[str, str], Answer | NewAnswer]:
        """The inspection's answer rows by (person, question), loaded once per push."""
        if inspection_id not in self.answers:
            rows = self.session.scalars(select(Answer).where(Answer.inspection_id == inspection_id))
            self.answers[inspection_id] = {(a.person_id, a.question_id): a for a in rows}
        return self.answers[inspection_id]

    def person_rows(self, inspection_id: uuid.UUID) -> dict[str, Person]:
        """The inspection's person rows (deleted ones too) by person id, loaded once per push."""
        if inspection_id not in self.persons:
            rows = self.session.scalars(select(Person).where(Person.inspection_id == inspection_id))
            self.persons[inspection_id] = {p.person_id: p for p in rows}
        return self.persons[inspection_id]

    def inspection(self, inspection_id: uuid.UUID) -> Inspection | None:
        if inspection_id in self.absent:
            return None
        found = self.inspections.get(inspection_id) or self.session.get(Inspection, inspection_id)
        if found is not None:
            self.inspections[inspection_id] = found
        return found

    def photo_taken(self, photo_id: uuid.UUID) -> bool:
        if self.photo_ids is None:
            return self.session.get(Photo, photo_id) is not None
        return photo_id in self.photo_ids

    def template_of(self, inspection: Inspection) -> Template | None:
        """The template ``inspection`` was started with, looked up once per inspection and push."""
        found = self.inspection_templates.get(inspection.id, False)
        if found is False:
            found = self.inspection_templates[inspection.id] = self.template(inspection.template_id,
                                                                               inspection.template_version)
        return cast("Template | None", found)

    def template(self, template_id: str, version: int) -> Template | None:
        key = (template_id, version)
        if key not in self.templates:
            self.templates[key] = catalog.get_template(session=self.session, template_id=template_id, version=version)
        return self.templates[key]


@dataclass
class NewAnswer:
    """An answer row this push will insert (``MutationContext.write_answers``); reads like an ``Answer``."""

    inspection_id: uuid.UUID
    person_id: str
    question_id: str
    value: Any
    office_seq: int | None = None


Handler = Callable[[MutationContext, Mutation], None]
A = TypeVar("A", bound=BaseModel)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _args(model: type[A], mutation: Mutation, *, storable_checked: bool = False) -> A:
    """``mutation.args`` as ``model``; ``storable_checked``: the push has run ``problem`` on them already
    (``schemas.inputs.InputModel`` then skips its own walk)."""
    try:
        return model.model_validate(mutation.args, context={STORABLE_CHECKED: True} if storable_checked else None)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        code = UNSTORABLE if any(e["type"] == UNSTORABLE for e in exc.errors()) else "invalid_args"
        raise Rejected(code, detail) from None


def _own(ctx: MutationContext, inspection_id: uuid.UUID) -> Inspection:
    """The inspection, if it exists and the caller created it; writes nothing."""
    inspection = ctx.inspection(inspection_id)
    if inspection is None or not access.belongs(inspection, ctx.user.organisation_id):
        raise Rejected("not_found")  # another organisation's control: not confirmed to exist
    if inspection.inspector_id != ctx.user.user_id:
        raise Rejected("forbidden")
    return inspection


def _touch(ctx: MutationContext, inspection: Inspection) -> None:
    """The first write of a mutation: bump the inspection's version (counted here, written by
    ``MutationContext.apply_bumps``) and mark it for the flag refresh."""
    inspection_id = inspection.id
    ctx.touched.add(inspection_id)
    ctx.inspections[inspection_id] = inspection
    ctx.bumps[inspection_id] += 1


def _owned(ctx: MutationContext, inspection_id: uuid.UUID) -> Inspection:
    """The inspection, if it exists and the caller created it, touched (a write: handlers that use it run in
    a savepoint)."""
    inspection = _own(ctx, inspection_id)
    _touch(ctx, inspection)
    return inspection


def _live_person(ctx: MutationContext, inspection_id: uuid.UUID, person_id: str) -> Person | None:
    person = ctx.person_rows(inspection_id).get(person_id)
    return None if person is None or person.deleted else person


def create_inspection(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.InspectionCreateArgs, m)
    if ctx.user.role is not Role.INSPECTEUR:
        raise Rejected("forbidden")
    if ctx.inspection(m.entity_id) is not None:
        raise Rejected("already_exists")
    template = ctx.template(a.template_id, a.template_version)
    if template is None:
        raise Rejected("unknown_template", f"{a.template_id}@{a.template_version}")
    if template.control_type != a.control_type:
        raise Rejected("invalid_args", f"control_type {a.control_type} does not match {template.key}")
    planned = a.planned_control_id
    plan = ctx.session.get(PlannedControl, planned) if planned is not None else None
    if not access.belongs(plan, ctx.user.organisation_id):
        planned = None  # a stale (or foreign) plan reference must not cost the inspector the whole control
    inspection = Inspection(id=m.entity_id, template_id=a.template_id, template_version=a.template_version,
                            control_type=a.control_type, address=a.address.model_dump(mode="json"),
                            inspector_id=ctx.user.user_id, organisation_id=ctx.user.organisation_id,
                            team_id=ctx.user.team_id, planned_control_id=planned,
                            started_at=a.started_at, received_at=datetime.now(UTC),
                            status="draft", note="", version=0, note_office_seq=None)
    ctx.session.add(inspection)
    ctx.absent.discard(inspection.id)
    ctx.inspections[inspection.id] = inspection
    ctx.answers[inspection.id] = {}  # a new inspection has none yet: no query for them in this push
    ctx.persons[inspection.id] = {}
    ctx.touched.add(m.entity_id)


def update_inspection(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.InspectionUpdateArgs, m)
    inspection = _owned(ctx, m.entity_id)
    if conflicts.office_wins(inspection.note_office_seq, m.base_version, a.note, inspection.note):
        assert inspection.note_office_seq is not None
        conflicts.record(session=ctx.session, inspection=inspection, field="note", person_id="", question_id="",
                         base_version=m.base_version, device_value=a.note, office_value=inspection.note,
                         office_seq=inspection.note_office_seq, client_id=ctx.client_id, mutation_id=m.id)
        return
    inspection.note = a.note


def finish_inspection(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.InspectionFinishArgs, m)
    inspection = _owned(ctx, m.entity_id)
    inspection.status = "finished"
    inspection.finished_at = a.finished_at


def set_answer(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.AnswerSetArgs, m)
    inspection = _own(ctx, m.entity_id)
    inspection_id = m.entity_id  # == inspection.id, without an ORM attribute read per answer
    template = ctx.template_of(inspection)
    if template is None:
        raise Rejected("unknown_template", f"{inspection.template_id}@{inspection.template_version}")
    scope = Scope.PREMISES if a.person_id is None else Scope.PERSON
    question = ctx.question(template, scope, a.question_id)
    if question is None:
        raise Rejected("unknown_question", f"{scope} question {a.question_id}")
    if a.person_id is not None and _live_person(ctx, inspection_id, a.person_id) is None:
        raise Rejected("unknown_person", a.person_id)
    problem = check_answer(question, a.value)
    if problem:
        raise Rejected("invalid_answer", f"{a.question_id}: {problem}")
    _touch(ctx, inspection)
    person = a.person_id or PREMISES
    rows = ctx.answer_rows(inspection_id)
    found = rows.get((person, a.question_id))
    if found is not None and conflicts.office_wins(found.office_seq, m.base_version, a.value, found.value):
        assert found.office_seq is not None
        conflicts.record(session=ctx.session, inspection=inspection, field="answer", person_id=person,
                         question_id=a.question_id, base_version=m.base_version, device_value=a.value,
                         office_value=found.value, office_seq=found.office_seq, client_id=ctx.client_id,
                         mutation_id=m.id)
        return
    _store_answer(ctx.session, rows, inspection_id, person, a.question_id, a.value)


def _store_answer(session: Session, rows: dict[tuple[str, str], Answer | NewAnswer], inspection_id: uuid.UUID,
                  person_id: str, question_id: str, value: Any) -> None:
    key = (person_id, question_id)
    found = rows.get(key)
    if isinstance(found, NewAnswer):  # not in the database yet
        if value is None:
            del rows[key]
        else:
            found.value = value
    elif value is None:
        if found is not None and found.office_seq is not None:
            found.value = None  # keep the row: it carries the office version of this answer
        elif found is not None:
            session.delete(found)
            session.flush()  # before a later set of the same answer inserts its row again
            del rows[key]
    elif found is None:
        rows[key] = NewAnswer(inspection_id, person_id, question_id, value)
    else:
        found.value = value


def create_person(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.PersonCreateArgs, m)
    inspection = _own(ctx, m.entity_id)
    if a.person_id == PREMISES:
        raise Rejected("invalid_args", "person_id may not be empty")
    people = ctx.person_rows(inspection.id)
    if a.person_id in people:
        raise Rejected("already_exists", f"person {a.person_id}")
    _touch(ctx, inspection)
    people[a.person_id] = Person(inspection_id=inspection.id, person_id=a.person_id, label=a.label,
                                   deleted=False)
    ctx.session.add(people[a.person_id])


def delete_person(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.PersonDeleteArgs, m)
    inspection = _own(ctx, m.entity_id)
    person = _live_person(ctx, inspection.id, a.person_id)
    if person is None:
        raise Rejected("unknown_person", a.person_id)
    _touch(ctx, inspection)
    person.deleted = True
    # the person's answers from the per-push cache (one query per inspection and push, none if already loaded):
    # office corrections the tablet had not seen go into a ``person`` conflict before the rows are deleted
    rows = ctx.answer_rows(inspection.id)
    keys = [key for key in rows if key[0] == a.person_id]
    conflicts.record_dropped_person(session=ctx.session, inspection=inspection, person=person,
                                    answers=[rows[key] for key in keys], base_version=m.base_version,
                                    client_id=ctx.client_id, mutation_id=m.id)
    ctx.session.flush()
    ctx.session.execute(delete(Answer).where(Answer.inspection_id == inspection.id,
                                             Answer.person_id == a.person_id))
    for key in keys:
        del rows[key]


def attach_photo(ctx: MutationContext, m: Mutation) -> None:
    a = ctx.args(s.PhotoAttachArgs, m)
    inspection = _own(ctx, m.entity_id)
    if ctx.photo_taken(a.photo_id):
        raise Rejected("already_exists", f"photo {a.photo_id}")
    _touch(ctx, inspection)
    ctx.session.add(Photo(id=a.photo_id, inspection_id=inspection.id, sha256=a.sha256, size=a.size,
                          caption=a.caption))
    if ctx.photo_ids is not None:
        ctx.photo_ids.add(a.photo_id)


ARGS: dict[str, type[BaseModel]] = {
    "inspection.create.v1": s.InspectionCreateArgs,
    "inspection.update.v1": s.InspectionUpdateArgs,
    "inspection.finish.v1": s.InspectionFinishArgs,
    "answer.set.v1": s.AnswerSetArgs,
    "person.create.v1": s.PersonCreateArgs,
    "person.delete.v1": s.PersonDeleteArgs,
    "photo.attach.v1": s.PhotoAttachArgs,
}
"""The argument model of each v1 mutation, for ``MutationContext.parse``."""

HANDLERS: dict[str, Handler] = {
    "inspection.create.v1": create_inspection,
    "inspection.update.v1": update_inspection,
    "inspection.finish.v1": finish_inspection,
    "answer.set.v1": set_answer,
    "person.create.v1": create_person,
    "person.delete.v1": delete_person,
    "photo.attach.v1": attach_photo,
}


CHECKS_BEFORE_WRITING = frozenset(HANDLERS)
"""Handlers that raise ``Rejected`` only before their first write (``_own`` checks, ``_touch`` writes), so the
push loop runs them without a savepoint: a rejection has nothing to undo. Another feature's handlers (``links``),
joined in ``sync.registry``, are not in this set and keep their savepoint."""
