"""The *bestuurlijke rapportage* of one control as a PDF (fpdf2).

Persons appear only by their anonymous label ("Persoon 1"); the flag is shown as advice with its
explanation, followed by the team lead's verification and referrals. Text uses DejaVu Sans from
``assets/fonts`` (full Unicode); where that font is missing, Helvetica with the text folded to Latin-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

from schemas.catalogue import PROFILE_LABELS, Profile
from schemas.engine import FlagResult
from schemas.records import InspectionDetail
from schemas.review import ReviewState
from sync_server.assets import ASSETS_DIR

TZ = ZoneInfo("Europe/Amsterdam")
FONTS = ASSETS_DIR / "fonts"
LEVELS = {0: "L0 geen signaal", 1: "L1 signaal", 2: "L2 ernstig", 3: "L3 acuut"}
VERDICTS = {"gegrond": "gegrond", "ongegrond": "ongegrond", "meer_info": "meer informatie nodig"}
PARTNERS = {"ketenregisseur": "Ketenregisseur", "politie_avim": "Politie/AVIM",
            "nla": "Nederlandse Arbeidsinspectie", "veilig_thuis": "Veilig Thuis", "riec": "RIEC",
            "mdo_mensenhandel": "MDO-mensenhandel"}
CONTROL_TYPES = {"pandenactie": "Pandenactie", "massagesalon": "Massagesalon",
                 "seksinrichting_vergund": "Seksinrichting (vergund)",
                 "seksinrichting_onvergund": "Seksinrichting (onvergund) / thuisprostitutie"}


@dataclass
class ReportInput:
    detail: InspectionDetail
    review: ReviewState
    partners_present: list[str] = field(default_factory=list)
    photos: list[tuple[str, Path]] = field(default_factory=list)  # (caption, file)


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
        self.set_title("Bestuurlijke rapportage")
        self.set_creator("Inspectie")

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.cell(0, 6, self.safe(f"Vertrouwelijk — pagina {self.page_no()}/{{nb}}"), align="C")

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
    pdf.multi_cell(0, 9, pdf.safe("Bestuurlijke rapportage"), new_x="LMARGIN", new_y="NEXT")
    pdf.line_text("Interventieteam ondermijning — gemeente Arnhem", 10)
    pdf.heading("Controle")
    for label, value in (("Adres", s.address.one_line()), ("Wijk", s.address.neighbourhood or "—"),
                         ("Soort controle", CONTROL_TYPES.get(s.control_type, s.control_type)),
                         ("Datum", date_nl(s.started_at)), ("Afgerond", date_nl(s.finished_at)),
                         ("Team", s.inspector), ("Partners aanwezig", ", ".join(data.partners_present) or "—")):
        pdf.line_text(f"{label}: {value}")
    flag = _flag(data.detail)
    _findings(pdf, flag)
    _persons(pdf, data.detail, flag)
    _signals(pdf, flag)
    _verification(pdf, data.review)
    _photos(pdf, data.photos)
    pdf.ln(4)
    pdf.line_text("Een signaal is een advies aan een mens, geen besluit (AVG art. 22). Personen zijn "
                  "geanonimiseerd.", 8)
    return bytes(pdf.output())


def _flag(detail: InspectionDetail) -> FlagResult | None:
    return FlagResult.model_validate(detail.flag) if detail.flag else None


def _findings(pdf: _Pdf, flag: FlagResult | None) -> None:
    pdf.heading("Bestuurlijke bevindingen")
    findings = flag.findings if flag else []
    for f in findings:
        pdf.line_text(f"• {f.label.get('nl')}")
    if not findings:
        pdf.line_text("Geen bestuurlijke bevindingen.")


def _persons(pdf: _Pdf, detail: InspectionDetail, flag: FlagResult | None) -> None:
    pdf.heading("Aangetroffen personen (anoniem)")
    levels = {sub.subject_id: sub.level for sub in flag.subjects} if flag else {}
    for p in detail.persons:
        pdf.line_text(f"{p.label}: {LEVELS.get(levels.get(p.id, 0), '')}")
    if not detail.persons:
        pdf.line_text("Geen personen vastgelegd.")


def _signals(pdf: _Pdf, flag: FlagResult | None) -> None:
    pdf.heading("Signalen en toelichting")
    if flag is None:
        pdf.line_text("Nog niet beoordeeld.")
        return
    profile = PROFILE_LABELS[Profile(flag.profile)].get("nl") if flag.profile else "geen"
    pdf.line_text(f"Niveau: {LEVELS[flag.level]} — profiel: {profile} — catalogus {flag.catalogue}", bold=True)
    for sub in flag.subjects:
        if sub.level == 0:
            continue
        who = "Pand" if sub.subject_id == "premises" else sub.label
        pdf.line_text(f"{who}: {LEVELS[sub.level]}", bold=True)
        for hit in sub.hits:
            pdf.line_text(f"  • {hit.label.get('nl')} ({hit.code}): {hit.explanation.get('nl')}")
        for reason in sub.reasons:
            pdf.line_text(f"  – {reason.get('nl')}")


def _verification(pdf: _Pdf, review: ReviewState) -> None:
    pdf.heading("Verificatie en doorverwijzing")
    for v in review.verifications:
        pdf.line_text(f"{date_nl(v.at)} — {v.by}: signaal {_subject(review, v.subject_id)} "
                      f"{VERDICTS[v.verdict.value]}. Reden: {v.reason}")
    if not review.verifications:
        pdf.line_text("Nog niet geverifieerd.")
    for r in review.referrals:
        pdf.line_text(f"{date_nl(r.at)} — doorverwezen naar {PARTNERS[r.partner.value]} door {r.by}"
                      + (f": {r.note}" if r.note else ""))
    if not review.referrals:
        pdf.line_text("Niet doorverwezen.")


def _subject(review: ReviewState, subject_id: str) -> str:
    for s in review.signals:
        if s.subject_id == subject_id:
            return "pand" if subject_id == "premises" else s.label
    return subject_id


def _photos(pdf: _Pdf, photos: list[tuple[str, Path]]) -> None:
    pdf.heading("Foto's")
    if not photos:
        pdf.line_text("Geen foto's ontvangen.")
    for caption, path in photos:
        if pdf.get_y() > 200:
            pdf.add_page()
        try:
            pdf.image(str(path), w=90)
        except Exception:  # a damaged image must not cost the whole report
            pdf.line_text("(foto niet leesbaar)")
        pdf.line_text(caption or "Foto", 8)

