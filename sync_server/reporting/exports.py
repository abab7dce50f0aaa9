"""Exports for the MDO-mensenhandel and the RIEC, as CSV for Dutch Excel and as XLSX.

Each export carries only what its purpose needs. The MDO discusses cases, so it gets one row per signal
(the anonymous person label, level, profile, indicator codes, verification, referrals). The RIEC looks at
addresses and networks, so it gets one row per flagged control (no persons, but the cluster of linked
controls). CSV: semicolon, UTF-8 with BOM, CRLF, dates dd-mm-jjjj — what Excel with Dutch settings opens.

These files go to partner organisations, and a text from the field (an address, a reason) could be written to
run as a formula when the file is opened (``=HYPERLINK(...)``). Every text cell is neutralised
(``reporting.cells``): in CSV a formula-like text gets a ``'`` in front; in XLSX every text is a string cell,
never a formula, and a formula-like one is marked as text (quote prefix) so editing it does not arm it either.

Both are streamed (issue 13): the rows are read from the database a chunk at a time (``yield_per``: a server-side
cursor on PostgreSQL) with what each chunk needs (verifications, referrals, links) read per chunk, and written as
they come: CSV straight into the response, XLSX by openpyxl's write-only workbook into a spooled temporary file that
is then sent in pieces. The server's memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from schemas.records import Address
from schemas.texts import t
from sync_server import periods
from sync_server.auth.schemas import Principal
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.links import service as links
from sync_server.links.models import Identifier
from sync_server.reporting import cells
from sync_server.reporting.pdf import CONTROL_TYPES, LEVELS, PARTNERS, VERDICTS
from sync_server.review import signals
from sync_server.tenancy import access

PURPOSES = ("mdo", "riec")
PROFILES = {p: t(f"profile_{p}") for p in ("labour", "sexual", "criminal")}
HEADERS = {  # the column names, from the one text catalogue (schemas.texts: export_col_<x>), in Dutch
    "mdo": [t(f"export_col_{c}") for c in ("date", "address", "neighbourhood", "control_type", "person", "level",
                                           "profile", "indicators", "verification", "reason", "referred")],
    "riec": [t(f"export_col_{c}") for c in ("date", "address", "postcode", "neighbourhood", "control_type", "level",
                                            "profile", "signals", "cluster", "linked", "referred")],
}
CHUNK = 500
SPOOL_BYTES = 4 * 1024 * 1024  # an XLSX stays in memory up to this size, on disk beyond it
Row = list[Any]


def count(*, session: Session, user: Principal, purpose: str) -> int:
    """How many rows the export of ``purpose`` has (one COUNT, for the audit entry)."""
    if purpose == "mdo":
        stmt = select(func.count()).select_from(SignalFact).join(Inspection, Inspection.id == SignalFact.inspection_id)
    else:
        stmt = select(func.count()).select_from(Inspection).where(Inspection.level >= 1)
    return int(session.scalar(stmt.where(access.inspection_clause(user))) or 0)


def rows(*, session: Session, user: Principal, purpose: str, within_days: int) -> Iterator[Row]:
    """The rows of one export, over the controls ``user`` may see, read ``CHUNK`` at a time."""
    if purpose == "mdo":
        return _mdo(session, user, within_days)
    return _riec(session, user)


def _chunks(session: Session, stmt: Select[Any]) -> Iterator[list[Any]]:
    for part in session.execute(stmt, execution_options={"yield_per": CHUNK}).partitions():
        yield list(part)


def _mdo(session: Session, user: Principal, within_days: int) -> Iterator[Row]:
    """One row per signal, in the order of Alle signalen (overdue first, then highest level, then oldest)."""
    _open, keys = signals._signal_keys(datetime.now(UTC), within_days)
    stmt = (select(SignalFact.inspection_id, SignalFact.subject_id, SignalFact.label, SignalFact.level,
                   SignalFact.profile, SignalFact.codes, Inspection.started_at, Inspection.address,
                   Inspection.control_type)
            .join(Inspection, Inspection.id == SignalFact.inspection_id)
            .where(access.inspection_clause(user)).order_by(*keys))
    for chunk in _chunks(session, stmt):
        ids = list(dict.fromkeys(r.inspection_id for r in chunk))
        latest = signals.latest_verifications(session=session, inspection_ids=ids)
        refs = signals.referrals_of(session=session, inspection_ids=ids)
        for r in chunk:
            address = Address.model_validate(r.address)
            v = latest.get((r.inspection_id, r.subject_id))
            yield [_local_day(r.started_at), address.one_line(), address.neighbourhood,
                   CONTROL_TYPES.get(r.control_type, r.control_type),
                   t("premises") if r.subject_id == "premises" else r.label, LEVELS[r.level],
                   PROFILES.get(r.profile or "", ""), r.codes,
                   VERDICTS[v.verdict.value] if v else t("export_not_verified"), v.reason if v else "",
                   ", ".join(PARTNERS[p.value] for p in refs.get(r.inspection_id, []))]


def _riec(session: Session, user: Principal) -> Iterator[Row]:
    """One row per flagged control, oldest first, with its cluster and how many controls it is linked to."""
    cluster_of = links.cluster_ids(session=session, viewer=user)
    stmt = (select(Inspection.id, Inspection.started_at, Inspection.address, Inspection.control_type,
                   Inspection.level, Inspection.flag["profile"].as_string().label("profile"))
            .where(Inspection.level >= 1, access.inspection_clause(user))
            .order_by(Inspection.started_at, Inspection.id))
    for chunk in _chunks(session, stmt):
        ids = [r.id for r in chunk]
        counts = _signal_counts(session, ids)
        linked = _linked_counts(session, user, ids)
        refs = signals.referrals_of(session=session, inspection_ids=ids)
        for r in chunk:
            address = Address.model_validate(r.address)
            yield [_local_day(r.started_at), f"{address.street} {address.house_number}".strip(), address.postcode,
                   address.neighbourhood, CONTROL_TYPES.get(r.control_type, r.control_type),
                   LEVELS.get(r.level or 0, ""), PROFILES.get(r.profile or "", ""), counts.get(r.id, 0),
                   cluster_of.get(r.id, ""), linked.get(r.id, 0),
                   ", ".join(PARTNERS[p.value] for p in refs.get(r.id, []))]


def _signal_counts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    stmt = (select(SignalFact.inspection_id, func.count()).where(SignalFact.inspection_id.in_(ids))
            .group_by(SignalFact.inspection_id))
    return {iid: int(n) for iid, n in session.execute(stmt)}


def _linked_counts(session: Session, user: Principal, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Control id -> how many other controls ``user`` may see share an identifier with it (``links.linked``)."""
    mine, other = aliased(Identifier), aliased(Identifier)
    stmt = (select(mine.inspection_id, func.count(func.distinct(other.inspection_id)))
            .join(other, access.in_organisation(other, user.organisation_id) & (other.kind == mine.kind)
                  & (other.digest == mine.digest) & (other.inspection_id != mine.inspection_id))
            .join(Inspection, Inspection.id == other.inspection_id)
            .where(mine.inspection_id.in_(ids), access.inspection_clause(user)).group_by(mine.inspection_id))
    return {iid: int(n) for iid, n in session.execute(stmt)}


def _local_day(value: datetime) -> date:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(periods.AMSTERDAM).date()


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def csv_chunks(header: list[str], body: Iterable[Row], *, rows_per_chunk: int = CHUNK) -> Iterator[bytes]:
    """Semicolon-separated, UTF-8 with BOM, CRLF line ends, dates dd-mm-jjjj; ``rows_per_chunk`` rows a piece."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cells.neutralise(h) for h in header])
    first = True
    for n, row in enumerate(body, start=1):
        writer.writerow([_cell_text(cells.neutralise(v)) for v in row])
        if n % rows_per_chunk == 0:
            yield _take(buf, first)
            first = False
    yield _take(buf, first)


def _take(buf: io.StringIO, first: bool) -> bytes:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return text.encode("utf-8-sig" if first else "utf-8")


def to_csv(header: list[str], body: Iterable[Row]) -> bytes:
    """The whole CSV at once (small exports and tests)."""
    return b"".join(csv_chunks(header, body))


def write_xlsx(header: list[str], body: Iterable[Row], title: str) -> IO[bytes]:
    """One sheet (write-only: rows go to a temporary file as they come), bold header, real date cells shown as
    dd-mm-jjjj, the header row frozen; returns the file, positioned at its start."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for n, name in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(n)].width = max(12, len(name) + 2)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_xlsx_cell(ws, h, font=bold) for h in header])
    for row in body:
        ws.append([_xlsx_cell(ws, v) for v in row])
    out: IO[bytes] = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response, closed there
    wb.save(out)
    out.seek(0)
    return out


def to_xlsx(header: list[str], body: Iterable[Row], title: str) -> bytes:
    """The whole XLSX at once (small exports and tests)."""
    with write_xlsx(header, body, title) as f:
        return f.read()


def _xlsx_cell(ws: Any, value: Any, font: Font | None = None) -> Any:
    """A write-only cell for ``value``; a text is always a string cell (openpyxl would make ``=...`` a formula), and
    a formula-like text is marked as text (quote prefix)."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if cells.neutralise(value) != value:
            cell.quotePrefix = True
    elif isinstance(value, datetime | date):
        cell.number_format = "DD-MM-YYYY"
    if font is not None:
        cell.font = font
    return cell
