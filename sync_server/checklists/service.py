"""Checklist drafts: list the published versions, make a draft from the newest, save it, check it and publish it.

Drafts belong to the organisation of the beheerder who made them (another organisation's draft is ``not_found``);
publication is for every device, as the asset files are: ``catalog.service.publish_template`` stores the next
version, immutable, and emits it to scope ``all``, so every tablet receives it at its next sync. Older versions
stay published, so the answers of a control made with one stay readable.

Publishing is refused while the draft has problems (``schemas.checklist_drafts.draft_problems``, the checks of
``schemas.templates``), when a newer version was published after the draft was made, and when the current indicator
catalogue does not fit the draft where it fitted the version it came from: a rule reads a question the draft removes
or marks not scoring (``assets.template_warnings``, the check behind ``inspectie-server catalogue test``, plus the
rules that applied to the old version and lose a question in the new one). Every act is audited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.catalogue_fit import template_fit
from schemas.checklist_drafts import (
    CatalogueConflict,
    ChecklistRead,
    DraftCheck,
    DraftRead,
    DraftSummary,
    PublishedVersion,
    PublishResult,
    compare,
    draft_problems,
)
from schemas.inputs import problem
from schemas.templates import Template, parse_template
from sync_server.assets import template_warnings
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal
from sync_server.catalog.models import PublishedTemplate
from sync_server.catalog.published import get_current_catalogue, get_template
from sync_server.catalog.service import ImmutableAssetError, publish_template
from sync_server.checklists.models import ChecklistDraft
from sync_server.errors import ApiError
from sync_server.review import audit
from sync_server.tenancy import access

DRAFT_FORMAT = 2  # every tablet of sync schema >= 3 reads it; an older one keeps the versions it has


def overview(*, session: Session, viewer: Principal) -> list[ChecklistRead]:
    """Every checklist with its published versions (newest first) and the viewer's organisation's draft."""
    rows = session.scalars(select(PublishedTemplate).order_by(PublishedTemplate.id, PublishedTemplate.version.desc()))
    drafts = {d.template_id: d for d in session.scalars(
        select(ChecklistDraft).where(access.in_organisation(ChecklistDraft, viewer.organisation_id)))}
    names = _names(session, [d.updated_by for d in drafts.values()])
    out: dict[str, ChecklistRead] = {}
    for row in rows:
        entry = out.get(row.id)
        if entry is None:
            draft = drafts.get(row.id)
            entry = out[row.id] = ChecklistRead(
                template_id=row.id, control_type=row.control_type, title=dict(row.content.get("title") or {}),
                versions=[], draft=_summary(draft, names) if draft else None)
        entry.versions.append(PublishedVersion(version=row.version, published_at=row.published_at,
                                               questions=_count_questions(row.content)))
    return sorted(out.values(), key=lambda c: (c.control_type, c.template_id))


def published_content(*, session: Session, template_id: str, version: int) -> dict[str, Any]:
    row = session.get(PublishedTemplate, (template_id, version))
    if row is None:
        raise ApiError("not_found")
    return dict(row.content)


def create_draft(*, session: Session, viewer: Principal, template_id: str) -> DraftRead:
    """A draft of the next version of ``template_id``, from its newest published version."""
    newest = _newest(session, template_id)
    if newest is None:
        raise ApiError("not_found")
    if _draft_of(session, viewer, template_id) is not None:
        raise ApiError("checklist_draft_exists")
    now = datetime.now(UTC)
    draft = ChecklistDraft(id=uuid.uuid4(), organisation_id=viewer.organisation_id, template_id=template_id,
                           base_version=newest.version, revision=1, content=_fixed(dict(newest.content), newest),
                           created_by=viewer.user_id, created_at=now, updated_by=viewer.user_id, updated_at=now)
    session.add(draft)
    session.flush()
    audit.record(session=session, user=viewer, action="create_checklist_draft", object_type="checklist_draft",
                 object_id=str(draft.id), detail={"template": template_id, "from_version": newest.version})
    return _read(session, draft, newest.version)


def get_draft(*, session: Session, viewer: Principal, draft_id: uuid.UUID) -> DraftRead:
    draft = _draft_or_404(session, viewer, draft_id)
    return _read(session, draft, _newest_version(session, draft.template_id))


def save_draft(*, session: Session, viewer: Principal, draft_id: uuid.UUID, content: dict[str, Any],
               revision: int) -> DraftRead:
    """Store the draft's content as it is, problems and all (nothing typed is lost); the problems come back.
    Refused when the draft was saved since ``revision`` was read (another beheerder's work is not overwritten)."""
    draft = _draft_or_404(session, viewer, draft_id)
    if revision != draft.revision:
        raise ApiError("checklist_draft_changed")
    if problem(content) is not None:
        raise ApiError("input_unstorable")
    base = session.get(PublishedTemplate, (draft.template_id, draft.base_version))
    if base is None:  # a published version is never deleted; a database restored without it answers as not found
        raise ApiError("not_found")
    draft.content = _fixed(content, base)
    draft.revision += 1
    draft.updated_by, draft.updated_at = viewer.user_id, datetime.now(UTC)
    audit.record(session=session, user=viewer, action="save_checklist_draft", object_type="checklist_draft",
                 object_id=str(draft.id), detail={"template": draft.template_id})
    return _read(session, draft, _newest_version(session, draft.template_id))


def delete_draft(*, session: Session, viewer: Principal, draft_id: uuid.UUID) -> None:
    draft = _draft_or_404(session, viewer, draft_id)
    session.delete(draft)
    audit.record(session=session, user=viewer, action="delete_checklist_draft", object_type="checklist_draft",
                 object_id=str(draft.id), detail={"template": draft.template_id})


def check_draft(*, session: Session, viewer: Principal, draft_id: uuid.UUID) -> DraftCheck:
    draft = _draft_or_404(session, viewer, draft_id)
    return _check(session, draft)


def publish_draft(*, session: Session, viewer: Principal, draft_id: uuid.UUID,
                  publishing_organisation: str) -> PublishResult:
    """Publish the draft as the next version for every device and delete it; refused as ``_check`` says, and for a
    beheerder outside the publishing organisation (``access.publisher_or_403``: every organisation gets it)."""
    draft = _draft_or_404(session, viewer, draft_id)
    access.publisher_or_403(session=session, user=viewer, publishing_organisation=publishing_organisation)
    check = _check(session, draft)
    if check.problems:
        raise ApiError("checklist_draft_invalid")
    if check.outdated:
        raise ApiError("checklist_draft_outdated")
    if check.conflicts:
        raise ApiError("checklist_catalogue_conflict", detail="; ".join(c.raw for c in check.conflicts))
    template = parse_template({**draft.content, "version": check.next_version}, f"draft {draft.id}")
    try:
        publish_template(session=session, template=template)
    except ImmutableAssetError:  # another organisation published this version number a moment ago
        raise ApiError("checklist_draft_outdated") from None
    session.flush()
    row = session.get(PublishedTemplate, (template.id, template.version))
    assert row is not None
    detail = {"template": template.id, "version": template.version, "from_version": draft.base_version,
              "added": sum(c.kind == "added" for c in check.changes),
              "changed": sum(c.kind == "changed" for c in check.changes),
              "removed": sum(c.kind == "removed" for c in check.changes)}
    audit.record(session=session, user=viewer, action="publish_checklist", object_type="template",
                 object_id=template.key, detail=detail)
    session.delete(draft)
    return PublishResult(template_id=template.id, version=template.version, published_at=row.published_at)


# --- checks --------------------------------------------------------------------------------------------------------

def _check(session: Session, draft: ChecklistDraft) -> DraftCheck:
    newest = _newest_version(session, draft.template_id)
    base_row = session.get(PublishedTemplate, (draft.template_id, draft.base_version))
    base_content = dict(base_row.content) if base_row else {}
    problems = draft_problems(draft.content)
    conflicts: list[CatalogueConflict] = []
    base = get_template(session=session, template_id=draft.template_id, version=draft.base_version)
    catalogue = get_current_catalogue(session=session)
    if not problems and base is not None and catalogue is not None:
        conflicts = catalogue_conflicts(catalogue, _newest_templates(session), base,
                                        parse_template(draft.content, f"draft {draft.id}"))
    outdated = newest > draft.base_version
    return DraftCheck(problems=problems, conflicts=conflicts, changes=compare(base_content, draft.content),
                      outdated=outdated, next_version=newest + 1,
                      publishable=not (problems or conflicts or outdated))


def catalogue_conflicts(catalogue: Catalogue, current: list[Template], base: Template,
                        draft: Template) -> list[CatalogueConflict]:
    """How ``catalogue`` stops fitting when ``draft`` replaces ``base`` among the ``current`` (newest) templates:
    a rule that applied to ``base`` reads a question ``draft`` removes or newly marks not scoring, and any new
    misfit ``assets.template_warnings`` finds (the check of ``inspectie-server catalogue test``)."""
    conflicts: list[CatalogueConflict] = []
    applied = set(template_fit(catalogue, base).applies)
    for gid, scope, preds in catalogue.condition_groups():
        if gid not in applied or scope is None:
            continue
        for qid in dict.fromkeys(q for p in preds if p.on_answers for q in p.question_ids()):
            old, new = base.question(qid, scope), draft.question(qid, scope)
            if old is not None and new is None:
                conflicts.append(CatalogueConflict(code="removed", rule=gid, question=qid,
                                                   raw=f"rule {gid}: reads {scope} question {qid}, which the "
                                                       f"draft removes"))
            elif old is not None and new is not None and old.not_scoring is None and new.not_scoring is not None:
                conflicts.append(CatalogueConflict(code="not_scoring", rule=gid, question=qid,
                                                   raw=f"rule {gid}: reads {qid}, which the draft marks not scoring "
                                                       f"({new.not_scoring})"))
    others = [t for t in current if t.id != base.id]
    newest_base = next((t for t in current if t.id == base.id), base)
    before = set(template_warnings(catalogue, [*others, newest_base]))
    named = {(c.rule, c.question) for c in conflicts}
    for warning in template_warnings(catalogue, [*others, draft]):
        if warning in before or any(warning.startswith(f"rule {r}:") and q in warning for r, q in named):
            continue  # there before the draft, or said above in the draft's own words
        conflicts.append(CatalogueConflict(code="other", raw=warning))
    return conflicts


# --- helpers -------------------------------------------------------------------------------------------------------

def _fixed(content: dict[str, Any], base: PublishedTemplate) -> dict[str, Any]:
    """The content with the fields the server owns: the template's id and control type, format 2, and the version
    the draft would get now (publishing sets the version again)."""
    return {**content, "id": base.id, "control_type": base.control_type, "format": DRAFT_FORMAT,
            "version": base.version + 1}


def _newest(session: Session, template_id: str) -> PublishedTemplate | None:
    return session.scalars(select(PublishedTemplate).where(PublishedTemplate.id == template_id)
                           .order_by(PublishedTemplate.version.desc()).limit(1)).first()


def _newest_version(session: Session, template_id: str) -> int:
    newest = _newest(session, template_id)
    return newest.version if newest else 0


def _newest_templates(session: Session) -> list[Template]:
    rows = session.execute(select(PublishedTemplate.id, PublishedTemplate.version)
                           .order_by(PublishedTemplate.id, PublishedTemplate.version)).all()
    newest = {tid: version for tid, version in rows}
    found = [get_template(session=session, template_id=tid, version=v) for tid, v in newest.items()]
    return [t for t in found if t is not None]


def _draft_of(session: Session, viewer: Principal, template_id: str) -> ChecklistDraft | None:
    return session.scalars(select(ChecklistDraft).where(access.in_organisation(ChecklistDraft, viewer.organisation_id),
                                                        ChecklistDraft.template_id == template_id)).first()


def _draft_or_404(session: Session, viewer: Principal, draft_id: uuid.UUID) -> ChecklistDraft:
    """The draft if it belongs to the viewer's organisation; ``not_found`` otherwise (also another's)."""
    return access.row_or_404(session=session, model=ChecklistDraft, row_id=draft_id,
                             organisation_id=viewer.organisation_id)


def _names(session: Session, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {uid: name for uid, name in rows}


def _summary(draft: ChecklistDraft, names: dict[uuid.UUID, str]) -> DraftSummary:
    return DraftSummary(id=draft.id, base_version=draft.base_version, updated_at=draft.updated_at,
                        updated_by=names.get(draft.updated_by, ""))


def _read(session: Session, draft: ChecklistDraft, newest: int) -> DraftRead:
    names = _names(session, [draft.updated_by])
    control_type = str(draft.content.get("control_type", ""))
    return DraftRead(id=draft.id, template_id=draft.template_id, control_type=control_type,
                     base_version=draft.base_version, newest_version=newest, revision=draft.revision,
                     content=dict(draft.content),
                     problems=draft_problems(draft.content), updated_at=draft.updated_at,
                     updated_by=names.get(draft.updated_by, ""))


def _count_questions(content: dict[str, Any]) -> int:
    total = 0
    for part in ("sections", "person_module"):
        for section in content.get(part) or []:
            if isinstance(section, dict):
                total += len(section.get("questions") or [])
    return total

