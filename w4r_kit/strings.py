"""Load stage: every printed word and date format of a language.

The package ships `data/strings/<lang>.yaml` for fr, en and lb; a project's
`letter_templates/<lang>/strings.yaml` overrides them key by key. A language
exists when one of the two files exists: adding one needs no code.
"""
from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .config import did_you_mean
from .errors import Problems
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

    def get(self, key: str, **values: object) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    def date(self, day: dt.date) -> str:
        pattern = self.texts["date_format_day1"] if day.day == 1 else self.texts["date_format"]
        return format_date(day, pattern, locale=self.texts["locale"])


def _read_catalog(file: Path, problems: Problems) -> dict[str, str]:
    data = load_yaml(file, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add("must be a mapping of label keys to texts", file, 1)
        return {}
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
    default = default_catalog_file(lang)
    if default:
        texts.update(_read_catalog(default, problems))
    override = project.templates_dir / lang / "strings.yaml"
    if override.is_file():
        overrides = _read_catalog(override, problems)
        for key in overrides:
            if key not in reference:
                problems.add(f"unknown label '{key}'{did_you_mean(key, reference)}", override, 0, key)
        texts.update(overrides)
    elif not default:
        problems.add(f"no printed words for language '{lang}'; copy letter_templates/en/strings.yaml "
                     f"(from 'w4r-kit init') to letter_templates/{lang}/strings.yaml and translate it",
                     override)
        return None
    where = override if override.is_file() else default
    missing = [key for key in reference if key not in texts]
    if missing:
        problems.add(f"labels missing for '{lang}': {', '.join(missing)}; add them", where)
    for key, text in texts.items():
        if key in reference and _fields(text) - _fields(reference[key]):
            extra = ", ".join(sorted(_fields(text) - _fields(reference[key])))
            problems.add(f"unknown placeholder {extra}; this label may use only "
                         f"{', '.join(sorted(_fields(reference[key]))) or 'none'}", where, 0, key)
    if "locale" in texts:
        try:
            Locale.parse(texts["locale"])
            format_date(dt.date(2026, 11, 22), texts.get("date_format", "long"), locale=texts["locale"])
        except (UnknownLocaleError, ValueError) as exc:
            problems.add(f"locale/date_format not usable for dates: {exc}", where, 0, "locale")
    return Words(lang, texts) if not missing else None


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}
