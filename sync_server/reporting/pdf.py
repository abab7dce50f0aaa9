"""The *bestuurlijke rapportage* of one control as a PDF (fpdf2).

Persons appear only by their anonymous label ("Persoon 1"); the flag is shown as advice with its
explanation as the office shows it (``schemas.signal_groups``: persons with the same signals as one group, the
level line first, each indicator once with every answer behind it), followed by the team lead's verification
and referrals. Text uses DejaVu Sans from
``assets/fonts`` (full Unicode); where that font is missing, Helvetica with the text folded to Latin-1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from pydantic import ValidationError

from schemas.catalogue import PROFILE_LABELS, Profile, Strength
from schemas.engine import FlagResult
from schemas.explain import Element, Frame
from schemas.facts import Evidence
from schemas.planning import CONTROL_TYPES as CONTROL_TYPE_KEYS
from schemas.records import InspectionDetail
from schemas.review import Partner, ReviewState, Verdict
from schemas.signal_groups import SubjectGroup, group_subjects, level_line, other_reasons
from schemas.templates import EvidenceType, Scope, Template
from schemas.texts import t
from sync_server.assets import ASSETS_DIR

TZ = ZoneInfo("Europe/Amsterdam")
FONTS = ASSETS_DIR / "fonts"
# the words of the one text catalogue (schemas.texts), in Dutch: the report is the mayor's
LEVELS = {n: t(f"level_{n}") for n in range(4)}
VERDICTS = {v.value: t(f"verdict_{v.value}") for v in Verdict}
PARTNERS = {p.value: t(f"partner_{p.value}") for p in Partner}
STRENGTHS = {s: t(f"strength_{s.value}") for s in Strength}
EVIDENCE = {e: t(f"evidence_{e.value}") for e in EvidenceType}
SCOPES = {s: t(f"scope_{s.value}") for s in Scope}
YES_NO_UNKNOWN = {"yes": t("frame_yes"), "no": t("frame_no"), "unknown": t("unknown").lower()}
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
CONTROL_TYPES = {c: t(f"type_{c}") for c in CONTROL_TYPE_KEYS}


@dataclass
class ReportInput:
    detail: InspectionDetail
    review: ReviewState
    partners_present: list[str] = field(default_factory=list)
    photos: list[tuple[str, Path | None]] = field(default_factory=list)  # (caption, downscaled copy or None)


def date_nl(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime("%d-%m-%Y") if value else "—"


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = (FONTS / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("body", "", str(FONTS / "DejaVuSans.ttf"))
            self.add_font("body", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.family = "body" if self.unicode else "helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(t("report_title"))
        self.set_creator("Inspectie")

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.cell(0, 6, self.safe(t("report_footer", page=self.page_no(), pages="{nb}")), align="C")

    def font(self, size: int, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def safe(self, text: str) -> str:
        if self.unicode:
            return text
        return text.replace("—", "-").replace("•", "*").encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.font(13, bold=True)
        self.multi_cell(0, 7, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.font(10)

    def line_text(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.font(size, bold)
        self.multi_cell(0, 5.5, self.safe(text), new_x="LMARGIN", new_y="NEXT")


def render(data: ReportInput) -> bytes:
    """The report as PDF bytes."""
    pdf = _Pdf()
    pdf.alias_nb_pages()
    pdf.add_page()
    s = data.detail.summary
    pdf.font(18, bold=True)
    pdf.multi_cell(0, 9, pdf.safe(t("report_title")), new_x="LMARGIN", new_y="NEXT")
    pdf.line_text(t("report_team_line"), 10)
    pdf.heading(t("report_control"))
    for label, value in (("report_address", s.address.one_line()),
                         ("report_neighbourhood", s.address.neighbourhood or "—"),
                         ("report_control_type", CONTROL_TYPES.get(s.control_type, s.control_type)),
                         ("report_date", date_nl(s.started_at)), ("report_finished", date_nl(s.finished_at)),
                         ("report_team", s.inspector),
                         ("report_partners_present", ", ".join(data.partners_present) or "—")):
        pdf.line_text(f"{t(label)}: {value}")
    flag = _flag(data.detail)
    _findings(pdf, flag)
    _persons(pdf, data.detail, flag)
    _signals(pdf, flag, _template(data.detail))
    _verification(pdf, data.review)
    _photos(pdf, data.photos)
    pdf.ln(4)
    pdf.line_text(t("report_disclaimer"), 8)
    return bytes(pdf.output())


def _flag(detail: InspectionDetail) -> FlagResult | None:
    return FlagResult.model_validate(detail.flag) if detail.flag else None


def _findings(pdf: _Pdf, flag: FlagResult | None) -> None:
    pdf.heading(t("report_findings"))
    findings = flag.findings if flag else []
    for f in findings:
        pdf.line_text(f"• {f.label.get('nl')}")
    if not findings:
        pdf.line_text(t("report_findings_none"))


def _persons(pdf: _Pdf, detail: InspectionDetail, flag: FlagResult | None) -> None:
    """Each person with their level; persons with the same signals on one line."""
    pdf.heading(t("report_persons"))
    listed: set[str] = set()
    for group in group_subjects(flag) if flag else []:
        if group.is_premises:
            continue
        listed.update(group.subject_ids)
        names = f" ({', '.join(group.labels)})" if len(group.subject_ids) > 1 else ""
        pdf.line_text(f"{group.title.nl}{names}: {LEVELS[group.level]}")
    for p in detail.persons:
        if p.id not in listed:
            pdf.line_text(f"{p.label}: {LEVELS[0] if flag else '—'}")
    if not detail.persons:
        pdf.line_text(t("report_persons_none"))


def _signals(pdf: _Pdf, flag: FlagResult | None, template: Template | None) -> None:
    """Per group of subjects with a signal: the level line first, the legal frame, each indicator once with
    every answer behind it, then the positive dimensions."""
    pdf.heading(t("report_signals"))
    if flag is None:
        pdf.line_text(t("level_none"))
        return
    profile = PROFILE_LABELS[Profile(flag.profile)].get("nl") if flag.profile else t("report_profile_none")
    pdf.line_text(t("report_level_line", level=LEVELS[flag.level], profile=profile), bold=True)
    for group in group_subjects(flag):
        if group.level > 0:
            _group(pdf, group, template)


def _group(pdf: _Pdf, group: SubjectGroup, template: Template | None) -> None:
    pdf.ln(1)
    pdf.line_text(f"{group.title.nl}: {LEVELS[group.level]}", bold=True)
    if len(group.subject_ids) > 1:
        pdf.line_text("  " + t("group_members", labels=", ".join(group.labels)), 9)
    subject = group.subject
    line = level_line(subject)
    if line is not None:
        pdf.line_text(f"  {line.nl}")
    if subject.other_profiles:
        names = ", ".join(PROFILE_LABELS[p].nl for p in subject.other_profiles)
        pdf.line_text("  " + t("also_profiles", profiles=names))
    if subject.frame is not None:
        pdf.line_text(f"  {_frame(subject.frame)}", 9)
    for ind in group.indicators:
        strength = f" — {STRENGTHS[ind.strength]}" if ind.strength else ""
        why = " ".join(e.nl for e in ind.explanations)
        pdf.line_text(f"  • {ind.label.nl}{strength}: {why}")
        for ev in ind.evidence:
            where = f", {SCOPES[ev.scope]}" if ev.scope else ""
            pdf.line_text(f"      {ev.question.nl}: {_answer(template, ev)} ({EVIDENCE[ev.evidence_type]}{where})", 9)
    for reason in other_reasons(subject):
        pdf.line_text(f"  – {reason.nl}", 9)


def _frame(frame: Frame) -> str:
    def element(e: Element, what: str = "") -> str:
        word = "frame_yes" if e.evidenced else "frame_no"
        return t(f"{word}_codes", codes=what) if what else t(word)

    acts = "; ".join(label.nl for label in frame.act_labels)
    return t("frame_line", act=element(frame.act, acts), means=element(frame.means), purpose=element(frame.purpose))


def _answer(template: Template | None, ev: Evidence) -> str:
    """An answer in words: ja/nee, option labels, a number with its unit, a date as dd-mm-jjjj."""
    question = template.question(ev.question_id, ev.scope) if template and ev.scope else None
    value = ev.value
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return t("frame_yes") if value else t("frame_no")
    options = {o.value: o.label.nl for o in question.options} if question else {}
    values = value if isinstance(value, list) else [value]
    words = [options.get(str(v)) or YES_NO_UNKNOWN.get(str(v)) or _date(str(v)) for v in values]
    text = ", ".join(words)
    return f"{text} {question.unit}" if question and question.unit and isinstance(value, int | float) else text


def _date(value: str) -> str:
    found = ISO_DATE.fullmatch(value)
    return f"{found.group(3)}-{found.group(2)}-{found.group(1)}" if found else value


def _template(detail: InspectionDetail) -> Template | None:
    try:
        return Template.model_validate(detail.template)
    except ValidationError:
        return None


def _verification(pdf: _Pdf, review: ReviewState) -> None:
    pdf.heading(t("report_verifications"))
    # one line per act: a group verification recorded its signals with the same time, author, verdict and reason
    acts: dict[tuple[datetime, str, str, str], list[str]] = {}
    for v in review.verifications:
        acts.setdefault((v.at, v.by, v.verdict.value, v.reason), []).append(v.subject_id)
    order = {s.subject_id: n for n, s in enumerate(review.signals)}
    for (at, by, verdict, reason), ids in acts.items():
        names = [_subject(review, i) for i in sorted(ids, key=lambda i: order.get(i, len(order)))]
        pdf.line_text(t("report_verified_signals", n=len(names), date=date_nl(at), by=by, names=", ".join(names),
                        verdict=VERDICTS[verdict], reason=reason))
    if not review.verifications:
        pdf.line_text(t("report_not_verified"))
    for r in review.referrals:
        pdf.line_text(t("report_referral_note" if r.note else "report_referral", date=date_nl(r.at),
                        partner=PARTNERS[r.partner.value], by=r.by, note=r.note))
    if not review.referrals:
        pdf.line_text(t("report_not_referred"))


def _subject(review: ReviewState, subject_id: str) -> str:
    for s in review.signals:
        if s.subject_id == subject_id:
            return t("scope_premises") if subject_id == "premises" else s.label
    return subject_id


def _photos(pdf: _Pdf, photos: list[tuple[str, Path | None]]) -> None:
    """Each photo's downscaled copy (``blobs.preview``: decoded once, bounded); None: refused as unreadable."""
    pdf.heading(t("report_photos"))
    if not photos:
        pdf.line_text(t("report_photos_none"))
    for caption, path in photos:
        if pdf.get_y() > 200:
            pdf.add_page()
        try:
            if path is None:
                raise ValueError("refused")
            pdf.image(str(path), w=90)
        except Exception:  # a damaged image must not cost the whole report
            pdf.line_text(t("report_photo_unreadable"))
        pdf.line_text(caption or t("report_photo"), 8)

