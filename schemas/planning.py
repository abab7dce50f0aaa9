"""The planner's wire models: year targets and progress, establishments, violations, the handhavingsmatrix,
and the ranked advice of where to look next. Shared by the server and the office app's client."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from schemas.dates import Day
from schemas.inputs import InputModel
from schemas.records import Address

KWETSBARE_BRANCHES_DEFAULT = ["massagesalon", "seksinrichting_vergund", "seksinrichting_onvergund", "flitsbezorger"]
PARTNERS = ["politie", "belastingdienst", "nla", "brandweer", "odra", "uwv", "kmar", "riec"]
CONTROL_TYPES = ["pandenactie", "massagesalon", "seksinrichting_vergund", "seksinrichting_onvergund", "horeca",
                 "flitsbezorger"]


class EstablishmentKind(StrEnum):
    MASSAGESALON = "massagesalon"
    SEKSINRICHTING = "seksinrichting"
    HORECA = "horeca"
    FLITSBEZORGER = "flitsbezorger"
    OTHER = "overig"


class LicenceStatus(StrEnum):
    NONE = "geen"
    APPLIED = "aangevraagd"
    LICENSED = "vergund"
    SUSPENDED = "geschorst"
    REVOKED = "ingetrokken"
    UNLICENSED = "onvergund"


# --- year plan --------------------------------------------------------------------------------------

class PlanTargets(InputModel):
    """The targets of one year (defaults: the municipal plan's minimums)."""

    model_config = ConfigDict(extra="forbid")

    pandenacties: StrictInt = Field(default=6, ge=0, le=1000)  # a count, not true/false
    integrale_controles: StrictInt = Field(default=2, ge=0, le=1000)
    kwetsbare_branches: list[str] = Field(default_factory=lambda: list(KWETSBARE_BRANCHES_DEFAULT), max_length=20)
    seksinrichtingen_jaarlijks: StrictBool = True  # 0 or "ja" is a mistake, not a yes


class TargetProgress(BaseModel):
    key: str  # "pandenacties" | "integrale_controles" | "seksinrichtingen_jaarlijks"
    done: int
    planned: int
    target: int
    missing: list[str] = Field(default_factory=list)  # e.g. licensed seksinrichtingen not yet controlled

    @property
    def met(self) -> bool:
        return self.done >= self.target


class YearPlan(BaseModel):
    year: int
    targets: PlanTargets
    progress: list[TargetProgress]
    updated_by: str = ""
    updated_at: datetime | None = None


# --- establishments ---------------------------------------------------------------------------------

class EstablishmentCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: EstablishmentKind
    address: Address
    licence_status: LicenceStatus = LicenceStatus.NONE
    licence_number: str = Field(default="", max_length=60)
    licence_date: Day | None = None
    notes: str = Field(default="", max_length=4000)
    active: StrictBool = True

    @model_validator(mode="after")
    def _licence(self) -> EstablishmentCreate:
        if self.licence_status is LicenceStatus.LICENSED and not self.licence_number.strip():
            raise ValueError("licence_number: required when licence_status is vergund")
        return self


class EstablishmentRead(BaseModel):
    id: UUID
    name: str
    kind: EstablishmentKind
    address: Address
    licence_status: LicenceStatus
    licence_number: str
    licence_date: date | None
    notes: str
    active: bool
    last_control_on: date | None = None


class ControlHistoryItem(BaseModel):
    """One control at an establishment or address: planned (maybe not yet done) or an inspection."""

    planned_control_id: UUID | None = None
    inspection_id: UUID | None = None
    control_type: str
    on: date
    status: str  # planned | cancelled | draft | finished
    level: int | None = None


class ViolationCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    occurred_on: Day
    category: str = Field(min_length=1, max_length=40)
    description: str = Field(default="", max_length=4000)
    inspection_id: UUID | None = None
    step_taken: str = Field(default="", max_length=200)


class ViolationRead(BaseModel):
    id: UUID
    occurred_on: date
    category: str
    description: str
    inspection_id: UUID | None
    step_taken: str
    recorded_by: str


class NextStep(BaseModel):
    """What the matrix advises for the next violation in a category (advice; a person decides)."""

    category: str
    label: dict[str, str]
    prior_violations: int
    step_number: int  # 1-based index into the category's steps
    step: dict[str, str]
    matrix_version: int


class EstablishmentDetail(BaseModel):
    establishment: EstablishmentRead
    history: list[ControlHistoryItem]
    violations: list[ViolationRead]
    next_steps: list[NextStep]


# --- handhavingsmatrix ------------------------------------------------------------------------------

MAX_TERM_DAYS = 365


class MatrixCategory(InputModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: dict[str, str]
    steps: list[dict[str, str]] = Field(min_length=1, max_length=10)
    # the term (hersteltermijn or begunstigingstermijn) in days of each step, in the order of ``steps``; 0: none.
    # Empty for a matrix saved before terms existed.
    term_days: list[Annotated[int, Field(ge=0, le=MAX_TERM_DAYS)]] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _terms(self) -> MatrixCategory:
        if self.term_days and len(self.term_days) != len(self.steps):
            raise ValueError(f"term_days: {len(self.term_days)} terms for {len(self.steps)} steps")
        return self

    def term(self, index: int) -> int:
        return self.term_days[index] if index < len(self.term_days) else 0

    @field_validator("label")
    @classmethod
    def _label(cls, v: dict[str, str]) -> dict[str, str]:
        return _bilingual(v, "label")

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[dict[str, str]]) -> list[dict[str, str]]:
        return [_bilingual(s, f"steps[{i}]") for i, s in enumerate(v)]


class EnforcementMatrix(InputModel):
    """The handhavingsmatrix: per category of violation, the step for the 1st, 2nd, … violation within
    ``lookback_months``; beyond the last step the last one applies again."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(default=0, ge=0)
    title: dict[str, str] = Field(default_factory=lambda: {"nl": "Handhavingsmatrix", "en": "Enforcement matrix"})
    lookback_months: int = Field(default=24, ge=1, le=120)
    categories: list[MatrixCategory] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique(self) -> EnforcementMatrix:
        ids = [c.id for c in self.categories]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"categories: duplicate id {', '.join(dupes)}")
        return self

    def category(self, category_id: str) -> MatrixCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)


def _bilingual(value: dict[str, str], where: str) -> dict[str, str]:
    missing = [lang for lang in ("nl", "en") if not str(value.get(lang, "")).strip()]
    if missing:
        raise ValueError(f"{where}: missing text for {', '.join(missing)}")
    return value


# --- where to look next -----------------------------------------------------------------------------

class RankReason(BaseModel):
    """One reason for a rank: a stable code the UI translates, its parameters, and its weight."""

    code: str
    points: int
    params: dict[str, Any] = Field(default_factory=dict)


class Suggestion(BaseModel):
    key: str
    address: Address
    establishment_id: UUID | None = None
    establishment_name: str = ""
    kind: str = ""
    score: int
    reasons: list[RankReason]
    last_control_on: date | None = None


# --- scheduling -------------------------------------------------------------------------------------

class PlannedControlUpdate(InputModel):
    """A move, reassignment or edit of a planned control; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    scheduled_on: Day | None = None
    start_time: time | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=24 * 60)
    inspector_ids: list[UUID] | None = Field(default=None, min_length=1, max_length=20)
    partners: list[str] | None = Field(default=None, max_length=20)
    briefing: str | None = Field(default=None, max_length=4000)
    address: Address | None = None
