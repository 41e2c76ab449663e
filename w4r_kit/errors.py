"""Problems with a kit project's input, and the one exception that carries them.

Every loader collects `Problem`s for everything it can check, then raises one
`KitError`; the CLI prints each problem on its own line and exits 1.
"""
from __future__ import annotations

import difflib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

# Files in the order a section works through them: config first, then the cases,
# then templates and words; anything else (fonts, groups files, outputs) after.
_FILE_ORDER = ("kit.toml", "cases", "letter_templates")
MAX_LISTED_CHARACTERS = 8     # with their names; any further ones by code point only


def _one_line(text: str) -> str:
    """One line per problem whatever the input held: line breaks become spaces, other control
    characters (a terminal escape in a key) are shown escaped."""
    text = " ".join(text.splitlines())
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in text)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one of `choices` that `word` is a near miss of (a typo), if any."""
    by_folded = {str(c).casefold(): str(c) for c in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    if close:
        return by_folded[close[0]]
    # The start of a long id ('sebnem' for 'sebnem-korur-fincanci'), if it names only one.
    starting = [c for folded, c in by_folded.items() if len(word) >= 3 and folded.startswith(word.casefold())]
    return starting[0] if len(starting) == 1 else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for a near miss among `choices`, else ''."""
    match = closest(word, choices)
    return f"; did you mean '{match}'?" if match else ""


def describe_characters(chars: list[str]) -> str:
    """"'✓' (U+2713 CHECK MARK), ..." — invisible characters by code point and kind only."""
    shown = []
    for ch in chars[:MAX_LISTED_CHARACTERS]:
        name = unicodedata.name(ch, "")
        if unicodedata.category(ch)[0] in "CZ":       # control, format, unassigned, separators
            shown.append(f"U+{ord(ch):04X}" + (f" {name}" if name else " (an invisible control character)"))
        else:
            shown.append(f"'{ch}' (U+{ord(ch):04X}" + (f" {name})" if name else ")"))
    rest = " ".join(f"U+{ord(ch):04X}" for ch in chars[MAX_LISTED_CHARACTERS:])   # every one is named
    return ", ".join(shown) + (f", and {rest}" if rest else "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what to do about it."""

    file: str = ""        # relative to the project ("cases/x.yaml"), "" when global
    line: int = 0         # 1-based; 0 when unknown
    field: str = ""       # "addressee.title" or "[print] paper"
    message: str = ""     # what is wrong and what to do
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if where and self.line:
            where = f"{where}:{self.line}"
        field = self.field if self.field.strip() == self.field else repr(self.field)   # a key ' ' shows as ' '
        prefix = ": ".join(p for p in (where, field) if p)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return _one_line(f"warning: {text}" if self.warning else text)

    def sort_key(self) -> tuple:
        """kit.toml, then cases, then templates, each file top to bottom; messages are
        compared last so the order never depends on the order checks ran in."""
        head = self.file.split("/", 1)[0]
        rank = _FILE_ORDER.index(head) if head in _FILE_ORDER else len(_FILE_ORDER)
        return (rank, self.file, self.line, self.field, self.message, self.warning)


def ordered(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Problems without duplicates, in the stable order of `Problem.sort_key`."""
    return tuple(sorted(set(problems), key=Problem.sort_key))


class KitError(Exception):
    """Bad input. Carries every problem found; exit code 1."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = ordered(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # so a KitError raised in a worker process reaches the parent intact
        return (KitError, self.problems)


class Problems:
    """Collects problems while a loader walks its input; raises them all at once."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.items: list[Problem] = []

    def rel(self, path: Path | str | None) -> str:
        """A path as messages show it: relative to the project, normalised (no ./ or ..)."""
        if path is None or path == "":
            return ""
        path = Path(path)
        if self.root is not None:
            try:
                # A symbolic link is named where it is, not where it points.
                full = Path(os.path.abspath(path)) if path.is_symlink() else path.resolve()
                return full.relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return Path(os.path.normpath(path)).as_posix()

    def add(self, message: str, file: Path | str | None = None, line: int | None = 0,
            field: str = "", warning: bool = False) -> None:
        self.items.append(Problem(self.rel(file), line or 0, field, message, warning))

    def warn(self, message: str, file: Path | str | None = None, line: int | None = 0,
             field: str = "") -> None:
        self.add(message, file, line, field, warning=True)

    def extend(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise KitError(*self.items)
