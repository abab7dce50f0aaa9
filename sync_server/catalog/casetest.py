"""``inspectie-server catalogue test``: run reference cases against the published catalogue or a draft file.

Exit codes: 0 every case reached its expected level band and profile; 1 at least one mismatch; 2 a case file
or the catalogue file is broken (the message names the file and what is wrong). ``--margins`` adds, under each
case, the single answers that would move its level up (↑) or down (↓), and how many cases have such an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from schemas.cases import CaseError, CaseOutcome, ReferenceCase, pick_template, run_case
from schemas.catalogue import Catalogue
from schemas.margins import AnswerChange, CaseMargins, margins
from schemas.templates import (
    YES_NO_UNKNOWN_VALUES,
    AnswerValue,
    Question,
    QuestionType,
    Scope,
    Template,
    TemplateError,
)
from sync_server import assets

PASS, MISMATCH, BROKEN = 0, 1, 2


@dataclass
class CaseReport:
    outcomes: list[CaseOutcome] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    margins: dict[str, tuple[Template, CaseMargins]] | None = None  # per case name, when asked for

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


def run_cases(paths: list[Path], templates: list[Template], catalogue: Catalogue, *,
              with_margins: bool = False) -> CaseReport:
    """Run every case file, and find its margins when asked; a broken one is reported and the others still run."""
    report = CaseReport(margins={} if with_margins else None)
    for path in paths:
        try:
            case = load_case(path)
        except CaseError as exc:
            message = str(exc)
            report.broken.append(message if message.startswith(str(path)) else f"{path}: {message}")
            continue
        _run_one(report, path.stem, str(path), case, templates, catalogue)
    return report


def run_loaded(cases: list[tuple[str, ReferenceCase]], templates: list[Template], catalogue: Catalogue, *,
               with_margins: bool = False) -> CaseReport:
    """The same run over cases already read (the office app's, kept in the database), named by ``name``."""
    report = CaseReport(margins={} if with_margins else None)
    for name, case in cases:
        _run_one(report, name, name, case, templates, catalogue)
    return report


def _run_one(report: CaseReport, name: str, where: str, case: ReferenceCase, templates: list[Template],
             catalogue: Catalogue) -> None:
    try:
        report.outcomes.append(run_case(name, case, templates, catalogue))
        if report.margins is not None:
            template = pick_template(templates, case.template)
            report.margins[name] = (template, margins(case, template, catalogue))
    except CaseError as exc:
        message = str(exc)
        report.broken.append(message if message.startswith(where) else f"{where}: {message}")


def print_report(report: CaseReport, catalogue: Catalogue, out: TextIO) -> None:
    """A line per case (expected and actual), then the mismatches and broken files, then a summary."""
    width = max((len(o.name) for o in report.outcomes), default=10)
    print(f"catalogue {catalogue.key}", file=out)
    print(f"{'case'.ljust(width)}  {'expected':<14} {'actual':<14} result", file=out)
    for o in report.outcomes:
        verdict = "ok" if o.passed else "MISMATCH: " + "; ".join(o.mismatches)
        print(f"{o.name.ljust(width)}  {o.expected:<14} {o.actual:<14} {verdict}", file=out)
        if report.margins is not None and o.name in report.margins:
            for line in margin_lines(*report.margins[o.name]):
                print(f"  {line}", file=out)
    for message in report.broken:
        print(f"BROKEN: {message}", file=out)
    failed = sum(1 for o in report.outcomes if not o.passed)
    print(f"{len(report.outcomes) - failed} passed, {failed} mismatched, {len(report.broken)} broken", file=out)
    if report.margins is not None:
        fragile = sum(1 for _t, m in report.margins.values() if m.fragile)
        print(f"fragile: {fragile} of {len(report.margins)} cases move a level with one answer", file=out)


def margin_lines(template: Template, found: CaseMargins) -> list[str]:
    """``↑ L3: w1 (Persoon 1) P21_free_to_leave “…”: ja → nee`` per change, up first, then what was left out."""
    if not found.fragile:
        return ["no single answer moves the level"]
    lines: list[str] = []
    for arrow, side, way in (("↑", found.up, "up"), ("↓", found.down, "down")):
        lines += [f"{arrow} {_change_line(template, c)}" for c in side.changes]
        if side.total > len(side.changes):
            lines.append(f"{arrow} … and {side.total - len(side.changes)} more answers move it {way}")
    return lines


def _change_line(template: Template, c: AnswerChange) -> str:
    q = template.question(c.question_id, c.scope)
    old, new = _shown(q, c.old), _shown(q, c.new)
    return f"L{c.level}: {_subject(c)} {c.question_id} “{c.question_label.nl}”: {old} → {new}"


def _subject(c: AnswerChange) -> str:
    if c.scope is Scope.PREMISES:
        return "premises"
    others = c.group_size - 1
    if not others:
        return f"{c.subject_id} ({c.subject_label})"
    word = "ander" if others == 1 else "anderen"
    return f"{c.subject_id} ({c.subject_label} en {others} {word} met dezelfde antwoorden)"


YES_NO_UNKNOWN_NL = dict(zip(YES_NO_UNKNOWN_VALUES, ("ja", "nee", "onbekend"), strict=True))


def _shown(q: Question | None, value: AnswerValue) -> str:
    """An answer in Dutch words: ja/nee, the option's label, ``(leeg)`` for no answer."""
    if value is None:
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(_shown(q, v) for v in value) or "(niets gekozen)"
    if isinstance(value, float | int):
        return f"{value:.10g}"
    if q is not None and q.type is QuestionType.YES_NO_UNKNOWN:
        return YES_NO_UNKNOWN_NL.get(value, value)
    return {o.value: o.label.nl for o in q.options}.get(value, value) if q is not None else value


def load_catalogue_for_test(assets_dir: Path, draft: Path | None) -> Catalogue:
    """The draft file when given, else the published (newest) catalogue under ``assets_dir``."""
    return assets.load_catalogue(draft) if draft is not None else assets.published_catalogue(assets_dir)
