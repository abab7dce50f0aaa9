"""An organisation's reference cases in the database (issue 15 part B).

The model, and why: the cases ship as files in ``assets/cases/<name>.yaml`` (the wheel carries ``assets/``), so
the CLI keeps working on files for automation and CI. The office app needs cases it can add, edit and retire that
survive a restart and an upgrade, so each organisation keeps its own copy in ``reference_case``, keyed by name:

* the files *seed* it: every file whose name the organisation does not have yet is copied in (``source``
  "assets") the first time the cases are read, and so are files a later release adds; a name already there is
  never overwritten, so a beheerder's edit (or retirement) of a shipped case holds;
* a case added in the app has ``source`` "app"; a case is never deleted, only retired (kept, not run), so a
  publication's record of what passed stays explainable, and a retired case can be restored;
* per organisation, because the organisation is the hard boundary: one organisation's beheerder never reads or
  changes another's cases (404). The catalogue itself is one for the whole server (see the report of issue 15 B).

Every change is audited; the case content is checked like the CLI checks a file (``ReferenceCase`` and
``case_problems`` against the published checklists).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.cases import CaseError, ReferenceCase, case_problems, pick_template
from schemas.catalogue_beheer import CaseRead, Problem
from schemas.templates import Template
from sync_server.auth.schemas import Principal
from sync_server.catalog.casetest import case_files, load_case
from sync_server.catalog.models import ReferenceCaseRow
from sync_server.errors import ApiError
from sync_server.review import audit
from sync_server.tenancy import access


def cases_dir(assets_dir: Path) -> Path:
    """``cases`` under the configured assets (the packaged ``assets/`` unless ``INSPECTIE_ASSETS_DIR`` says
    otherwise): the cases belong with the checklists they are written for."""
    return assets_dir / "cases"


def seed(*, session: Session, organisation_id: uuid.UUID, assets_dir: Path) -> int:
    """Copy in every case file whose name the organisation does not have yet; returns how many."""
    folder = cases_dir(assets_dir)
    if not folder.is_dir():
        return 0
    have = set(session.scalars(select(ReferenceCaseRow.name)
                               .where(access.in_organisation(ReferenceCaseRow, organisation_id))))
    added = 0
    for path in case_files(folder):
        if path.stem in have or len(path.stem) > 80:
            continue
        try:
            case = load_case(path)
        except CaseError:
            continue  # a broken file is the CLI's to report; the app never seeds it
        session.add(ReferenceCaseRow(organisation_id=organisation_id, name=path.stem, source="assets",
                                     content=case.model_dump(mode="json", exclude_unset=True), retired=False,
                                     updated_by="inspectie-server", updated_at=datetime.now(UTC)))
        added += 1
    if added:
        session.flush()
    return added


def rows(*, session: Session, user: Principal, assets_dir: Path) -> list[ReferenceCaseRow]:
    seed(session=session, organisation_id=user.organisation_id, assets_dir=assets_dir)
    return list(session.scalars(select(ReferenceCaseRow)
                                .where(access.in_organisation(ReferenceCaseRow, user.organisation_id))
                                .order_by(ReferenceCaseRow.name)))


def row_or_404(*, session: Session, user: Principal, name: str, assets_dir: Path) -> ReferenceCaseRow:
    seed(session=session, organisation_id=user.organisation_id, assets_dir=assets_dir)
    row = session.get(ReferenceCaseRow, (user.organisation_id, name))
    if row is None:
        raise ApiError("not_found")
    return row


def active(*, session: Session, user: Principal, assets_dir: Path) -> tuple[list[tuple[str, ReferenceCase]], int]:
    """The cases to run (name, case) and how many are retired; a stored case that no longer reads is skipped
    by the caller as broken."""
    found: list[tuple[str, ReferenceCase]] = []
    retired = 0
    for row in rows(session=session, user=user, assets_dir=assets_dir):
        if row.retired:
            retired += 1
            continue
        found.append((row.name, ReferenceCase.model_validate(row.content)))
    return found, retired


def read(row: ReferenceCaseRow) -> CaseRead:
    case = ReferenceCase.model_validate(row.content)
    return CaseRead(name=row.name, description=case.description, template=case.template,
                    expected=case.expect.describe(), retired=row.retired, source=row.source, content=row.content,
                    updated_by=row.updated_by, updated_at=row.updated_at)


_CASE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<w>premises|person \S+): (?P<t>\S+) has no (?P<s>\w+) question (?P<q>\S+)$"),
     "{w}: checklist {t} heeft geen vraag {q}"),
    (re.compile(r"^(?P<w>premises|person \S+): (?P<q>\S+) = (?P<v>.+?): (?P<p>.+)$"),
     "{w}: het antwoord {v} past niet bij vraag {q}"),
    (re.compile(r"^person id '(?P<i>.+)' is used twice$"), "persoon {i} komt twee keer voor"),
    (re.compile(r"^unknown template '(?P<t>.+)'$"), "er is geen checklist {t}"),
]


def _dutch(problem: str) -> str:
    for pattern, text in _CASE_PATTERNS:
        m = pattern.match(problem)
        if m is not None:
            parts = {k: v for k, v in m.groupdict().items()}
            if "w" in parts:
                parts["w"] = "pand" if parts["w"] == "premises" else parts["w"].replace("person ", "persoon ")
            return text.format(**parts)
    return problem


def check(content: dict[str, Any], templates: list[Template]) -> tuple[ReferenceCase | None, list[Problem]]:
    """A case as the CLI would read it from a file, with every problem in Dutch."""
    try:
        case = ReferenceCase.model_validate(content)
    except ValidationError as exc:
        return None, [Problem(where=".".join(str(p) for p in e["loc"]) or "case",
                              message=f"Het veld {'.'.join(str(p) for p in e['loc']) or 'casus'} ontbreekt of klopt "
                                      "niet.", message_en=f"The field {'.'.join(str(p) for p in e['loc'])} is "
                                                          "missing or malformed.", detail=str(e["msg"]))
                      for e in exc.errors()[:20]]
    try:
        template = pick_template(templates, case.template)
    except CaseError as exc:
        return case, [Problem(where="template", message=_dutch(str(exc)).capitalize() + ".",
                              message_en=str(exc), detail=str(exc))]
    return case, [Problem(where="answers", message=_dutch(p).capitalize() + ".", message_en=p, detail=p)
                  for p in case_problems(case, template)]


def _store(case: ReferenceCase) -> dict[str, Any]:
    return case.model_dump(mode="json", exclude_unset=True)


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise ApiError("case_invalid", detail=" ".join(p.message for p in problems)[:2000])


def create(*, session: Session, user: Principal, name: str, content: dict[str, Any], templates: list[Template],
           assets_dir: Path) -> ReferenceCaseRow:
    seed(session=session, organisation_id=user.organisation_id, assets_dir=assets_dir)
    if session.get(ReferenceCaseRow, (user.organisation_id, name)) is not None:
        raise ApiError("case_exists")
    case, problems = check(content, templates)
    _refuse(problems)
    assert case is not None
    row = ReferenceCaseRow(organisation_id=user.organisation_id, name=name, content=_store(case), source="app",
                           retired=False, updated_by=user.username, updated_at=datetime.now(UTC))
    session.add(row)
    audit.record(session=session, user=user, action="reference_case_add", object_type="reference_case",
                 object_id=name)
    session.flush()
    return row


def update(*, session: Session, user: Principal, name: str, content: dict[str, Any], templates: list[Template],
           assets_dir: Path) -> ReferenceCaseRow:
    row = row_or_404(session=session, user=user, name=name, assets_dir=assets_dir)
    case, problems = check(content, templates)
    _refuse(problems)
    assert case is not None
    row.content, row.updated_by, row.updated_at = _store(case), user.username, datetime.now(UTC)
    audit.record(session=session, user=user, action="reference_case_edit", object_type="reference_case",
                 object_id=name)
    session.flush()
    return row


def set_retired(*, session: Session, user: Principal, name: str, retired: bool, assets_dir: Path
                ) -> ReferenceCaseRow:
    row = row_or_404(session=session, user=user, name=name, assets_dir=assets_dir)
    if row.retired != retired:
        row.retired, row.updated_by, row.updated_at = retired, user.username, datetime.now(UTC)
        audit.record(session=session, user=user, action="reference_case_retire" if retired else
                     "reference_case_restore", object_type="reference_case", object_id=name)
        session.flush()
    return row
