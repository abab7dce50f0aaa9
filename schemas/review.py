"""Wire models of the team lead's and ketenregisseur's work: verifying signals, referrals, comments,
history, links between controls and the aard-en-omvang report.

A *signal* is one subject (a person, or the premises on their own) of a control's flag with level >= 1;
``subject_id`` names it, as in ``schemas.engine.SubjectResult``. Verifications are appended; the latest
one per signal is its state.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from schemas.identifiers import IdentifierKind
from schemas.inputs import InputModel
from schemas.records import Address, InspectionSummary
from schemas.templates import Text


class Verdict(StrEnum):
    GEGROND = "gegrond"
    ONGEGROND = "ongegrond"
    MEER_INFO = "meer_info"


class Partner(StrEnum):
    KETENREGISSEUR = "ketenregisseur"
    POLITIE_AVIM = "politie_avim"
    NLA = "nla"
    VEILIG_THUIS = "veilig_thuis"
    RIEC = "riec"
    MDO = "mdo_mensenhandel"


class VerificationCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    subject_id: str = Field(min_length=1, max_length=64)
    verdict: Verdict
    reason: str = Field(min_length=1, max_length=4000)


class VerificationGroupCreate(InputModel):
    """One verdict and reason for several signals of a control at once (a group of identical persons)."""

    model_config = ConfigDict(extra="forbid")

    subject_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=500, json_schema_extra={"uniqueItems": True})
    verdict: Verdict
    reason: str = Field(min_length=1, max_length=4000)

    @field_validator("subject_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("subject_ids must be unique")
        return value


class ReferralCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    partner: Partner
    note: str = Field(default="", max_length=4000)


class CommentCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=4000)


class CommentRead(BaseModel):
    """Also the ``data`` of the pull entity ``comment`` (scope: the control's inspector)."""

    id: UUID
    inspection_id: UUID
    author_name: str
    author_role: str
    body: str
    created_at: datetime


class ReferralRead(BaseModel):
    id: UUID
    partner: Partner
    note: str
    by: str
    at: datetime


class VerificationRead(BaseModel):
    id: UUID
    subject_id: str
    verdict: Verdict
    reason: str
    by: str
    at: datetime


class SignalState(BaseModel):
    """One signal with its verification state; ``overdue`` = unverified longer than the setting allows."""

    inspection_id: UUID
    subject_id: str
    label: str
    level: int
    profile: str | None
    address: Address
    control_type: str
    inspector: str
    raised_at: datetime
    age_days: int
    verdict: Verdict | None = None
    reason: str = ""
    verified_by: str = ""
    verified_at: datetime | None = None
    referrals: list[Partner] = Field(default_factory=list)
    overdue: bool = False


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    role: str
    action: str
    detail: dict[str, object] = Field(default_factory=dict)


class ReviewItem(InspectionSummary):
    """A row of the review queue: the summary plus the state of its signals."""

    inspector_id: UUID | None = None
    signals: int = 0
    unverified: int = 0
    unverified_since: datetime | None = None
    overdue: bool = False
    # a newer catalogue re-judged this control and moved its level from ``previous_level`` (flag marker)
    level_changed: bool = False
    previous_level: int | None = None
    previous_catalogue: str | None = None


class IdentifierRead(BaseModel):
    """An identifier recorded on a control, as the office sees it: its kind and masked hint, never the value.

    ``question_id`` names the checklist question that asked for it (None: recorded in the Kenmerken panel, or
    by an app from before identifier questions); ``question`` is that question's label when the control's
    template has it."""

    kind: IdentifierKind
    hint: str
    question_id: str | None = None
    question: Text | None = None


class LinkedControl(BaseModel):
    inspection_id: UUID
    address: Address
    control_type: str
    started_at: datetime
    level: int | None
    kinds: list[IdentifierKind]
    # this control's identifiers that make the link (the shared ones; for a lookup, the one looked up)
    identifiers: list[IdentifierRead] = Field(default_factory=list)


class ReviewState(BaseModel):
    """Everything the team lead did and can do on one control (``GET .../{id}/review``)."""

    signals: list[SignalState]
    verifications: list[VerificationRead]
    referrals: list[ReferralRead]
    comments: list[CommentRead]
    history: list[HistoryEntry]
    linked: list[LinkedControl]


class Cluster(BaseModel):
    """Controls connected (directly or through others) by shared identifiers."""

    id: str
    kinds: list[IdentifierKind]
    hints: list[str]
    controls: list[LinkedControl]


class AuditRead(BaseModel):
    at: AwareDatetime  # UTC
    username: str
    role: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, object] = Field(default_factory=dict)
    seq: int = 0  # the entry's place in its organisation's hash chain


class CountRow(BaseModel):
    key: str
    count: int


class QuarterRow(BaseModel):
    quarter: str
    controls: int
    signals: int
    by_level: dict[str, int]


class Overview(BaseModel):
    """Aard en omvang: counts of controls and signals by dimension and quarter."""

    controls: int
    signals: int
    by_profile: list[CountRow]
    by_control_type: list[CountRow]
    by_level: list[CountRow]
    by_neighbourhood: list[CountRow]
    by_quarter: list[QuarterRow]


class AgencyControl(BaseModel):
    inspection_id: UUID
    address: Address
    started_at: datetime
    persons: int
    level: int | None


class AgencyRow(BaseModel):
    """An uitzendbureau (by KvK number) that houses people at the controlled addresses. ``controls`` holds its
    latest controls (oldest first), ``control_count`` all of them."""

    kvk: str
    addresses: int
    persons: int
    signals: int
    worst_level: int | None
    controls: list[AgencyControl]
    control_count: int = 0
