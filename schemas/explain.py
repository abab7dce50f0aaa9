"""The words of a judgement: the level line every subject starts with, and what is missing for the next level.

One line per subject states the rule that set its level and, below level 3, what the next level still needs
("Niveau 2 (arbeidsuitbuiting): middel aangetoond door de sterke indicator CD1. Voor niveau 3 ontbreekt: …").
An escalated subject says "Niveau 3" and the escalation first. Dutch and English, like every UI string.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from schemas.catalogue import PROFILE_LABELS, Profile, Strength
from schemas.templates import Text


class Element(BaseModel):
    """One element of the legal frame for one profile: the indicators (or, for the act, the facts) behind it."""

    model_config = ConfigDict(frozen=True)

    evidenced: bool
    codes: list[str]
    strengths: list[Strength] = []


class Frame(BaseModel):
    """Art. 273f Sr for one subject and profile: *handeling – middel – oogmerk* (act – means – purpose)."""

    model_config = ConfigDict(frozen=True)

    act: Element
    means: Element
    purpose: Element
    act_labels: list[Text] = []


_ACT = Text(nl="een handeling: huisvesting, vervoer of werving door een ander, of werk voor een ander",
            en="an act: housing, transport or recruitment by another person, or work for another person")
_MEANS = Text(nl="een middel: dwang, geweld of dreiging, misleiding, schuld, afpakken van papieren of misbruik van een "
                 "kwetsbare positie (een sterke indicator, twee middelsterke, of een middelsterke en twee zwakke)",
              en="a means: coercion, violence or threats, deception, debt, taking papers or abuse of a vulnerable "
                 "position (one strong indicator, two medium, or one medium and two weak)")
_PURPOSE = Text(nl="een uitbuitingsdoel: uitbuitende omstandigheden, gedwongen werk, klanten of criminaliteit (een "
                   "sterke indicator, twee middelsterke, of een middelsterke en twee zwakke)",
                en="a purpose of exploitation: exploitative conditions, forced work, clients or crime (one strong "
                   "indicator, two medium, or one medium and two weak)")
_ILO_FULL = Text(nl="werving, uitbuiting en dwang op de bestemming alle positief (ILO/EC-regel)",
                 en="recruitment, exploitation and coercion at destination all positive (ILO/EC rule)")


Names = Mapping[str, Text]
"""An indicator code -> its label: the lines name indicators in words (an inspector and a team lead read them; the
codes are for the beheerder)."""


def _named(codes: list[str], names: Names) -> Text:
    """The indicators in words, the code itself for one without a label."""
    return Text(nl=", ".join(names[c].nl if c in names else c for c in codes),
                en=", ".join(names[c].en if c in names else c for c in codes))


def _basis(element: Element, names: Names) -> Text:
    """Why an element counts: its strong indicators, or the combination of medium and weak ones."""
    strong = [c for c, s in zip(element.codes, element.strengths, strict=True) if s is Strength.STRONG]
    if strong:
        word_nl = "de sterke indicator" if len(strong) == 1 else "de sterke indicatoren"
        word_en = "the strong indicator" if len(strong) == 1 else "the strong indicators"
        named = _named(strong, names)
        return Text(nl=f"{word_nl} {named.nl}", en=f"{word_en} {named.en}")
    medium = element.strengths.count(Strength.MEDIUM)
    weak = element.strengths.count(Strength.WEAK)
    mix_nl = f"{medium} middel" + (f" + {weak} zwak" if weak else "")
    mix_en = f"{medium} medium" + (f" + {weak} weak" if weak else "")
    named = _named(element.codes, names)
    return Text(nl=f"{mix_nl} ({named.nl})", en=f"{mix_en} ({named.en})")


def _profile(profile: Profile | None) -> tuple[str, str]:
    if profile is None:
        return "", ""
    label = PROFILE_LABELS[profile]
    return f" ({label.nl})", f" ({label.en})"


def escalated_line(profile: Profile, reason: Text) -> Text:
    """Level 3 by an escalation rule: the level and the escalation, nothing lower beside it."""
    pnl, pen = _profile(profile)
    return Text(nl=f"Niveau 3{pnl} — acuut: {reason.nl}", en=f"Level 3{pen} — acute: {reason.en}")


def level_three_line(profile: Profile, frame: Frame | None, *, ilo_full: bool, minor: bool,
                     names: Names | None = None) -> Text:
    """Level 3 by the combination rules: the 273f frame, the ILO rule, or a minor with a purpose."""
    pnl, pen = _profile(profile)
    if frame is not None and frame.act.evidenced and frame.means.evidenced and frame.purpose.evidenced:
        acts = _named(frame.act.codes, names or {})
        acts_nl = "; ".join(t.nl for t in frame.act_labels) or acts.nl
        acts_en = "; ".join(t.en for t in frame.act_labels) or acts.en
        means, purpose = _basis(frame.means, names or {}), _basis(frame.purpose, names or {})
        return Text(nl=f"Niveau 3{pnl}: handeling ({acts_nl}), middel ({means.nl}) en uitbuitingsdoel "
                       f"({purpose.nl}) zijn alle drie aanwezig (art. 273f Sr).",
                    en=f"Level 3{pen}: act ({acts_en}), means ({means.en}) and purpose of exploitation "
                       f"({purpose.en}) are all present (art. 273f Criminal Code).")
    if ilo_full:
        return Text(nl=f"Niveau 3{pnl}: {_ILO_FULL.nl}.", en=f"Level 3{pen}: {_ILO_FULL.en}.")
    basis = _basis(frame.purpose, names or {}) if frame is not None else Text(nl="uitbuiting", en="exploitation")
    assert minor
    return Text(nl=f"Niveau 3{pnl}: minderjarige met een uitbuitingsdoel ({basis.nl}); bij een minderjarige is "
                   "geen middel nodig (art. 273f Sr).",
                en=f"Level 3{pen}: a minor with a purpose of exploitation ({basis.en}); for a minor no means is "
                   "needed (art. 273f Criminal Code).")


def level_two_line(profile: Profile, frame: Frame, *, minor: bool, has_frame: bool, names: Names | None = None
                   ) -> Text:
    """Level 2: which element is evidenced, and what level 3 still needs."""
    pnl, pen = _profile(profile)
    parts_nl: list[str] = []
    parts_en: list[str] = []
    for name_nl, name_en, element in (("middel", "means", frame.means), ("uitbuitingsdoel", "purpose", frame.purpose)):
        if element.evidenced:
            basis = _basis(element, names or {})
            parts_nl.append(f"{name_nl} aangetoond door {basis.nl}")
            parts_en.append(f"{name_en} shown by {basis.en}")
    missing = _missing_for_three(frame, minor=minor, has_frame=has_frame)
    return Text(nl=f"Niveau 2{pnl}: {'; '.join(parts_nl)}. Voor niveau 3 ontbreekt: {missing.nl}.",
                en=f"Level 2{pen}: {'; '.join(parts_en)}. Level 3 still needs: {missing.en}.")


def _missing_for_three(frame: Frame, *, minor: bool, has_frame: bool) -> Text:
    if not has_frame:
        return _ILO_FULL
    needed: list[Text] = []
    if minor:
        needed = [] if frame.purpose.evidenced else [_PURPOSE]
    else:
        needed = [t for t, e in ((_ACT, frame.act), (_MEANS, frame.means), (_PURPOSE, frame.purpose))
                  if not e.evidenced]
    return Text(nl="; ".join(t.nl for t in needed) or "–", en="; ".join(t.en for t in needed) or "–")


def level_one_line(profile: Profile, medium: list[str], weak: list[str], names: Names | None = None) -> Text:
    """Level 1: medium indicators, or weak ones that together count; and what level 2 needs."""
    pnl, pen = _profile(profile)
    if medium:
        named = _named(medium, names or {})
        what_nl = f"middelsterke indicator{'en' if len(medium) > 1 else ''} {named.nl}"
        what_en = f"medium indicator{'s' if len(medium) > 1 else ''} {named.en}"
    else:
        named = _named(weak, names or {})
        what_nl = f"zwakke signalen die samen tellen ({named.nl})"
        what_en = f"weak signals together ({named.en})"
    return Text(nl=f"Niveau 1{pnl}: {what_nl}. Voor niveau 2 ontbreekt: een sterke indicator, of twee middelsterke "
                   "(of een middelsterke en twee zwakke) bij het middel of bij het uitbuitingsdoel.",
                en=f"Level 1{pen}: {what_en}. Level 2 still needs: one strong indicator, or two medium (or one medium "
                   "and two weak) among the means or among the purpose.")


def level_zero_line(weak: list[str], names: Names | None = None) -> Text:
    """Level 0: nothing that counts; a single weak signal is named but needs company."""
    if weak:
        named = _named(weak, names or {})
        return Text(nl=f"Niveau 0: alleen een zwak signaal ({named.nl}). Voor niveau 1 ontbreekt: een "
                       "middelsterke indicator, of een tweede zwak signaal.",
                    en=f"Level 0: only a weak signal ({named.en}). Level 1 still needs: a medium indicator, or "
                       "a second weak signal.")
    return Text(nl="Niveau 0: geen indicatoren van betekenis gevonden.", en="Level 0: no significant indicators found.")
