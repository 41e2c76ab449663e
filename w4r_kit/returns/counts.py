"""Load and check stage for `returns add`: letters and signatures counted by hand.

One count from the command line or many from a CSV/XLSX file (columns `group`, optional
`case`, `letters`, `signatures`, `members`). Every bad row is named with its line; nothing
is recorded unless every row is right.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import KitError, Problems, did_you_mean
from ..results import HandCount
from .tables import read_table

COLUMNS = ("group", "case", "letters", "signatures", "members", "note")
ALIASES = {"group_id": "group", "case_id": "case", "letter": "letters", "signature": "signatures",
           "pupils": "members", "size": "members"}
MAX_COUNT = 1_000_000      # per row; more is a typo


@dataclass(frozen=True)
class Known:
    """What a count may refer to: the groups in the registry and the project's cases."""

    groups: dict[str, str]        # casefolded id -> id as issued
    cases: list[str]


def check_count(known: Known, group: str, case: str | None, letters: int | None, signatures: int | None,
                members: int | None, problems: Problems, file: Path | str | None = None, line: int = 0,
                fields: dict[str, str] | None = None) -> HandCount | None:
    """One count, checked; its problems carry `file`, `line` and the column they are in."""
    fields = fields or {"group": "--group", "case": "--case", "letters": "--letters",
                        "signatures": "--signatures", "members": "--members"}
    before = len(problems.errors)
    group_id = known.groups.get(group.casefold()) if group else None
    if not group:
        problems.add("no group given; use the group id printed on its sheets and return form", file, line,
                     fields["group"])
    elif group_id is None:
        problems.add(f"no group '{group}' was issued sheets{did_you_mean(group, known.groups.values())}; "
                     "'w4r-kit registry export' lists the groups", file, line, fields["group"])
    if case and case not in known.cases:
        problems.add(f"no case '{case}'{did_you_mean(case, known.cases)}; 'w4r-kit list' shows them",
                     file, line, fields["case"])
    if letters is None and signatures is None and members is None:
        problems.add("nothing to record; give letters, signatures or members", file, line, fields["letters"])
    if len(problems.errors) > before:
        return None
    return HandCount(group_id, case or None, letters or 0, signatures or 0, members or None)


def _number(text: str, column: str, problems: Problems, file: Path, line: int, label: str) -> int | None:
    if not text:
        return None
    try:
        value = int(text.replace("\u202f", "").replace(" ", ""))
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_COUNT:
        problems.add(f"'{text}' is not a count; write a whole number from 0 to {MAX_COUNT}", file, line, label)
        return None
    return value


def read_counts(file: Path, known: Known, root: Path | None = None) -> list[HandCount]:
    """Every count in the file, or KitError naming every bad row."""
    problems = Problems(root)
    table = read_table(file, problems, "a counts table with columns group, case, letters, signatures")
    if table is None:
        raise KitError(*problems.items)
    header = [ALIASES.get(h, h) for h in table.header]
    label = {ALIASES.get(h, h): table.labels[h] for h in table.header if h}
    if "group" not in header:
        problems.add("missing column 'group'; the header must name group and letters and/or signatures",
                     file, 1, "group")
    if not {"letters", "signatures", "members"} & set(header):
        problems.add("no column letters, signatures or members; nothing to record", file, 1)
    for h in table.header:
        if h and ALIASES.get(h, h) not in COLUMNS:
            problems.add(f"unknown column '{table.labels[h]}'{did_you_mean(h, COLUMNS)}; "
                         f"use {', '.join(COLUMNS)}", file, 1, table.labels[h])
    problems.raise_if_errors()
    counts = []
    for row in table.rows:
        values = {ALIASES.get(k, k): v for k, v in row.values.items()}
        numbers = {key: _number(values.get(key, ""), key, problems, file, row.line, label.get(key, key))
                   for key in ("letters", "signatures", "members")}
        if any(values.get(key) and numbers[key] is None for key in numbers):
            continue
        count = check_count(known, values.get("group", ""), values.get("case", ""), numbers["letters"],
                            numbers["signatures"], numbers["members"], problems, file, row.line,
                            {key: label.get(key, key) for key in COLUMNS})
        if count:
            counts.append(count)
    if not counts and not problems.errors:
        problems.add("lists no counts; add one line per group (and case) under the header", file, 2)
    problems.raise_if_errors()
    return counts


@dataclass(frozen=True)
class Added:
    counts: list[HandCount]
    source: str
    already: bool = False          # the same file was recorded before: nothing added

    def summary(self) -> str:
        if self.already:
            return f"{self.source} was recorded before; nothing added (counts from a file are recorded once)"
        letters = sum(c.letters for c in self.counts)
        signatures = sum(c.signatures for c in self.counts)
        groups = len({c.group_id for c in self.counts})
        from ..numbers import counted
        return (f"recorded {counted(len(self.counts), 'count')} for {counted(groups, 'group')}: "
                f"{counted(letters, 'letter')}, {counted(signatures, 'signature')}")


def record_counts(project, file: Path | None, group: str | None = None, case: str | None = None,
                  letters: int | None = None, signatures: int | None = None,
                  members: int | None = None) -> Added:
    """`returns add`: check every count, then record them all in one transaction."""
    import hashlib
    from ..load import load_project
    from ..registry import Registry
    from . import ledger
    kit = load_project(project, allow_incomplete=True)
    with Registry.open(project) as reg:
        known = Known(ledger.issued_groups(reg, kit.config), [c.id for c in kit.cases])
        if file is None:
            problems = Problems(project.root)
            count = check_count(known, group or "", case, letters, signatures, members, problems)
            problems.raise_if_errors()
            source = "hand"
            found = [count]
        else:
            found = read_counts(file, known, project.root)
            digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
            source = f"file {file.name} sha256:{digest}"
            if ledger.has_count_source(reg, kit.config, source):
                return Added([], file.name, already=True)
        ledger.add_counts(reg, kit.config, found, source)
    return Added(found, file.name if file else source)
