"""Load stage: the groups file of a signature batch (SPEC §8 `signatures`; CSV or .xlsx,
read by `tables`), and the one check every group name goes through, whatever route it
comes by (`check_group_name`).

Columns `id,name,lang,sheets` are required, `cases`, `audience` and `contact`
optional. Every problem names the CSV line or sheet row it is on.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from .config import did_you_mean
from .errors import Problems, closest, describe_characters
from .model import AUDIENCES, Group
from .tables import read_table
from .tracking import SHEET_ID_LENGTH, slug, tracked_url

if TYPE_CHECKING:
    from .load import Kit

REQUIRED_COLUMNS = ("id", "name", "lang", "sheets")
OPTIONAL_COLUMNS = ("cases", "audience", "contact")
MAX_SHEETS = 1000              # per case and group; more is almost certainly a typo
MAX_ID = 40                    # it names a PDF file and goes into every tracked URL
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# A group name is printed in the footer of every signature sheet, before the sheet number
# and the sheet id, at FOOTER_PT between the machine code and the QR code. 40 characters of
# ordinary text fit there on A4 (the narrower paper) in fr, en and lb with "1000 / 1000" and
# the widest sheet id; wider letters are caught by measuring. Longer names would shrink the
# whole line, sheet id included.
MAX_GROUP_NAME = 40
_WIDEST_NUMBERS = {"k": 1000, "n": 1000, "sheet_id": "m" * SHEET_ID_LENGTH}
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp")     # control, format (bidi, zero-width), line separators


def check_group_name(name: str, kit: Kit, lang: str | None = None, *, tracked_by_name: bool = True) -> list[str]:
    """What is wrong with `name` as a group name printed on the sheets of `kit`; [] if fine.

    Every route that takes a group name (`case --group`, groups files, the web form) uses
    this: empty, invisible or undrawable characters, too long for the sheet footer at its
    normal size, and a tracked URL whose QR modules would fall under the scannable minimum
    (the URL carries the name's slug; `tracked_by_name=False` where it carries a separate
    id instead, as in a groups file, whose id goes through `check_tracking_value`).
    `lang`: the language the group's sheets are printed in (default: every loaded one).
    The caller adds where the name came from (file, line, field or form field).
    """
    from .load import cannot_draw
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        return ["empty; give the name to print on every signature sheet (a class, a school, a local group)"]
    messages = []
    invisible = list(dict.fromkeys(ch for ch in text if unicodedata.category(ch) in _INVISIBLE))
    if invisible:
        one = len(invisible) == 1
        messages.append(f"contains {describe_characters(invisible)}, which {'prints' if one else 'print'} as "
                        f"nothing; remove {'it' if one else 'them'}")
    missing = [ch for ch in kit.fonts.missing(text) if ch not in invisible]
    if missing:
        messages.append(cannot_draw(missing))
    if len(text) > MAX_GROUP_NAME:
        messages.append(f"is {len(text)} characters long; a group name has at most {MAX_GROUP_NAME} (it is "
                        "printed before the sheet number and id in the footer of every sheet); shorten it")
    else:
        wide = _too_wide(text, kit, lang)
        if wide:
            # Lower case is worth suggesting only where it is a fix: capitals that make the difference.
            lower = ", or write it in lower case" if not _too_wide(text.lower(), kit, lang) else ""
            messages.append(f"is too wide for the footer of the signature sheets at its normal size ({wide:.0%} "
                            f"of the room); shorten it{lower}")
    if tracked_by_name:
        # Of a name too long anyway, only what would still fail once shortened is worth saying.
        messages += check_tracking_value(slug(text[:MAX_GROUP_NAME]), kit, "the name")
    return messages


def _too_wide(text: str, kit: Kit, lang: str | None) -> float:
    """0 if the footer line with this group name keeps its normal size, else its width / room."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from .layout.grid import PAPER_SIZES, Geometry
    from .layout.text import typeset
    from .layout.signature_sheet import FOOTER_PT, footer_room
    room = min(footer_room(Geometry(paper)) for paper in PAPER_SIZES)
    langs = [lang] if lang in kit.words else sorted(kit.words)
    widest = max((stringWidth(kit.words[code].get("sheet_footer", group=typeset(text, kit.words[code].typography),
                                                  **_WIDEST_NUMBERS), kit.fonts.bold, FOOTER_PT) for code in langs),
                 default=0.0)      # no words loaded: the group's language is not the campaign's (reported)
    return widest / room if widest > room else 0.0


def check_tracking_value(value: str, kit: Kit, what: str) -> list[str]:
    """The QR code of every sheet, with `value` as its {group} tracking value, keeps modules
    >= QR_MIN_MODULE_MM at the printed size. `what` names the culprit ("the name", "the id")."""
    from .load import QR_MIN_MODULE_MM, QR_PRINTED_MM

    def modules(length: int) -> int:
        # Group values (ids, slugs) are URL-safe, so only their length matters.
        return max((_symbol_size(kit, case.petition_url, case.id, length) for case in kit.cases), default=0)

    worst = modules(len(value))
    if not worst or QR_PRINTED_MM / worst >= QR_MIN_MODULE_MM:
        return []
    fits = len(value) - 1
    while fits > 0 and QR_PRINTED_MM / modules(fits) < QR_MIN_MODULE_MM:
        fits -= 1
    hint = f"shorten {what} to at most {fits} characters" if what == "the id" else \
        f"shorten {what}: in the URL it is '{value}' ({len(value)} characters), which may have at most {fits}"
    return [f"makes the tracked URL need a {worst}×{worst} QR code: {QR_PRINTED_MM / worst:.3f} mm modules at "
            f"{QR_PRINTED_MM} mm, below the {QR_MIN_MODULE_MM} mm that scans reliably; {hint}"]


def _symbol_size(kit: Kit, petition_url: str, case_id: str, length: int) -> int:
    """QR modules per side for the longest URL a sheet can carry with a group value this long."""
    from . import qr
    lang = max(kit.config.campaign.languages, key=len)
    url = tracked_url(kit.config, petition_url, case=case_id, lang=lang, group="g" * length, sheet="99999",
                      sheet_id="x" * SHEET_ID_LENGTH)
    try:
        return qr.symbol_size(url)
    except ValueError:
        return 10_000            # no QR version holds it: as good as unreadable


def languages_used(file: Path) -> set[str] | None:
    """The languages the groups of `file` ask for (None if it cannot be read yet: its problems
    are reported when it is loaded)."""
    table = read_table(file, Problems())
    header = [h.lower() for h in table.header] if table is not None else []
    if "lang" not in header:
        return None
    at = header.index("lang")
    return {_clean(row.cells[at]) for row in table.rows if at < len(row.cells)}


def load_groups(file: Path, languages: tuple[str, ...], case_ids: list[str], default_audience: str,
                problems: Problems, kit: Kit | None = None, ignore_extra_columns: bool = False) -> list[Group]:
    """Read and check the groups file (CSV or .xlsx); every problem goes to `problems` with its
    line (CSV) or row (xlsx).

    With `kit`, names and ids also go through `check_group_name` and `check_tracking_value`.
    With `ignore_extra_columns`, unknown columns are listed in one warning instead of refused.
    """
    table = read_table(file, problems)
    if table is None:
        return []
    header = [h.lower() for h in table.header]
    allowed = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    extra = [column for column in header if column and column not in allowed]
    misspelt = {closest(column, allowed) for column in extra}     # one mistake, one message
    for column in REQUIRED_COLUMNS:
        if column not in header and column not in misspelt:
            problems.add(f"missing column '{column}'; the header must include {','.join(REQUIRED_COLUMNS)}",
                         file, 1, column)
    if extra and ignore_extra_columns and not misspelt & set(REQUIRED_COLUMNS):
        problems.warn(f"column{'s' if len(extra) > 1 else ''} {', '.join(repr(c) for c in extra)} ignored "
                      "(--ignore-extra-columns)", file, 1)
    elif extra:
        for column in extra:
            problems.add(f"unknown column '{column}'{did_you_mean(column, allowed)}; the columns are "
                         f"{', '.join(allowed)} (or run with --ignore-extra-columns)", file, 1, column)
    if any(column not in header for column in REQUIRED_COLUMNS) or (extra and not ignore_extra_columns):
        return []

    groups: list[Group] = []
    seen: dict[str, int] = {}
    for table_row in table.rows:
        row, line_no = table_row.cells, table_row.line
        if table_row.reported or not any(cell.strip() for cell in row):
            continue                                      # blank lines are harmless
        if table_row.line != table_row.end:
            # An unclosed quote swallows the lines after it into one value.
            problems.add('a value runs over several lines (is a quote " not closed?); put each group on '
                         'one line', file, line_no)
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            problems.add(f"has {len(row)} values but the header has {len(header)} columns; "
                         "quote values that contain the separator", file, line_no)
            continue
        values = {key: _clean(row[i]) if i < len(row) else "" for i, key in enumerate(header) if key}
        before = len(problems.errors)
        gid = values["id"]
        if not gid:
            problems.add("empty id; give every group a short id (it names the PDF file)", file, line_no, "id")
        elif not _ID.match(gid):
            problems.add(f"id '{gid}' may use only letters, digits, '.', '_' and '-' (it names the PDF file)",
                         file, line_no, "id")
        elif len(gid) > MAX_ID:
            problems.add(f"id '{gid[:MAX_ID]}…' is {len(gid)} characters long; ids have at most {MAX_ID} "
                         "(it names the PDF file and goes into every QR code's URL)", file, line_no, "id")
        elif gid.lower() in seen:
            problems.add(f"id '{gid}' is used twice (also on line {seen[gid.lower()]}); ids must be unique",
                         file, line_no, "id")
        else:
            seen[gid.lower()] = line_no
            if kit is not None:
                for message in check_tracking_value(gid, kit, "the id"):
                    problems.add(message, file, line_no, "id")
        if kit is not None:
            for message in check_group_name(values["name"], kit, values["lang"], tracked_by_name=False):
                problems.add(message, file, line_no, "name")
            missing = kit.fonts.missing(values.get("contact", ""))
            if missing:
                from .load import cannot_draw
                problems.add(cannot_draw(missing), file, line_no, "contact")
        elif not values["name"]:
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
