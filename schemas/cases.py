"""Reference cases: fictional controls with the level a careful team lead would expect, run against a catalogue.

A beheerder runs them before publishing a new catalogue version (``inspectie-server catalogue test``) and CI
runs them on every change. One case per file (``assets/cases/*.yaml``)::

    description: Fourteen labour migrants, passports kept by the housing manager
    template: pandenactie          # the newest version, or an exact one: pandenactie@1
    premises: {A02_persons_found: 14, ...}
    persons: [{id: w1, label: Persoon 1, answers: {...}}]
    expect:
      level: 3                     # an exact level, or a band: min_level / max_level
      profile: labour              # optional; null means "no profile" (level 0)
      urgent: true                 # optional
      findings: [brp_nobody_registered]   # optional; these must be among the findings; [] means none at all
      subject_levels: {premises: 1, w1: 3}  # optional

Unknown top-level keys starting with ``x-`` are ignored, so a file can hold YAML anchors (``x-worker: &worker``).
Pure code: files are read elsewhere, so the tablet, the server and the tests share one judgement.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.catalogue import Catalogue, Profile
from schemas.engine import FlagResult, evaluate
from schemas.records import PersonRecord
from schemas.templates import AnswerValue, Scope, Template, check_answer


class CaseExpectation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: int | None = Field(default=None, ge=0, le=3)
    min_level: int | None = Field(default=None, ge=0, le=3)
    max_level: int | None = Field(default=None, ge=0, le=3)
    profile: Profile | None = None
    urgent: bool | None = None
    findings: list[str] | None = None
    subject_levels: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _a_level(self) -> CaseExpectation:
        if self.level is None and self.min_level is None and self.max_level is None:
            raise ValueError("expect needs level, or min_level and/or max_level")
        if self.level is not None and (self.min_level is not None or self.max_level is not None):
            raise ValueError("expect takes either level or a band (min_level/max_level), not both")
        if (self.min_level or 0) > (3 if self.max_level is None else self.max_level):
            raise ValueError("min_level is above max_level")
        return self

    @property
    def band(self) -> tuple[int, int]:
        if self.level is not None:
            return self.level, self.level
        return self.min_level or 0, 3 if self.max_level is None else self.max_level

    def describe(self) -> str:
        low, high = self.band
        text = f"L{low}" if low == high else f"L{low}-L{high}"
        if "profile" in self.model_fields_set:
            text += f" {self.profile.value if self.profile else '-'}"
        return text


class ReferenceCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    template: str = Field(min_length=1)
    premises: dict[str, AnswerValue] = Field(default_factory=dict)
    persons: list[PersonRecord] = Field(default_factory=list)
    expect: CaseExpectation

    @model_validator(mode="before")
    @classmethod
    def _drop_anchors(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data


class CaseOutcome(BaseModel):
    """One case run: what was expected, what the engine said, and every mismatch in words."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    template: str
    catalogue: str
    expected: str
    actual: str
    mismatches: list[str]

    @property
    def passed(self) -> bool:
        return not self.mismatches


class CaseError(ValueError):
    """A case that cannot be run: unknown template, unknown question, an answer the question cannot take."""


def pick_template(templates: list[Template], ref: str) -> Template:
    """``id`` gives the newest version of that template, ``id@N`` exactly version N."""
    template_id, _, version = ref.partition("@")
    found = [t for t in templates if t.id == template_id and (not version or str(t.version) == version)]
    if not found:
        raise CaseError(f"unknown template {ref!r}")
    return max(found, key=lambda t: t.version)


def case_problems(case: ReferenceCase, template: Template) -> list[str]:
    """Answers to questions the template does not have, or that the question cannot take: a typo in a case
    would otherwise silently test nothing."""
    parts: list[tuple[str, Scope, dict[str, AnswerValue]]] = [("premises", Scope.PREMISES, case.premises)]
    parts += [(f"person {p.id}", Scope.PERSON, p.answers) for p in case.persons]
    problems: list[str] = []
    for where, scope, answers in parts:
        for qid, value in answers.items():
            q = template.question(qid, scope)
            if q is None:
                problems.append(f"{where}: {template.key} has no {scope} question {qid}")
            elif (problem := check_answer(q, value)) is not None:
                problems.append(f"{where}: {qid} = {value!r}: {problem}")
    ids = [p.id for p in case.persons]
    problems += [f"person id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return problems


def run_case(name: str, case: ReferenceCase, templates: list[Template], catalogue: Catalogue) -> CaseOutcome:
    """Evaluate one case and compare it with its expectation; raises ``CaseError`` for a broken case."""
    template = pick_template(templates, case.template)
    problems = case_problems(case, template)
    if problems:
        raise CaseError("; ".join(problems))
    result = evaluate(template, catalogue, case.premises, case.persons)
    return CaseOutcome(name=name, description=case.description, template=template.key, catalogue=catalogue.key,
                       expected=case.expect.describe(), actual=_describe(result),
                       mismatches=_mismatches(case.expect, result))


def _describe(result: FlagResult) -> str:
    return f"L{result.level} {result.profile.value if result.profile else '-'}"


def _mismatches(expect: CaseExpectation, result: FlagResult) -> list[str]:
    out: list[str] = []
    low, high = expect.band
    if not low <= result.level <= high:
        out.append(f"level {result.level}, expected {expect.describe().split()[0]}")
    if "profile" in expect.model_fields_set and result.profile != expect.profile:
        out.append(f"profile {result.profile.value if result.profile else None}, "
                   f"expected {expect.profile.value if expect.profile else None}")
    if expect.urgent is not None and result.urgent is not expect.urgent:
        out.append(f"urgent {result.urgent}, expected {expect.urgent}")
    found = {f.id for f in result.findings}
    if expect.findings is not None:
        missing = sorted(set(expect.findings) - found)
        out += [f"finding {f} missing" for f in missing]
        if not expect.findings and found:
            out.append(f"findings {sorted(found)}, expected none")
    levels = {s.subject_id: s.level for s in result.subjects}
    for subject_id, level in expect.subject_levels.items():
        if levels.get(subject_id) != level:
            out.append(f"{subject_id} at level {levels.get(subject_id)}, expected {level}")
    return out
