"""Load stage for returns: a CSV or XLSX table -> header and rows with their line numbers.

Spreadsheets are what staff have at hand (a petition platform's export, a tally kept by
hand), so both are read the same way and every problem names the line it is on.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problems

MAX_ROWS = 200_000          # a petition export of a whole section fits many times over


@dataclass(frozen=True)
class Row:
    line: int                       # 1-based line (CSV) or row (XLSX) in the file
    values: dict[str, str]          # normalised header -> cell text


@dataclass(frozen=True)
class Table:
    file: Path
    header: list[str]               # normalised names, in file order
    labels: dict[str, str]          # normalised name -> the header as written
    rows: list[Row]


def normalise(name: str) -> str:
    """'UTM Content' / 'utm-content' / 'utm.content' -> 'utm_content'."""
    name = unicodedata.normalize("NFKC", name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def read_table(file: Path, problems: Problems, what: str) -> Table | None:
    """The table in `file` (.csv or .xlsx); None with a problem when it cannot be read."""
    if not file.is_file():
        problems.add(f"does not exist; give the path of {what} (.csv or .xlsx)", file)
        return None
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(file, problems)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(file, problems)
    else:
        problems.add(f"is a '{suffix or 'file without extension'}'; give {what} as .csv or .xlsx", file)
        return None
    if rows is None:
        return None
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        problems.add(f"is empty; the first line must be the header of {what}", file, 1)
        return None
    head_line, head = rows[0]
    labels = {}
    header = []
    for label in head:
        key = normalise(label)
        if key and key in labels:
            problems.add(f"has the column '{label}' twice; keep one", file, head_line, label)
        labels.setdefault(key, label.strip())
        header.append(key)
    if len(rows) - 1 > MAX_ROWS:
        problems.add(f"has {len(rows) - 1} rows; split it into files of at most {MAX_ROWS}", file)
        return None
    body = [Row(n, {key: _clean(cells[i]) if i < len(cells) else "" for i, key in enumerate(header) if key})
            for n, cells in rows[1:]]
    return Table(file, header, labels, body)


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _csv_rows(file: Path, problems: Problems) -> list[tuple[int, list[str]]] | None:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.add("is not UTF-8 text; in a spreadsheet, export as 'CSV UTF-8'", file)
        return None
    except OSError as exc:
        problems.add(f"cannot be read: {exc.strerror}", file)
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)       # European spreadsheets write ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        problems.add(f"cannot be read as CSV: {exc}; export it again from the spreadsheet", file, reader.line_num)
        return None
    return rows


def _xlsx_rows(file: Path, problems: Problems) -> list[tuple[int, list[str]]] | None:
    import zipfile
    from openpyxl import load_workbook
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.add(f"cannot be read as an Excel workbook ({type(exc).__name__}); save it again as .xlsx", file)
        return None
    try:
        sheet = book.worksheets[0]
        return [(n, [_cell(v) for v in values])
                for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))                 # 12.0 typed as 12
    return str(value)
