"""Load and attribute stage for `returns online`: the online petition's export.

One row per online signature. The sheet it came from is in the tracking parameters the
QR code carried ([petition] tracking in kit.toml, e.g. utm_content={group}-{sheet}):
either in columns of their own (utm_content) or inside a landing-page URL column. Each
row is matched against the tracked URLs of the sheets issued (the registry), so a
tracking value means exactly what was printed. Rows that match no sheet are counted as
unattributed, never dropped.

Each row has a fingerprint (its cells, and which repeat of identical cells it is), so
importing the same export again — or a later export that contains it — counts only the
rows not seen before.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..errors import KitError, Problems
from ..model import KitConfig
from .tables import Table, normalise, read_table

_PLACEHOLDER = re.compile(r"{(group|sheet|sheet_id)}")
URL_HINTS = ("landing", "url", "referrer", "referer", "source", "page", "link")
SAMPLE = 50          # rows looked at to recognise a URL column


@dataclass(frozen=True)
class SheetKey:
    """What the printed QR code of one issued sheet carries."""

    sheet_id: str
    group_id: str
    case: str
    page: str            # host + path of the petition, lowercase: tells cases apart


@dataclass(frozen=True)
class Attributed:
    line: int
    fingerprint: str
    group_id: str | None       # None: unattributed
    sheet_id: str | None       # None: the group is sure, the sheet is not (same code on two cases)
    case: str | None


@dataclass(frozen=True)
class OnlineImport:
    file: Path
    source: str                 # how the tracking was read: "column 'utm_content'" / "URLs in column 'Landing page'"
    rows: list[Attributed]

    @property
    def attributed(self) -> int:
        return sum(1 for r in self.rows if r.group_id)

    @property
    def unattributed(self) -> int:
        return sum(1 for r in self.rows if not r.group_id)


def tracking_keys(config: KitConfig) -> list[str]:
    """The tracking parameters whose value differs per group or sheet (normalised names)."""
    return [normalise(k) for k, template in config.petition.tracking.items() if _PLACEHOLDER.search(template)]


def sheet_keys(sheets) -> list[tuple[SheetKey, dict[str, str]]]:
    """(sheet, its tracking values) for every issued sheet, from its tracked URL."""
    out = []
    for s in sheets:
        parts = urlsplit(s.url)
        values = {normalise(k): v.casefold() for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        out.append((SheetKey(s.sheet_id, s.group_id, s.case, _page(s.url)), values))
    return out


def _page(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")).lower()


def _url_params(text: str) -> dict[str, str] | None:
    if "?" not in text and "=" not in text:
        return None
    query = urlsplit(text).query if "://" in text or text.startswith("/") or "?" in text else text
    return {normalise(k): v for k, v in parse_qsl(query, keep_blank_values=True)}


def _source(table: Table, keys: list[str], problems: Problems) -> tuple[str, list[str] | str] | None:
    """Where the tracking values are: columns named like the parameters, else a URL column."""
    columns = [k for k in keys if k in table.header]
    if columns:
        return "columns", columns
    best, best_hits = None, 0
    sample = table.rows[:SAMPLE]
    for name in table.header:
        hits = sum(1 for r in sample if (p := _url_params(r.values.get(name, ""))) and any(k in p for k in keys))
        hinted = any(h in name for h in URL_HINTS)
        if hits > best_hits or (hits and hits == best_hits and hinted):
            best, best_hits = name, hits
    if best:
        return "url", best
    wanted = ", ".join(keys) or "utm_content"
    problems.add(f"no column holds the tracking code: neither a column {wanted} nor a column of landing-page "
                 f"URLs with {wanted} in them; export the petition's signatures with their tracking or "
                 "landing URL", table.file, 1)
    return None


def attribute(config: KitConfig, table: Table, sheets) -> OnlineImport:
    """Every row of the export, attributed to a group and sheet where its code says so."""
    problems = Problems()
    keys = tracking_keys(config)
    if not keys:
        raise KitError(problems_with(table.file, "[petition] tracking has no parameter with {group}, {sheet} "
                                     "or {sheet_id}; online signatures cannot be traced to groups"))
    found = _source(table, keys, problems)
    if found is None:
        raise KitError(*problems.items)
    kind, where = found
    index: dict[tuple, list[tuple[SheetKey, dict[str, str]]]] = defaultdict(list)
    for sheet, values in sheet_keys(sheets):
        index[tuple(values.get(k, "") for k in keys)].append((sheet, values))
    # The parameters that are the same on every sheet of the campaign (utm_campaign=w4r-2024):
    # where a row carries one, it must agree, so last year's sheet "groupe-esch-1" is not this year's.
    fixed = [normalise(k) for k in config.petition.tracking if normalise(k) not in keys]
    fixed_columns = [k for k in fixed if k in table.header] if kind == "columns" else []

    seen: Counter[str] = Counter()
    rows = []
    for row in table.rows:
        digest = hashlib.blake2b("\x1f".join(f"{k}={row.values[k]}" for k in sorted(row.values)).encode(),
                                 digest_size=12).hexdigest()
        seen[digest] += 1
        fingerprint = f"{digest}.{seen[digest]}"       # identical rows are distinct signatures
        page = ""
        if kind == "columns":
            values = {k: row.values.get(k, "") for k in (*where, *fixed_columns)}
        else:
            text = row.values.get(where, "")
            values = _url_params(text) or {}
            page = _page(text) if "://" in text else ""
        key = tuple(values.get(k, "").strip().casefold() for k in keys)
        given = {k: values[k].strip().casefold() for k in fixed if values.get(k, "").strip()}
        candidates = [sheet for sheet, printed in (index.get(key, []) if any(key) else [])
                      if all(printed.get(k) == v for k, v in given.items())]
        if page:
            candidates = [c for c in candidates if c.page == page] or candidates
        groups = {c.group_id for c in candidates}
        if len(groups) != 1:
            rows.append(Attributed(row.line, fingerprint, None, None, None))
            continue
        cases = {c.case for c in candidates}
        rows.append(Attributed(row.line, fingerprint, groups.pop(),
                               candidates[0].sheet_id if len(candidates) == 1 else None,
                               cases.pop() if len(cases) == 1 else None))
    label = table.labels
    source = (f"column{'s' if len(where) > 1 else ''} " + ", ".join(f"'{label[w]}'" for w in where)
              if kind == "columns" else f"the URLs in column '{label[where]}'")
    return OnlineImport(table.file, source, rows)


def problems_with(file: Path, message: str):
    from ..errors import Problem
    return Problem(str(file), 0, "", message)


def read_export(config: KitConfig, file: Path, sheets, root: Path | None = None) -> OnlineImport:
    """Read the export (.csv or .xlsx) and attribute its rows; KitError if it cannot be read."""
    problems = Problems(root)
    table = read_table(file, problems, "the online petition's export")
    if table is None:
        raise KitError(*problems.items)
    if not table.rows:
        raise KitError(problems_with(file, "has a header but no signatures; export them again"))
    return attribute(config, table, sheets)


@dataclass(frozen=True)
class Imported:
    file: Path
    source: str
    rows: int
    new_attributed: int
    new_unattributed: int
    groups: int
    already: int                 # rows imported before (same export, or an earlier export it contains)

    def summary(self) -> str:
        from ..numbers import counted
        head = f"read {counted(self.rows, 'row')} of {self.file.name}; tracking code from {self.source}"
        if not self.new_attributed and not self.new_unattributed:
            every = "the row was" if self.already == 1 else f"all {self.already} rows were"
            return f"{head}\n{every} imported before; nothing added (no double counting)"
        lines = [head, f"added {counted(self.new_attributed, 'online signature')} for {counted(self.groups, 'group')}, "
                       f"{self.new_unattributed} unattributed (no known tracking code; counted as such)"]
        if self.already:
            lines.append(f"{counted(self.already, 'row')} {'was' if self.already == 1 else 'were'} imported before "
                         f"and {'is' if self.already == 1 else 'are'} not counted again")
        return "\n".join(lines)


def import_online(project, file: Path) -> Imported:
    """`returns online`: attribute every row, record the rows not imported before, in one transaction."""
    from ..load import load_project
    from ..registry import Registry
    from . import ledger
    kit = load_project(project, allow_incomplete=True)
    with Registry.open(project) as reg:
        result = read_export(kit.config, file, ledger.issued_sheets(reg, kit.config), project.root)
        seen = ledger.known_row_keys(reg, [r.fingerprint for r in result.rows])
        new = [r for r in result.rows if r.fingerprint not in seen]
        if new:
            ledger.add_online_rows(reg, kit.config, new, file.name)
    attributed = [r for r in new if r.group_id]
    return Imported(file, result.source, len(result.rows), len(attributed), len(new) - len(attributed),
                    len({r.group_id for r in attributed}), len(result.rows) - len(new))
