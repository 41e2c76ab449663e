"""`w4r-kit registry export`: everything issued and returned, as CSV or XLSX (SPEC §11).

One row per sheet with its pack and what came back for it; hand counts and online
signatures (per group, not per sheet) go in sheets of their own in the XLSX, and in
`<name>-counts.csv` / `<name>-online.csv` beside the CSV. Cells that a spreadsheet
would run as a formula (= + - @ ...) are neutralised with a leading apostrophe.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from ..tables import inert
from .store import Registry

SHEET_COLUMNS = ("sheet_id", "campaign", "route", "issued_at", "issued_by", "pack_id", "group_id", "group_name",
                 "contact", "lang", "audience", "case", "number", "of", "file", "page", "url", "returned",
                 "signatures", "consent_yes", "consent_no", "scan_file", "scan_page", "returned_at",
                 "online")
COUNT_COLUMNS = ("group_id", "case", "letters", "signatures", "source", "note", "recorded_at", "campaign")
ONLINE_COLUMNS = ("group_id", "sheet_id", "case", "count", "source_file", "recorded_at", "campaign")
def tables(registry: Registry) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """name -> (columns, rows) of everything in the registry, ready to write."""
    packs = {p.id: p for p in registry.packs()}
    returns = registry.returns()
    online_by_sheet: dict[str, int] = defaultdict(int)
    online_rows = registry.online()
    for o in online_rows:
        if o.sheet_id:
            online_by_sheet[o.sheet_id] += o.count
    sheet_rows = []
    for s in registry.sheets():
        p, r = packs[s.pack_id], returns.get(s.sheet_id)
        sheet_rows.append((s.sheet_id, s.campaign, s.route, p.issued_at, p.issued_by or "", s.pack_id, s.group_id,
                           s.group_name, s.contact, s.lang, s.audience, s.case, s.number, s.of, s.file, s.page,
                           s.url, r.status if r else "", _num(r and r.signatures), _num(r and r.consent_yes),
                           _num(r and r.consent_no), (r.scan_file or "") if r else "", _num(r and r.page),
                           r.recorded_at if r else "", online_by_sheet.get(s.sheet_id, 0)))
    count_rows = [(c.group_id, c.case or "", c.letters, c.signatures, c.source, c.note, c.recorded_at,
                   c.campaign or "") for c in registry.counts()]
    online_out = [(o.group_id or "", o.sheet_id or "", o.case or "", o.count, o.source_file, o.recorded_at,
                   o.campaign or "") for o in online_rows]
    return {"sheets": (SHEET_COLUMNS, sheet_rows), "counts": (COUNT_COLUMNS, count_rows),
            "online": (ONLINE_COLUMNS, online_out)}


def export(registry: Registry, out: Path) -> dict[Path, bytes]:
    """The files of an export to `out` (.csv or .xlsx), not yet written."""
    data = tables(registry)
    if out.suffix.lower() == ".xlsx":
        return {out: _xlsx(data)}
    siblings = {"sheets": out, "counts": out.with_name(f"{out.stem}-counts.csv"),
                "online": out.with_name(f"{out.stem}-online.csv")}
    return {siblings[name]: _csv(*table) for name, table in data.items()}


def _csv(columns: tuple[str, ...], rows: list[tuple]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([inert(_text(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")        # the BOM makes Excel read UTF-8


def _xlsx(data: dict[str, tuple[tuple[str, ...], list[tuple]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    book = Workbook(write_only=True)
    for name, (columns, rows) in data.items():
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"           # text stays text, whatever it starts with
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.datetime):            # Excel has no time zones: UTC, without the zone
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    return inert(value)


def _text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return value


def _num(value: int | None) -> int | str:
    return "" if value is None else value
