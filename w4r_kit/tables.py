"""Tables in and out: the CSV and .xlsx files coordinators and staff work with.

Read: a CSV in UTF-8 (comma or semicolon), or in Windows-1252 when the text can only be
that (what Excel's plain "CSV" writes on many machines), or the first sheet of an .xlsx
workbook; every row keeps its line (CSV) or row number (xlsx) for messages.
Write: CSV (UTF-8) or .xlsx, byte-identical for the same rows, with every text cell a
spreadsheet would run as a formula (= + - @ at the start) made inert with a leading '.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .errors import Problems

FORMATS = ("csv", "xlsx")
UTF8_EXPORT = ("in the spreadsheet, save it as 'CSV UTF-8 (Comma delimited)' (Excel) or as 'Text CSV' with "
               "the character set 'Unicode (UTF-8)' (LibreOffice), or as an .xlsx workbook")

# What a Windows-1252 text of names and places can hold beyond ASCII: the letters of
# Western European languages and everyday typography. The bytes of other 8-bit encodings
# (Mac Roman, DOS 850, Latin-9) read as Windows-1252 give characters outside this set
# ('LycŽe', 'caf‚', '½uvre') or capitals inside a word (Mac Roman's ’ as 'dÕEsch'), so
# such a file is refused instead of misread. (Icelandic Ð Þ are left out: Mac Roman's dashes.)
_CP1252_LETTERS = set("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœ")
_CP1252_MARKS = set("’‘“”«»–—…€°·\u00a0•")
_BETWEEN_LETTERS = set("’")           # l’école; any other mark inside a word is a misread letter


@dataclass(frozen=True)
class Row:
    line: int                  # CSV line or sheet row where the row starts (1-based)
    end: int                   # where it ends: a quoted CSV value may span lines
    cells: list[str]
    reported: bool = False     # a problem of the row itself was reported already: skip its values


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]
    kind: str                  # "CSV line" or "row" (for messages that count them)


GROUPS = "a groups file with the columns id,name,lang,sheets"


def read_table(file: Path, problems: Problems, what: str = GROUPS) -> Table | None:
    """The header and rows of a CSV or .xlsx file; None (with the problem added) if unreadable.

    `what` says in messages what the file should be, e.g. "the online petition's export".
    """
    suffix = file.suffix.lower()
    if suffix in (".xls", ".ods", ".numbers"):
        problems.add(f"is a '{suffix}' file; save it as an .xlsx workbook or as CSV UTF-8", file)
        return None
    if suffix not in ("", ".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        problems.add(f"is a '{suffix}' file; give {what} as .csv or .xlsx", file)
        return None
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        problems.add(f"does not exist; give the path of {what} (.csv or .xlsx)", file)
        return None
    except OSError as exc:
        problems.add(f"cannot be read: {exc.strerror}", file)
        return None
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(file, data, problems, what)
    text = _decode(file, data, problems)
    return None if text is None else _read_csv(file, text, problems, what)


def _decode(file: Path, data: bytes, problems: Problems) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(f"is UTF-16 text ('Unicode Text'); {UTF8_EXPORT}", file)
        return None
    if b"\x00" in data:                  # no text file holds NUL: an image, a program, a damaged file
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        problems.add(f"is not a text file (it holds NUL bytes, from line {line}); {UTF8_EXPORT}", file, line)
        return None
    try:
        return data.decode("utf-8-sig")               # Excel's 'CSV UTF-8' starts with a BOM
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start]
    text = _as_cp1252(data)
    if text is None:
        problems.add(f"is not UTF-8 text (byte 0x{bad:02x} on line {line}) and not plainly Windows-1252 either; "
                     f"{UTF8_EXPORT}", file, line)
        return None
    problems.warn("read as Windows-1252 (Excel's plain 'CSV'); check the accents in the output, or export "
                  "'CSV UTF-8' to be sure", file)
    return text


def _as_cp1252(data: bytes) -> str | None:
    """The text if `data` can only be Windows-1252 text, else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:                        # 0x81 0x8D 0x8F 0x90 0x9D: not Windows-1252
        return None
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        if ch in _CP1252_LETTERS:
            if ch.isupper() and i > 0 and text[i - 1].islower():
                return None
            continue
        if ch not in _CP1252_MARKS:
            return None
        if ch not in _BETWEEN_LETTERS and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            return None
    return text


def _read_csv(file: Path, text: str, problems: Problems, what: str) -> Table | None:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        problems.add(f"is empty; the first line must be the header of {what}", file, 1)
        return None
    # Spreadsheets set to a European locale export with ';', some platforms with tabs.
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            rows.append(Row(start, end, cells))
    except csv.Error as exc:
        start = end + 1
        if "unexpected end of data" in str(exc):
            problems.add('the quote " opened on this line is never closed; close it, or remove it', file, start)
        elif "expected after" in str(exc):
            problems.add(f'a quote " ends a value in the middle; inside a quoted value write "" for a quote',
                         file, reader.line_num)
        else:                     # a value longer than the csv module takes, ...
            problems.add(f"cannot be read as CSV: {exc}; export it again from the spreadsheet", file, reader.line_num)
        return None
    return Table([h.strip() for h in rows[0].cells], rows[1:], "line")


def _read_xlsx(file: Path, data: bytes, problems: Problems, what: str) -> Table | None:
    import openpyxl
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl's own errors alike
        problems.add(f"cannot be read as an .xlsx workbook ({type(exc).__name__}); save it again from the "
                     "spreadsheet as .xlsx, or as CSV UTF-8", file)
        return None
    sheets = [ws for ws in book.worksheets if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value]
    if not sheets:
        problems.add(f"is empty; the first row must be the header of {what}", file, 1)
        return None
    sheet = sheets[0]
    if len(sheets) > 1:
        problems.warn(f"has {len(sheets)} sheets with data; only the first, '{sheet.title}', is read", file)
    # A formula's value is what the spreadsheet saved with it; a file written by a program
    # may have none: say so, rather than read an empty cell.
    source = formulas[sheet.title]
    rows = []
    for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        unsaved = [(source.cell(n, i).coordinate, source.cell(n, i).value) for i, v in enumerate(values, start=1)
                   if v is None and isinstance(source.cell(n, i).value, str) and source.cell(n, i).value.startswith("=")]
        for where, formula in unsaved:
            problems.add(f"cell {where} holds the formula '{formula}' without a saved value; open the file in the "
                         "spreadsheet and save it again, or type the value", file, n)
        rows.append(Row(n, n, [_cell_text(v) for v in values], bool(unsaved)))
    if not rows or not any(c.strip() for c in rows[0].cells):
        problems.add(f"sheet '{sheet.title}' is empty on row 1; it must be the header of {what}", file, 1)
        return None
    header = [h.strip() for h in rows[0].cells]
    while header and not header[-1]:
        header.pop()
    return Table(header, rows[1:], "row")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))                         # 2.0 -> "2": spreadsheets store numbers as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- writing -----------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r]")


def inert(value: object) -> object:
    """A cell value a spreadsheet shows as text: a leading ' before = + - @ (and tab/CR, which
    some spreadsheets skip before a formula). Numbers stay numbers."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def table_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]], fmt: str = "csv",
                sheet_title: str = "Sheet1", widths: Sequence[float] = ()) -> bytes:
    """The rows as a CSV (UTF-8, '\\n') or .xlsx file; formulas neutralised either way."""
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([inert(v) for v in row] for row in rows)
        return out.getvalue().encode("utf-8")
    if fmt == "xlsx":
        return _xlsx_bytes(columns, rows, sheet_title, widths)
    raise ValueError(f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}")


_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIXED_TIME = dt.datetime(1980, 1, 1)


def _xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str,
                widths: Sequence[float] = ()) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in map(inert, row)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"           # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    from openpyxl.utils import get_column_letter
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    # Same rows, same bytes: fixed document times and zip entry times.
    book.properties.created = book.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, _EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":          # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>1980-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()
