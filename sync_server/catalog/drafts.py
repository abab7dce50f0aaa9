"""The beheerder's catalogue cycle (issue 15 part B): the published versions, one draft per organisation made from
the current version and stored as it is edited, its problems in Dutch (the CLI's checks), the reference cases run
against it (``casetest``, the CLI's runner) with their margins, a dry run of the re-evaluation of open controls, and
publishing through ``publish_catalogue`` — only when every active reference case passes, or with a reason the
beheerder signs (stored with the version and audited).

The catalogue is one for the whole server (every organisation's tablets judge by it); the draft, the cases and the
dry run are the organisation's own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.catalogue_beheer import (
    REASON_MIN_LENGTH,
    CaseResult,
    CaseRunRead,
    CatalogueVersionRead,
    DraftRead,
    DryRunRead,
    DryRunRow,
    MarginsRead,
    Problem,
    QuestionRef,
)
from schemas.margins import AnswerChange, CaseMargins, margins
from schemas.templates import Scope, Template
from sync_server.auth.schemas import Principal
from sync_server.catalog import casetest, problems, published, refcases
from sync_server.catalog.models import CatalogueDraft, CataloguePublication, PublishedCatalogue
from sync_server.catalog.reevaluate import preview
from sync_server.catalog.service import publish_catalogue
from sync_server.errors import ApiError
from sync_server.review import audit
from sync_server.tenancy import access


def versions(*, session: Session, user: Principal) -> list[CatalogueVersionRead]:
    """Every published version, newest first, with who published it from the app and their signed reason (shown
    to the beheerder of the organisation that published it)."""
    rows = list(session.scalars(select(PublishedCatalogue).order_by(PublishedCatalogue.version.desc())))
    notes = {(p.catalogue_id, p.version): p for p in session.scalars(
        select(CataloguePublication).where(access.in_organisation(CataloguePublication, user.organisation_id)))}
    out: list[CatalogueVersionRead] = []
    for n, row in enumerate(rows):
        note = notes.get((row.id, row.version))
        out.append(CatalogueVersionRead(version=row.version, key=f"{row.id}@{row.version}",
                                        published_at=row.published_at, current=n == 0,
                                        published_by=note.published_by if note else "",
                                        reason=note.reason if note else "",
                                        cases_failed=note.cases_failed if note else 0))
    return out


def questions(*, session: Session) -> list[QuestionRef]:
    """Every question a published checklist asks, once per scope and id, with what the rule editor needs."""
    found: dict[tuple[str, str], QuestionRef] = {}
    for t in published.list_templates(session=session):
        for scope in Scope:
            for q in t.questions(scope):
                key = (scope.value, q.id)
                ref = found.get(key)
                if ref is None:
                    ref = found[key] = QuestionRef(scope=scope.value, id=q.id, label=q.label.nl, type=q.type.value)
                ref.options = sorted({*ref.options, *(o.value for o in q.options)})
                if q.not_scoring is not None:
                    ref.not_scoring = q.not_scoring.value
                if t.key not in ref.templates:
                    ref.templates.append(t.key)
    return sorted(found.values(), key=lambda r: (r.scope, r.id))


def _templates(session: Session) -> list[Template]:
    return published.list_templates(session=session)


def _draft(session: Session, user: Principal) -> CatalogueDraft | None:
    return session.scalars(select(CatalogueDraft)
                           .where(access.in_organisation(CatalogueDraft, user.organisation_id))).first()


def draft_or_404(*, session: Session, user: Principal) -> CatalogueDraft:
    row = _draft(session, user)
    if row is None:
        raise ApiError("not_found")
    return row


def read(session: Session, row: CatalogueDraft) -> DraftRead:
    _catalogue, found = problems.draft_problems(row.content, _templates(session))
    return DraftRead(id=row.id, base_version=row.base_version, content=row.content, created_by=row.created_by,
                     updated_by=row.updated_by, updated_at=row.updated_at, problems=found)


def create(*, session: Session, user: Principal) -> CatalogueDraft:
    """A draft of the next version, made from the current one; one per organisation (409 when there is one)."""
    if _draft(session, user) is not None:
        raise ApiError("catalogue_draft_exists")
    current = published.get_current_catalogue(session=session)
    if current is None:
        raise ApiError("catalogue_none_published")
    now = datetime.now(UTC)
    content = {**current.model_dump(mode="json", by_alias=True), "version": current.version + 1}
    row = CatalogueDraft(id=uuid.uuid4(), organisation_id=user.organisation_id, base_version=current.version,
                         content=content,
                         created_by=user.username, created_at=now, updated_by=user.username, updated_at=now)
    session.add(row)
    audit.record(session=session, user=user, action="catalogue_draft_create", object_type="catalogue_draft",
                 object_id=str(row.id), detail={"base_version": current.version})
    session.flush()
    return row


def save(*, session: Session, user: Principal, content: dict[str, Any]) -> CatalogueDraft:
    """Store the edited draft as it is (also with problems: nothing typed is lost); the answer lists them."""
    row = draft_or_404(session=session, user=user)
    base = row.content
    row.content = {**content, "id": base.get("id", content.get("id")), "version": base.get("version", 1)}
    row.updated_by, row.updated_at = user.username, datetime.now(UTC)
    audit.record(session=session, user=user, action="catalogue_draft_edit", object_type="catalogue_draft",
                 object_id=str(row.id), detail={"changed": _changed_parts(base, row.content)})
    session.flush()
    return row


def _changed_parts(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Which rules, indicators and norms an edit changed (for the audit trail)."""
    out: list[str] = []
    for part, key in (("rules", "id"), ("indicators", "code")):
        before = {str(x.get(key)): x for x in old.get(part, []) if isinstance(x, dict)}
        after = {str(x.get(key)): x for x in new.get(part, []) if isinstance(x, dict)}
        out += [f"{part[:-1]} {k}" for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    old_norms, new_norms = old.get("norms") or {}, new.get("norms") or {}
    if isinstance(old_norms, dict) and isinstance(new_norms, dict):
        out += [f"norm {k}" for k in sorted(set(old_norms) | set(new_norms)) if old_norms.get(k) != new_norms.get(k)]
    return out[:50]


def discard(*, session: Session, user: Principal) -> None:
    row = draft_or_404(session=session, user=user)
    audit.record(session=session, user=user, action="catalogue_draft_discard", object_type="catalogue_draft",
                 object_id=str(row.id))
    session.delete(row)
    session.flush()


def _usable(session: Session, row: CatalogueDraft) -> tuple[Catalogue | None, list[Problem]]:
    catalogue, found = problems.draft_problems(row.content, _templates(session))
    return (catalogue if not found else None), found


def run_cases(*, session: Session, user: Principal, assets_dir: Path) -> CaseRunRead:
    """The organisation's active reference cases against the draft (none run while the draft has problems)."""
    row = draft_or_404(session=session, user=user)
    catalogue, found = _usable(session, row)
    key = f"{row.content.get('id')}@{row.content.get('version')}"
    if catalogue is None:
        return CaseRunRead(catalogue=key, problems=found, results=[], broken=[], passed=0, failed=0, retired=0)
    cases, retired = refcases.active(session=session, user=user, assets_dir=assets_dir)
    report = casetest.run_loaded(cases, _templates(session), catalogue)
    results = [CaseResult(name=o.name, description=o.description, template=o.template, expected=o.expected,
                          actual=o.actual, passed=o.passed, mismatches=o.mismatches) for o in report.outcomes]
    failed = sum(1 for r in results if not r.passed)
    return CaseRunRead(catalogue=key, problems=[], results=results, broken=report.broken,
                       passed=len(results) - failed, failed=failed + len(report.broken), retired=retired)


def case_margins(*, session: Session, user: Principal, name: str, assets_dir: Path) -> MarginsRead:
    """Which single answer would move one case a level up or down with the draft."""
    row = draft_or_404(session=session, user=user)
    catalogue, found = _usable(session, row)
    if catalogue is None:
        raise ApiError("catalogue_draft_invalid", detail=found[0].message if found else "")
    case_row = refcases.row_or_404(session=session, user=user, name=name, assets_dir=assets_dir)
    case, case_found = refcases.check(case_row.content, _templates(session))
    if case is None or case_found:
        raise ApiError("case_invalid", detail=" ".join(p.message for p in case_found)[:2000])
    from schemas.cases import pick_template

    template = pick_template(_templates(session), case.template)
    found_margins = margins(case, template, catalogue)
    return MarginsRead(name=name, lines=margin_lines_nl(template, found_margins), fragile=found_margins.fragile)


def margin_lines_nl(template: Template, found: CaseMargins) -> list[str]:
    """``omhoog naar niveau 3: Persoon 1 P21 “Vrij om te gaan?”: ja wordt nee``, up first, then what was left out
    (words, not arrows: the office app's web font has no arrow glyphs)."""
    if not found.fragile:
        return ["Geen enkel antwoord verandert het niveau."]
    lines: list[str] = []
    for side, way in ((found.up, "omhoog"), (found.down, "omlaag")):
        lines += [f"{way} naar {_change(template, c)}" for c in side.changes]
        if side.total > len(side.changes):
            lines.append(f"{way}: en nog {side.total - len(side.changes)} antwoorden die het niveau {way} zetten")
    return lines


def _change(template: Template, c: AnswerChange) -> str:
    q = template.question(c.question_id, c.scope)
    subject = "pand" if c.scope is Scope.PREMISES else c.subject_label
    if c.scope is not Scope.PREMISES and c.group_size > 1:
        subject += f" (en {c.group_size - 1} met dezelfde antwoorden)"
    return (f"niveau {c.level}: {subject} {c.question_id} “{c.question_label.nl}”: "
            f"{casetest._shown(q, c.old)} wordt {casetest._shown(q, c.new)}")


def dry_run(*, session: Session, user: Principal) -> DryRunRead:
    """Which of the organisation's open controls the draft would move a level, from → to; nothing is written."""
    row = draft_or_404(session=session, user=user)
    catalogue, found = _usable(session, row)
    if catalogue is None:
        raise ApiError("catalogue_draft_invalid", detail=found[0].message if found else "")
    checked, changed = preview(session=session, catalogue=catalogue, organisation_id=user.organisation_id)
    rows = [DryRunRow(inspection_id=i.id, address=_address(i.address), control_type=i.control_type,
                      from_level=old, to_level=new) for i, old, new in changed]
    audit.record(session=session, user=user, action="catalogue_dry_run", object_type="catalogue_draft",
                 object_id=str(row.id), detail={"checked": checked, "changed": len(rows)})
    return DryRunRead(catalogue=catalogue.key, checked=checked, changed=rows)


def _address(address: dict[str, Any] | None) -> str:
    a = address or {}
    street = " ".join(str(a.get(k) or "") for k in ("street", "house_number", "addition")).strip()
    return ", ".join(p for p in (street, str(a.get("city") or "")) if p) or "—"


def publish(*, session: Session, user: Principal, reason: str | None, assets_dir: Path) -> CatalogueVersionRead:
    """Publish the draft as the next version: refused when another version was published since the draft was made
    (409 ``catalogue_draft_outdated``: publishing it would silently undo that version), while it has problems (409
    ``catalogue_draft_invalid``), and while a reference case fails unless the beheerder signs a reason (409
    ``catalogue_cases_failed``)."""
    row = draft_or_404(session=session, user=user)
    current = published.get_current_catalogue(session=session)
    if current is not None and current.version != row.base_version:
        raise ApiError("catalogue_draft_outdated", detail=f"{row.base_version} < {current.version}")
    catalogue, found = _usable(session, row)
    if catalogue is None:
        raise ApiError("catalogue_draft_invalid", detail=found[0].message if found else "")
    run = run_cases(session=session, user=user, assets_dir=assets_dir)
    signed = (reason or "").strip()
    if run.failed and len(signed) < REASON_MIN_LENGTH:
        names = ", ".join([r.name for r in run.results if not r.passed][:10])
        raise ApiError("catalogue_cases_failed", detail=f"{run.failed}: {names}")
    top = session.scalar(select(func.max(PublishedCatalogue.version)).where(PublishedCatalogue.id == catalogue.id))
    version = int(top or 0) + 1
    final = catalogue.model_copy(update={"version": version})
    publish_catalogue(session=session, catalogue=final)
    now = datetime.now(UTC)
    note = CataloguePublication(catalogue_id=final.id, version=version, organisation_id=user.organisation_id,
                                published_by=user.username, reason=signed if run.failed else "",
                                cases_passed=run.passed, cases_failed=run.failed, published_at=now)
    session.add(note)
    audit.record(session=session, user=user, action="catalogue_publish", object_type="catalogue",
                 object_id=final.key, detail={"cases_passed": run.passed, "cases_failed": run.failed,
                                              "reason": note.reason, "base_version": row.base_version})
    session.delete(row)
    session.flush()
    return CatalogueVersionRead(version=version, key=final.key, published_at=now, current=True,
                                published_by=user.username, reason=note.reason, cases_failed=run.failed)
