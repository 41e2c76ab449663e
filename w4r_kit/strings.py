"""Load stage: every printed word and date format of a language.

The package ships `data/strings/<lang>.yaml` for fr, en and lb; a project's
`letter_templates/<lang>/strings.yaml` overrides them key by key. A language
exists when one of the two files exists: adding one needs no code.
"""
from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .errors import Problems, did_you_mean
from .project import Project
from .yamlload import load_yaml

DATA = resources.files("w4r_kit") / "data"
REFERENCE_LANG = "en"          # the complete catalog every language is checked against


def default_catalog_file(lang: str) -> Path | None:
    path = Path(str(DATA / "strings" / f"{lang}.yaml"))
    return path if path.is_file() else None


@dataclass(frozen=True)
class Words:
    """The labels of one language; `get` fills in the placeholders."""

    lang: str
    texts: dict[str, str]
    where: dict[str, tuple[Path, int]] = field(default_factory=dict, compare=False, repr=False)
    """key -> (file, line) the text came from, for messages."""

    def get(self, key: str, **values: object) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    def date(self, day: dt.date) -> str:
        pattern = self.texts["date_format_day1"] if day.day == 1 else self.texts["date_format"]
        return format_date(day, pattern, locale=self.texts["locale"])


def _read_catalog(file: Path, problems: Problems, where: dict[str, tuple[Path, int]] | None = None
                  ) -> dict[str, str]:
    data = load_yaml(file, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add("must be a mapping of label keys to texts", file, 1)
        return {}
    if where is not None:
        where.update({str(key): (file, line) for key, line in data.lines.items()})
    out = {}
    for key, value in data.items():
        if not isinstance(key, str):
            problems.add(f"label key {key!r} is not a name (YAML reads yes/no/on/off as true/false); "
                         "put the key in quotes", file, data.lines.get(key, 0), str(key))
        elif not isinstance(value, str):
            problems.add(f"must be a text in quotes (YAML read {value!r})", file,
                         data.lines.get(key, 0), str(key))
        else:
            out[str(key)] = " ".join(value.split()) if "\n" in value else value.strip()
    return out


def load_words(project: Project, lang: str, problems: Problems) -> Words | None:
    """Merge the package catalog of `lang` with the project's; check keys and placeholders."""
    reference = _read_catalog(default_catalog_file(REFERENCE_LANG), problems)
    texts: dict[str, str] = {}
    where: dict[str, tuple[Path, int]] = {}
    default = default_catalog_file(lang)
    override = project.templates_dir / lang / "strings.yaml"
    if default:
        texts.update(_read_catalog(default, problems))
        # A package label is fixed in the project's file, so messages point there.
        where.update({key: (override, 0) for key in texts})
    if override.is_file():
        overrides = _read_catalog(override, problems, where)
        for key in overrides:
            if key not in reference:
                problems.add(f"unknown label '{key}'{did_you_mean(key, reference)}", override,
                             where.get(key, (override, 0))[1], key)
        texts.update(overrides)
    elif not default:
        problems.add(f"no printed words for language '{lang}'; copy letter_templates/en/strings.yaml "
                     f"(from 'w4r-kit init') to letter_templates/{lang}/strings.yaml and translate it",
                     override)
        return None
    missing = [key for key in reference if key not in texts]
    if missing:
        problems.add(f"labels missing for '{lang}': {', '.join(missing)}; add them",
                     override if override.is_file() else default)
    for key, text in texts.items():
        if key in reference and _fields(text) - _fields(reference[key]):
            extra = ", ".join(sorted(_fields(text) - _fields(reference[key])))
            problems.add(f"unknown placeholder {extra}; this label may use only "
                         f"{', '.join(sorted(_fields(reference[key]))) or 'none'}", *where[key], key)
    if "locale" in texts:
        try:
            Locale.parse(texts["locale"])
            for key in ("date_format", "date_format_day1"):
                format_date(dt.date(2026, 11, 22), texts.get(key, "long"), locale=texts["locale"])
        except (UnknownLocaleError, ValueError, TypeError) as exc:
            problems.add(f"locale/date_format not usable for dates: {exc}", *where["locale"], "locale")
    return Words(lang, texts, where) if not missing else None


def _fields(text: str) -> set[str]:
    try:
        # '{}' (no name) is reported too: it would fail when the label is filled in.
        return {name or "{}" for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}
