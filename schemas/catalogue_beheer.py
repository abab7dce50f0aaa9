"""The beheerder's catalogue cycle over the API (issue 15 part B): published versions, the organisation's draft,
problems in Dutch, reference-case runs with their margins, the dry run of the re-evaluation, publishing with a
signed reason, and the reference cases kept in the database.

Pure data: the server fills these, the office app reads them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.inputs import InputModel

REASON_MIN_LENGTH = 10
CASE_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,79}$"


class Problem(BaseModel):
    """One thing the beheerder must fix, in Dutch (``message``) and English; ``where`` names the rule, fact,
    indicator or norm (an id, or ``catalogue``); ``detail`` keeps the checker's own words for the details fold."""

    where: str
    message: str
    message_en: str
    detail: str = ""


class CatalogueVersionRead(BaseModel):
    version: int
    key: str
    published_at: datetime
    current: bool
    published_by: str = ""
    reason: str = ""  # the signed reason when it was published while reference cases failed
    cases_failed: int = 0


class DraftRead(BaseModel):
    id: uuid.UUID
    base_version: int
    content: dict[str, Any]
    created_by: str
    updated_by: str
    updated_at: datetime
    problems: list[Problem]


class CatalogueDraftSave(InputModel):
    model_config = ConfigDict(extra="forbid")

    content: dict[str, Any]


class QuestionRef(BaseModel):
    """A question some published checklist asks: what a rule may read (``not_scoring``: it may not)."""

    scope: str
    id: str
    label: str
    type: str
    options: list[str] = Field(default_factory=list)
    not_scoring: str | None = None
    templates: list[str] = Field(default_factory=list)


class CaseResult(BaseModel):
    name: str
    description: str
    template: str
    expected: str
    actual: str
    passed: bool
    mismatches: list[str]


class CaseRunRead(BaseModel):
    """The organisation's active reference cases run against the draft (``problems``: the draft cannot run)."""

    catalogue: str
    problems: list[Problem]
    results: list[CaseResult]
    broken: list[str]
    passed: int
    failed: int
    retired: int


class MarginsRead(BaseModel):
    name: str
    lines: list[str]  # "↑ niveau 3: pand SO11 “Kinderen aanwezig?”: nee → ja", strongest first
    fragile: bool


class DryRunRow(BaseModel):
    inspection_id: uuid.UUID
    address: str
    control_type: str
    from_level: int | None
    to_level: int


class DryRunRead(BaseModel):
    """What publishing the draft would do to the organisation's open controls; nothing is written."""

    catalogue: str
    checked: int
    changed: list[DryRunRow]


class PublishRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=2000)


class CaseRead(BaseModel):
    name: str
    description: str
    template: str
    expected: str
    retired: bool
    source: str  # "assets" (seeded from a file) or "app"
    content: dict[str, Any]
    updated_by: str = ""
    updated_at: datetime | None = None


class CaseWrite(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=CASE_NAME_PATTERN)
    content: dict[str, Any]


class CaseUpdate(InputModel):
    model_config = ConfigDict(extra="forbid")

    content: dict[str, Any]
