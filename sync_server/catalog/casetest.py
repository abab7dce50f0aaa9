"""``inspectie-server catalogue test``: run reference cases against the published catalogue or a draft file.

Exit codes: 0 every case reached its expected level band and profile; 1 at least one mismatch; 2 a case file
or the catalogue file is broken (the message names the file and what is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from schemas.cases import CaseError, CaseOutcome, ReferenceCase, run_case
from schemas.catalogue import Catalogue
from schemas.templates import Template, TemplateError
from sync_server import assets

PASS, MISMATCH, BROKEN = 0, 1, 2


@dataclass
class CaseReport:
    outcomes: list[CaseOutcome] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.broken:
            return BROKEN
        return MISMATCH if any(not o.passed for o in self.outcomes) else PASS


def case_files(path: Path) -> list[Path]:
    """One file, or every ``*.yaml``/``*.yml`` in a folder (not recursive), sorted by name."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    raise FileNotFoundError(f"{path}: no such file or folder")


def load_case(path: Path) -> ReferenceCase:
    """Read one case file; a broken file raises ``CaseError`` naming the file and the field."""
    try:
        data = assets.read_data_file(path)
    except TemplateError as exc:
        raise CaseError(str(exc)) from None
    try:
        return ReferenceCase.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'case'}: {e['msg']}" for e in exc.errors()]
        raise CaseError(f"{path}: " + "; ".join(problems)) from None


def run_cases(paths: list[Path], templates: list[Template], catalogue: Catalogue) -> CaseReport:
    """Run every case file; a broken one is reported and the others still run."""
    report = CaseReport()
    for path in paths:
        try:
            report.outcomes.append(run_case(path.stem, load_case(path), templates, catalogue))
        except CaseError as exc:
            message = str(exc)
            report.broken.append(message if message.startswith(str(path)) else f"{path}: {message}")
    return report


def print_report(report: CaseReport, catalogue: Catalogue, out: TextIO) -> None:
    """A line per case (expected and actual), then the mismatches and broken files, then a summary."""
    width = max((len(o.name) for o in report.outcomes), default=10)
    print(f"catalogue {catalogue.key}", file=out)
    print(f"{'case'.ljust(width)}  {'expected':<14} {'actual':<14} result", file=out)
    for o in report.outcomes:
        verdict = "ok" if o.passed else "MISMATCH: " + "; ".join(o.mismatches)
        print(f"{o.name.ljust(width)}  {o.expected:<14} {o.actual:<14} {verdict}", file=out)
    for message in report.broken:
        print(f"BROKEN: {message}", file=out)
    failed = sum(1 for o in report.outcomes if not o.passed)
    print(f"{len(report.outcomes) - failed} passed, {failed} mismatched, {len(report.broken)} broken", file=out)


def load_catalogue_for_test(assets_dir: Path, draft: Path | None) -> Catalogue:
    """The draft file when given, else the published (newest) catalogue under ``assets_dir``."""
    return assets.load_catalogue(draft) if draft is not None else assets.published_catalogue(assets_dir)
