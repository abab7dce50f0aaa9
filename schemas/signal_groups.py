"""A flag as the team lead reads it: each indicator once with all its evidence, and identical persons grouped.

The engine keeps one ``IndicatorHit`` per (rule, indicator), so one indicator fired by three rules appears three
times, each with its own evidence. A reader wants the indicator once, with every answer behind it:
``indicator_summaries`` merges them. A pandenactie can find fourteen people with exactly the same signals;
``group_subjects`` folds them into one group ("14 personen met dezelfde signalen") that the office shows once and
can verify at once. Persons group when they share level, profile, escalation, the set of indicator codes and the
level line (the line names what is missing for the next level, which can differ by person, e.g. the act of
art. 273f); the premises never group with persons.

Flags stored before the level line existed (``level_rule`` None) keep their old reasons, where an escalation
could follow a lower "Niveau 2" line: ``level_line`` and ``other_reasons`` never put a line of another level
beside the subject's level.

Pure code over pydantic models, shared by the office app, the PDF report and the tablet.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from schemas.catalogue import Dimension, Profile, Strength
from schemas.engine import FlagResult, SubjectResult
from schemas.facts import Evidence, IndicatorHit
from schemas.templates import Text

PREMISES = "premises"
_ORDER = {Strength.STRONG: 0, Strength.MEDIUM: 1, Strength.WEAK: 2}
_LEVEL_PREFIX = re.compile(r"^(?:Niveau|Level) (\d)\b")
_DIMENSION_PREFIX = ("Dimensie ", "Dimension ")


class IndicatorSummary(BaseModel):
    """One indicator of one subject (or group): the rules that fired it and all the evidence behind it."""

    model_config = ConfigDict(frozen=True)

    code: str
    label: Text
    dimension: Dimension
    strength: Strength | None  # for the subject's profile; the strongest of any profile when it has none
    rule_ids: list[str]
    explanations: list[Text]
    evidence: list[Evidence]


class SubjectGroup(BaseModel):
    """Subjects with the same signals: one person, the premises, or several identical persons."""

    model_config = ConfigDict(frozen=True)

    subject_ids: list[str]
    labels: list[str]
    level: int
    profile: Profile | None
    escalation: str | None
    codes: list[str]
    title: Text
    subject: SubjectResult  # the first member: its level line, frame and other profiles hold for all
    indicators: list[IndicatorSummary]  # of all members; answers that differ between them are all listed

    @property
    def is_premises(self) -> bool:
        return self.subject_ids == [PREMISES]

    @property
    def key(self) -> str:
        """A stable name for the group in the UI: its first subject."""
        return self.subject_ids[0]


def profile_strength(hit: IndicatorHit, profile: Profile | None) -> Strength | None:
    """The hit's strength for ``profile`` (criminal uses the labour list); the strongest when no profile."""
    if profile is None:
        return min(hit.strength.values(), key=_ORDER.__getitem__, default=None)
    return hit.strength.get(Profile.LABOUR if profile is Profile.CRIMINAL else profile)


def indicator_summaries(subject: SubjectResult) -> list[IndicatorSummary]:
    """Each indicator code once, strongest first (then in the order the engine found them), with the
    explanations of every rule that fired it and its evidence merged (one per question and scope)."""
    return _summaries(subject.hits, subject.profile, by_value=False)


def _summaries(hits: list[IndicatorHit], profile: Profile | None, *, by_value: bool) -> list[IndicatorSummary]:
    by_code: dict[str, list[IndicatorHit]] = {}
    for hit in hits:
        by_code.setdefault(hit.code, []).append(hit)
    out = [_summary(group, profile, by_value=by_value) for group in by_code.values()]
    return sorted(out, key=lambda s: _ORDER[s.strength] if s.strength is not None else len(_ORDER))


def _summary(hits: list[IndicatorHit], profile: Profile | None, *, by_value: bool) -> IndicatorSummary:
    first = hits[0]
    rule_ids = list(dict.fromkeys(h.rule_id for h in hits))
    explanations = list(dict.fromkeys(h.explanation for h in hits))
    evidence: dict[tuple[str, ...], Evidence] = {}
    for hit in hits:
        for ev in hit.evidence:
            # flags stored before catalogue format 2 carry no scope: the rule's own scope is where it was recorded
            placed = ev if ev.scope is not None else ev.model_copy(update={"scope": hit.scope})
            key = (placed.question_id, str(placed.scope)) + ((repr(placed.value),) if by_value else ())
            evidence.setdefault(key, placed)
    return IndicatorSummary(code=first.code, label=first.label, dimension=first.dimension,
                            strength=profile_strength(first, profile), rule_ids=rule_ids, explanations=explanations,
                            evidence=list(evidence.values()))


def group_subjects(flag: FlagResult) -> list[SubjectGroup]:
    """The flag's subjects folded into groups of identical persons, in the order of their first member."""
    members: dict[tuple[object, ...], list[SubjectResult]] = {}
    for subject in flag.subjects:
        members.setdefault(_group_key(subject), []).append(subject)
    return [_group(group) for group in members.values()]


def _group_key(subject: SubjectResult) -> tuple[object, ...]:
    if subject.subject_id == PREMISES:
        return (PREMISES,)
    line = level_line(subject)
    return ("person", subject.level, subject.profile, subject.escalation,
            frozenset(h.code for h in subject.hits), line.nl if line else None)


def _group(subjects: list[SubjectResult]) -> SubjectGroup:
    first = subjects[0]
    hits = [h for s in subjects for h in s.hits]
    return SubjectGroup(subject_ids=[s.subject_id for s in subjects], labels=[s.label for s in subjects],
                        level=first.level, profile=first.profile, escalation=first.escalation,
                        codes=sorted({h.code for h in first.hits}), title=group_title(subjects), subject=first,
                        indicators=_summaries(hits, first.profile, by_value=len(subjects) > 1))


def group_title(subjects: list[SubjectResult]) -> Text:
    """The group's name: "Pand", "Persoon 3", or "14 personen met dezelfde signalen"."""
    if len(subjects) == 1:
        only = subjects[0]
        if only.subject_id == PREMISES:
            return Text(nl="Pand", en="Premises")
        return Text(nl=only.label, en=only.label)
    n = len(subjects)
    return Text(nl=f"{n} personen met dezelfde signalen", en=f"{n} persons with the same signals")


def source_subject(flag: FlagResult) -> SubjectResult | None:
    """The subject the control's level comes from: the worst, a person before the premises on a tie (as the
    engine chooses the control's profile)."""
    return max(flag.subjects, key=lambda s: (s.level, s.subject_id != PREMISES), default=None)


def stated_level(line: Text) -> int | None:
    """The level a reason line states ("Niveau 2 (…): …"), None for other lines."""
    found = _LEVEL_PREFIX.match(line.nl) or _LEVEL_PREFIX.match(line.en)
    return int(found.group(1)) if found else None


def level_line(subject: SubjectResult) -> Text | None:
    """The line that states the rule behind the subject's level: ``level_rule``; for an older flag the reason
    stating its level, else (an escalation appended to older reasons) the first line that is no dimension line."""
    if subject.level_rule is not None:
        return subject.level_rule
    same = [r for r in subject.reasons if stated_level(r) == subject.level]
    if same:
        return same[0]
    plain = [r for r in subject.reasons if stated_level(r) is None and not _dimension_line(r)]
    return plain[0] if plain else None


def other_reasons(subject: SubjectResult) -> list[Text]:
    """The reasons after the level line, never a line stating another level than the subject's."""
    first = level_line(subject)
    return [r for r in subject.reasons if r != first and stated_level(r) in (None, subject.level)]


def _dimension_line(line: Text) -> bool:
    return line.nl.startswith(_DIMENSION_PREFIX) or line.en.startswith(_DIMENSION_PREFIX)
