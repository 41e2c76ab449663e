"""Load stage for returns: a CSV or XLSX table -> rows keyed by normalised column names.

Spreadsheets are what staff have at hand (a petition platform's export, a tally kept by
hand). They are read by the one table reader of the package (w4r_kit.tables: UTF-8 or
Windows-1252 CSV, .xlsx, every row with its line); here the header is normalised so that
'UTM Content', 'utm-content' and 'utm_content' name one column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import tables
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
    table = tables.read_table(file, problems, what)
    if table is None:
        return None
    rows = [row for row in table.rows if any(cell.strip() for cell in row.cells)]
    if len(rows) > MAX_ROWS:
        problems.add(f"has {len(rows)} rows; split it into files of at most {MAX_ROWS}", file)
        return None
    labels: dict[str, str] = {}
    header = []
    for label in table.header:
        key = normalise(label)
        if key and key in labels:
            problems.add(f"has the column '{label}' twice; keep one", file, 1, label)
        labels.setdefault(key, label.strip())
        header.append(key)
    body = [Row(row.line, {key: _clean(row.cells[i]) if i < len(row.cells) else ""
                           for i, key in enumerate(header) if key})
            for row in rows if not row.reported]
    return Table(file, header, labels, body)


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()
