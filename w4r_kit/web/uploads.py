"""Bounds on a groups file sent to the page (CSV or Excel .xlsx, the `signatures` format),
checked before the groups reader (tables.read_table, as for the CLI) sees it. Nothing from
the visitor names a file."""
from __future__ import annotations

import io
import zipfile

MAX_UPLOAD_BYTES = 512 * 1024
MAX_GROUPS = 300              # lines (rows) under the header
MAX_UPLOAD_SHEETS = 2000      # signature sheets in one upload, all groups together
MAX_XLSX_UNPACKED = 8 * 1024 * 1024      # an .xlsx is a zip: refuse a zip bomb before reading it


class BadUpload(Exception):
    """The upload as a whole is refused; the message says what to do."""


def suffix_for(data: bytes, filename: str) -> str:
    """'.xlsx' or '.csv': the name the groups reader gets for the upload (an .xlsx is a zip)."""
    return ".xlsx" if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx") else ".csv"


def check_bounds(data: bytes, suffix: str) -> None:
    """Refuse what is too big to read; raises BadUpload."""
    if not data:
        raise BadUpload("is empty; the first line must be the header id,name,lang,sheets")
    if suffix == ".csv":
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        if lines > MAX_GROUPS + 1:
            raise BadUpload(f"has {lines} lines; at most {MAX_GROUPS} groups fit in one upload: split the file")
        return
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return                    # the reader says it cannot be read as a workbook
    if unpacked > MAX_XLSX_UNPACKED:
        raise BadUpload(f"unpacks to {unpacked / 2**20:.0f} MB; at most {MAX_XLSX_UNPACKED // 2**20} MB: keep only "
                        "the groups sheet, or export it as 'CSV UTF-8'")
