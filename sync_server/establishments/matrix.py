"""The handhavingsmatrix: the asset file ``assets/handhavingsmatrix/v<n>.yaml`` seeds version 1; each edit
by a beheerder is stored as the next version of their organisation's matrix. The highest version is in force
(per organisation: one organisation's edit never changes another's matrix)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.planning import EnforcementMatrix, NextStep
from schemas.templates import TemplateError
from sync_server.assets import ASSETS_DIR, read_data_file
from sync_server.errors import ApiError
from sync_server.establishments.models import EnforcementMatrixVersion
from sync_server.tenancy import access


def load_file(path: Path) -> EnforcementMatrix:
    """Read and validate one matrix file; errors name the file and the field."""
    try:
        return EnforcementMatrix.model_validate(read_data_file(path))
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise TemplateError(str(path), problems) from None


def newest_file(assets_dir: Path) -> Path:
    """The highest ``v<n>.yaml`` under ``assets_dir/handhavingsmatrix`` (the packaged one as fallback)."""
    for root in (assets_dir, ASSETS_DIR):
        files = sorted((root / "handhavingsmatrix").glob("v*.yaml"), key=lambda p: int(p.stem[1:] or 0))
        if files:
            return files[-1]
    raise FileNotFoundError("no handhavingsmatrix asset file")


def current(*, session: Session, organisation_id: uuid.UUID, assets_dir: Path) -> EnforcementMatrix:
    """The organisation's matrix in force; the asset file when nobody there has edited it yet."""
    row = session.scalars(select(EnforcementMatrixVersion)
                          .where(access.in_organisation(EnforcementMatrixVersion, organisation_id))
                          .order_by(EnforcementMatrixVersion.version.desc())).first()
    if row is not None:
        return EnforcementMatrix.model_validate({**row.content, "version": row.version})
    return load_file(newest_file(assets_dir))


def save(*, session: Session, organisation_id: uuid.UUID, assets_dir: Path, matrix: EnforcementMatrix,
         by: str) -> EnforcementMatrix:
    """Store an edited matrix as the organisation's next version (earlier versions stay as they were)."""
    top = session.scalar(select(func.max(EnforcementMatrixVersion.version))
                         .where(access.in_organisation(EnforcementMatrixVersion, organisation_id)))
    version = max(int(top or 0), current(session=session, organisation_id=organisation_id,
                                         assets_dir=assets_dir).version) + 1
    stored = matrix.model_copy(update={"version": version})
    session.add(EnforcementMatrixVersion(organisation_id=organisation_id, version=version,
                                         content=stored.model_dump(mode="json"), created_by=by,
                                         created_at=datetime.now(UTC)))
    session.flush()
    return stored


def next_step(matrix: EnforcementMatrix, category_id: str, violation_dates: list[date], today: date) -> NextStep:
    """The step the matrix advises for the next violation, given earlier ones of the same category."""
    category = matrix.category(category_id)
    if category is None:
        raise ApiError("validation_error", detail=f"category: unknown {category_id}")
    since = _months_before(today, matrix.lookback_months)
    prior = sum(1 for d in violation_dates if d >= since)
    index = min(prior, len(category.steps) - 1)
    return NextStep(category=category.id, label=category.label, prior_violations=prior, step_number=index + 1,
                    step=category.steps[index], matrix_version=matrix.version)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))
