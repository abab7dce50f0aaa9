"""Exports for the MDO-mensenhandel and the RIEC, as CSV for Dutch Excel and as XLSX.

Each export carries only what its purpose needs. The MDO discusses cases, so it gets one row per signal
(the anonymous person label, level, profile, indicator codes, verification, referrals). The RIEC looks at
addresses and networks, so it gets one row per flagged control (no persons, but the cluster of linked
controls). CSV: semicolon, UTF-8 with BOM, CRLF, dates dd-mm-jjjj — what Excel with Dutch settings opens.

These files go to partner organisations, and a text from the field (an address, a reason) could be written to
run as a formula when the file is opened (``=HYPERLINK(...)``). Every text cell is neutralised
(``reporting.cells``): in CSV a formula-like text gets a ``'`` in front; in XLSX every text is a string cell,
never a formula, and a formula-like one is marked as text (quote prefix) so editing it does not arm it either.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import Address
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
from sync_server.links import service as links
from sync_server.reporting import cells
from sync_server.reporting.pdf import CONTROL_TYPES, LEVELS, PARTNERS, VERDICTS
from sync_server.review import signals
from sync_server.review.service import to_local
from sync_server.tenancy import access

PURPOSES = ("mdo", "riec")
PROFILES = {"labour": "arbeid", "sexual": "seksueel", "criminal": "criminele uitbuiting"}
Row = list[Any]


def table(*, session: Session, user: Principal, purpose: str, within_days: int) -> tuple[list[str], list[Row]]:
    """Header and rows of one export, over the controls ``user`` may see (their organisation's)."""
    if purpose == "mdo":
        return _mdo(session, user, within_days)
    return _riec(session, user)


def _mdo(session: Session, user: Principal, within_days: int) -> tuple[list[str], list[Row]]:
    header = ["Datum controle", "Adres", "Wijk", "Soort controle", "Persoon", "Niveau", "Profiel", "Indicatoren",
              "Verificatie", "Reden", "Doorverwezen naar"]
    inspections = {i.id: i for i in session.scalars(select(Inspection).where(Inspection.level >= 1,
                                                                             access.inspection_clause(user)))}
    rows: list[Row] = []
    for s in signals.all_signals(session=session, user=user, within_days=within_days):
        inspection = inspections[s.inspection_id]
        codes: list[dict[str, Any]] = next((sub.get("hits", []) for sub in signals.subjects(inspection.flag)
                      if str(sub["subject_id"]) == s.subject_id), [])
        rows.append([to_local(inspection.started_at).date(), s.address.one_line(), s.address.neighbourhood,
                     CONTROL_TYPES.get(s.control_type, s.control_type),
                     "Pand" if s.subject_id == "premises" else s.label, LEVELS[s.level],
                     PROFILES.get(s.profile or "", ""), ", ".join(sorted({str(h.get("code")) for h in codes})),
                     VERDICTS[s.verdict.value] if s.verdict else "niet geverifieerd", s.reason,
                     ", ".join(PARTNERS[p.value] for p in s.referrals)])
    return header, rows


def _riec(session: Session, user: Principal) -> tuple[list[str], list[Row]]:
    header = ["Datum controle", "Adres", "Postcode", "Wijk", "Soort controle", "Niveau", "Profiel",
              "Aantal signalen", "Cluster", "Gekoppelde controles", "Doorverwezen naar"]
    cluster_of = {c.inspection_id: cl.id for cl in links.clusters(session=session, viewer=user) for c in cl.controls}
    refs = signals.referrals_by_inspection(session=session)
    rows: list[Row] = []
    for i in session.scalars(select(Inspection).where(Inspection.level >= 1, access.inspection_clause(user))
                             .order_by(Inspection.started_at)):
        address = Address.model_validate(i.address)
        flag = i.flag or {}
        rows.append([to_local(i.started_at).date(), f"{address.street} {address.house_number}".strip(),
                     address.postcode, address.neighbourhood, CONTROL_TYPES.get(i.control_type, i.control_type),
                     LEVELS.get(i.level or 0, ""), PROFILES.get(str(flag.get("profile") or ""), ""),
                     len(signals.subjects(flag)), cluster_of.get(i.id, ""),
                     len(links.linked(session=session, inspection=i, viewer=user)),
                     ", ".join(PARTNERS[p.value] for p in refs.get(i.id, []))])
    return header, rows


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def to_csv(header: list[str], rows: list[Row]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, CRLF line ends, dates dd-mm-jjjj."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cells.neutralise(h) for h in header])
    writer.writerows([_cell_text(cells.neutralise(v)) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[Row], title: str) -> bytes:
    """One sheet, bold header, real date cells shown as dd-mm-jjjj."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _xlsx_cell(ws.cell(row=r, column=c), value)
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "DD-MM-YYYY"
    for n, name in enumerate(header, 1):
        ws.column_dimensions[ws.cell(row=1, column=n).column_letter].width = max(12, len(name) + 2)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_cell(cell: Any, value: Any) -> None:
    """Write ``value``; a text is always a string cell (openpyxl would make ``=...`` a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if cells.neutralise(value) != value:
            cell.quotePrefix = True
