"""A groups file from the page (CSV or Excel .xlsx, the `signatures` format) -> the CSV
text the groups reader checks, within bounds. Nothing from the visitor names a file."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

MAX_UPLOAD_BYTES = 512 * 1024
MAX_GROUPS = 300              # lines under the header
MAX_UPLOAD_SHEETS = 2000      # signature sheets in one upload, all groups together
MAX_XLSX_UNPACKED = 20 * 1024 * 1024     # an .xlsx is a zip: refuse a zip bomb before reading it
MAX_COLUMNS = 20


class BadUpload(Exception):
    """The upload as a whole cannot be read; the message says what to do."""


def groups_csv(data: bytes, filename: str) -> bytes:
    """The upload as UTF-8 CSV bytes; raises BadUpload."""
    if not data:
        raise BadUpload("is empty; the first line must be the header id,name,lang,sheets")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _xlsx_to_csv(data)
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines > MAX_GROUPS + 1:
        raise BadUpload(f"has {lines} lines; at most {MAX_GROUPS} groups fit in one upload: split the file")
    return data


def _xlsx_to_csv(data: bytes) -> bytes:
    unreadable = BadUpload("cannot be read as an Excel workbook (.xlsx); save it again from the spreadsheet, "
                           "or export it as 'CSV UTF-8'")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise BadUpload(f"unpacks to {unpacked // 1024 // 1024} MB; at most {MAX_XLSX_UNPACKED // 1024 // 1024} MB: "
                        "keep only the groups sheet, or export it as 'CSV UTF-8'")
    from openpyxl import load_workbook
    try:
        # A formula cell reads as the value the spreadsheet saved with it; one saved without
        # a value (written by a program) reads as its formula, which the name check refuses.
        values, formulas = (load_workbook(io.BytesIO(data), read_only=True, data_only=flag) for flag in (True, False))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        rows = zip(values.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS),
                   formulas.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS))
        for n, (row, raw) in enumerate(rows, 1):
            if n > MAX_GROUPS + 1:
                raise BadUpload(f"has more than {MAX_GROUPS} groups; at most {MAX_GROUPS} fit in one upload: "
                                "split the file")
            writer.writerow([_cell(v if v is not None else r) for v, r in zip(row, raw)])
        values.close()
        formulas.close()
    except BadUpload:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise unreadable from None
    return out.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)
