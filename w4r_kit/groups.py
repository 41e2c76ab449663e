"""Load stage: the groups CSV of a signature batch (SPEC §8 `signatures`).

Columns `id,name,lang,sheets` are required, `cases`, `audience` and `contact`
optional. Every problem names the CSV line it is on.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from .config import did_you_mean
from .errors import Problems
from .model import AUDIENCES, Group

REQUIRED_COLUMNS = ("id", "name", "lang", "sheets")
OPTIONAL_COLUMNS = ("cases", "audience", "contact")
MAX_SHEETS = 1000              # per case and group; more is almost certainly a typo
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def load_groups(file: Path, languages: tuple[str, ...], case_ids: list[str], default_audience: str,
                problems: Problems) -> list[Group]:
    """Read and check the groups file; every problem goes to `problems` with its line."""
    try:
        text = file.read_text(encoding="utf-8-sig")      # Excel writes a BOM
    except FileNotFoundError:
        problems.add("does not exist; give the path of a CSV file with columns id,name,lang,sheets", file)
        return []
    except UnicodeDecodeError:
        problems.add("is not UTF-8 text; in a spreadsheet, export as 'CSV UTF-8'", file)
        return []
    except OSError as exc:
        problems.add(f"cannot be read: {exc.strerror}", file)
        return []
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        problems.add("is empty; the first line must be the header id,name,lang,sheets", file, 1)
        return []
    # Spreadsheets set to a European locale export with ';'.
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _read_rows(reader, file, languages, case_ids, default_audience, problems)
    except csv.Error as exc:          # a value longer than the csv module takes, ...
        problems.add(f"cannot be read as CSV: {exc}; export it again from the spreadsheet", file, reader.line_num)
        return []


def _read_rows(reader, file: Path, languages: tuple[str, ...], case_ids: list[str], default_audience: str,
               problems: Problems) -> list[Group]:
    header = [h.strip().lower() for h in next(reader)]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.add(f"missing column '{column}'; the header must include {','.join(REQUIRED_COLUMNS)}",
                         file, 1, column)
    for column in header:
        if column and column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            problems.add(f"unknown column '{column}'{did_you_mean(column, REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
                         file, 1, column)
    if any(column not in header for column in REQUIRED_COLUMNS):
        return []

    groups: list[Group] = []
    seen: dict[str, int] = {}
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num             # a quoted value may span lines
        line_no = end
        if not any(cell.strip() for cell in row):
            continue                                      # blank lines are harmless
        if start != end:
            # An unclosed quote swallows the lines after it into one value.
            problems.add('a value runs over several lines (is a quote " not closed?); put each group on '
                         'one line', file, start)
            continue
        if len(row) > len(header):
            problems.add(f"has {len(row)} values but the header has {len(header)} columns; "
                         "quote values that contain the separator", file, line_no)
            continue
        values = {key: _clean(row[i]) if i < len(row) else "" for i, key in enumerate(header)}
        before = len(problems.errors)
        gid = values["id"]
        if not gid:
            problems.add("empty id; give every group a short id (it names the PDF file)", file, line_no, "id")
        elif not _ID.match(gid):
            problems.add(f"id '{gid}' may use only letters, digits, '.', '_' and '-' (it names the PDF file)",
                         file, line_no, "id")
        elif gid.lower() in seen:
            problems.add(f"id '{gid}' is used twice (also on line {seen[gid.lower()]}); ids must be unique",
                         file, line_no, "id")
        else:
            seen[gid.lower()] = line_no
        if not values["name"]:
            problems.add("empty name; it is printed on every sheet", file, line_no, "name")
        lang = values["lang"]
        if lang not in languages:
            problems.add(f"language '{lang}' is not one of the campaign languages ({', '.join(languages)})"
                         + did_you_mean(lang, languages), file, line_no, "lang")
        sheets = _sheets(values["sheets"])
        if sheets is None:
            problems.add(f"sheets must be a whole number from 1 to {MAX_SHEETS}, not '{values['sheets']}'",
                         file, line_no, "sheets")
        cases = tuple(values.get("cases", "").replace(",", " ").split())
        for case in cases:
            if case not in case_ids:
                problems.add(f"no case '{case}'{did_you_mean(case, case_ids)}; 'w4r-kit list' shows them",
                             file, line_no, "cases")
        if len(set(cases)) != len(cases):
            problems.add("lists a case twice", file, line_no, "cases")
        audience = values.get("audience", "") or default_audience
        if audience not in AUDIENCES:
            problems.add(f"audience '{audience}' must be one of {', '.join(AUDIENCES)}", file, line_no, "audience")
        if len(problems.errors) == before:
            groups.append(Group(id=gid, name=values["name"], lang=lang, sheets=sheets, cases=cases,
                                audience=audience, contact=values.get("contact", ""), line=line_no, file=file))
    if not groups and not problems.errors:
        problems.add("lists no groups; add one line per group under the header", file, 2)
    return groups


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _sheets(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 1 <= number <= MAX_SHEETS else None
