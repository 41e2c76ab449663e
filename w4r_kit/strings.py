"""Load stage: every printed word and date format of a language.

The package ships `data/strings/<lang>.yaml` for fr, en and lb; a project's
`letter_templates/<lang>/strings.yaml` overrides them key by key. A language
exists when one of the two files exists: adding one needs no code.
"""
from __future__ import annotations

import datetime as dt
import string
import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path

import pyphen
from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .errors import Problems, closest, did_you_mean
from .project import Project, link_out
from .typography import Typography
from .yamlload import load_yaml, yaml_kind

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
        if "," in text:                 # an ICU-style {n, plural, ...} or {x, select, ...}
            text = expand_choices(text, values, self.plural)
        return text.format(**values) if values else text

    def plural(self, number: object) -> str:
        """The CLDR plural category ('one', 'few', 'other') of `number` in this language."""
        return plural_rule(self.texts.get("locale", "") or self.lang)(number)

    @cached_property
    def pronouns(self) -> tuple[str, ...]:
        """The pronouns its {pronoun, select, ...} choices name (besides 'other')."""
        names = {option for text in self.texts.values() for _, end, name, _, options in _choices(text)
                 if end is not None and name == "pronoun" for option in options}
        return tuple(sorted(names - {"other"}))

    @cached_property
    def typography(self) -> Typography:
        return Typography.of(self.texts)

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
            problems.add(f"must be a text, but YAML read {yaml_kind(value)}; put the text in quotes", file,
                         data.lines.get(key, 0), str(key))
        else:
            out[str(key)] = " ".join(value.split()) if "\n" in value else value.strip()
    return out


# Placeholders a translation may leave out; every other placeholder of the reference text
# carries something the system relies on (the sheet id that matches a returned sheet, the
# date and address to send sheets back to, the e-mail for data requests) and is required.
OPTIONAL_PLACEHOLDERS = {"kit_title": {"year"}, "doc_subject": {"year", "section"},
                         "contact_line": {"website"}, "sheet_footer": {"group", "k", "n"}}
# Texts about a case may choose their words by the case's pronoun ({pronoun, select, ...})
# or by whether it is one person or a group ({subject, select, person {...} group {...}}).
CASE_PLACEHOLDERS = {"pronoun", "subject"}
CASE_KEYS = ("story_title", "continued", "ask_title", "solidarity_title", "card_line")


_package_catalogs: dict[tuple[Path, int], dict[str, str]] = {}


def _read_package_catalog(file: Path, problems: Problems) -> dict[str, str]:
    """A catalog shipped with the package: read once per process (a server, a test run and
    every load of a project read the same files), a copy handed out each time."""
    key = (file, file.stat().st_mtime_ns)
    if key not in _package_catalogs:
        before = len(problems.items)
        texts = _read_catalog(file, problems)
        if len(problems.items) > before:       # a damaged installation: say so every time
            return texts
        _package_catalogs[key] = texts
    return dict(_package_catalogs[key])


def load_words(project: Project, lang: str, problems: Problems) -> Words | None:
    """Merge the package catalog of `lang` with the project's; check keys and placeholders."""
    reference = _read_package_catalog(default_catalog_file(REFERENCE_LANG), problems)
    texts: dict[str, str] = {}
    where: dict[str, tuple[Path, int]] = {}
    default = default_catalog_file(lang)
    override = project.templates_dir / lang / "strings.yaml"
    if override.is_file() and (link := link_out(project.root, override)):
        problems.add(link, override)     # read from nowhere outside the project (see project.link_out)
        return None
    present: set[str] = set()          # keys written in a file, valid or not
    if default:
        texts.update(_read_package_catalog(default, problems))
        # A package label is fixed in the project's file, so messages point there.
        where.update({key: (override, 0) for key in texts})
    if override.is_file():
        overrides = _read_catalog(override, problems, where)
        present = {key for key in where if where[key][1]}
        tags = _plural_tags({**texts, **overrides}.get("locale", ""))
        for key in present:
            if key not in reference and _plural_of(key, reference) is None:
                problems.add(f"unknown label '{key}'{did_you_mean(key, reference)}", override,
                             where.get(key, (override, 0))[1], key)
            elif key not in reference and tags is not None and key.rpartition("_")[2] not in tags:
                base = _plural_of(key, reference)
                problems.add(f"'{key.rpartition('_')[2]}' is not a plural category of this language; its forms of "
                             f"'{base}' are {', '.join(f'{base}_{tag}' for tag in _ordered(tags))}", override,
                             where.get(key, (override, 0))[1], key)
        texts.update(overrides)
    elif not default:
        problems.add(f"no printed words for language '{lang}'; copy letter_templates/en/strings.yaml "
                     f"(from 'w4r-kit init') to letter_templates/{lang}/strings.yaml and translate it",
                     override)
        return None
    # A key that is there but unusable (`choice_no: No`) is reported as that, not also as missing.
    tags = _plural_tags(texts.get("locale", ""))
    # A language without a 'one' form (Japanese, Chinese …) writes only `<key>_other`.
    missing = [key for key in reference if key not in texts and key not in present
               and not (tags is not None and _plural_of(key, reference) and key.rpartition("_")[2] not in tags)]
    if missing:
        problems.add(f"labels missing for '{lang}': {', '.join(missing)}; add them",
                     override if override.is_file() else default)
    locale = texts.get("locale", "")
    for key, text in texts.items():
        if key not in reference and _plural_of(key, reference) is None:
            continue
        place = where.get(key, (override, 0))
        model = reference.get(key) or reference[f"{_plural_of(key, reference)}_other"]
        choice_problems = _choice_problems(text, tags)
        for message in choice_problems:
            problems.add(message, *place, key)
        if any("does not close" in message for message in choice_problems):
            continue                 # one mistake, one message: the placeholders cannot be read
        allowed = _fields(model, None) | (CASE_PLACEHOLDERS if key in CASE_KEYS else set())
        used = _fields(text, None)
        unknown = sorted(used - allowed)
        # {sheetid} for {sheet_id} is one mistake: the unknown placeholder with a did-you-mean,
        # not also "must keep {sheet_id}".
        meant = {name: closest(name, sorted(allowed - used)) for name in unknown}
        if len(unknown) == 1 and meant[unknown[0]]:
            problems.add(f"unknown placeholder {_shown(unknown[0])}; did you mean {_shown(meant[unknown[0]])}?",
                         *place, key)
        elif unknown:
            extra = ", ".join(_shown(name) + (f" (did you mean {_shown(meant[name])}?)" if meant[name] else "")
                              for name in unknown)
            problems.add(f"unknown placeholder{'s' if len(unknown) > 1 else ''} {extra}; this label may use only "
                         f"{', '.join(_shown(name) for name in sorted(allowed)) or 'none'}", *place, key)
        needed = _fields(model, None) - CASE_PLACEHOLDERS - OPTIONAL_PLACEHOLDERS.get(key, set())
        needed -= set(meant.values())
        if needed - used:
            lost = ", ".join(f"{{{name}}}" for name in sorted(needed - used))
            problems.add(f"must keep {lost}: the tool fills in what {'it stands' if len(needed - used) == 1 else 'they stand'} "
                         f"for (in English: \"{_short(model, lost)}\")", *place, key)
    for key, message in Typography.problems(texts).items():
        problems.add(message, *where.get(key, (override, 0)), key)
    _check_hyphenation(texts, where.get("hyphenation", (override, 0)), problems)
    if locale:
        try:
            Locale.parse(locale)
            for key in ("date_format", "date_format_day1"):
                format_date(dt.date(2026, 11, 22), texts.get(key, "long"), locale=locale)
        except (UnknownLocaleError, ValueError, TypeError) as exc:
            problems.add(f"locale/date_format not usable for dates: {exc}", *where["locale"], "locale")
    return Words(lang, texts, where) if not missing else None


def _shown(name: str) -> str:
    """A placeholder as it is written: {sheet_id} ('{}' and '<unbalanced braces>' as they are)."""
    return name if name.startswith(("{", "<")) else f"{{{name}}}"


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")   # CLDR, in CLDR's order


def _plural_of(key: str, reference: dict[str, str]) -> str | None:
    """'results_groups' for 'results_groups_few': a plural form (`<key>_<CLDR category>`) of a key
    the reference writes as `<key>_one` / `<key>_other`, whatever the language's categories."""
    base, _, category = key.rpartition("_")
    return base if category in PLURAL_CATEGORIES and f"{base}_other" in reference else None


def _ordered(tags: frozenset[str]) -> list[str]:
    return [tag for tag in PLURAL_CATEGORIES if tag in tags]


def _short(text: str, around: str, room: int = 90) -> str:
    """`text`, or the part of it around the first of the `around` placeholders when it is long."""
    if len(text) <= room:
        return text
    at = max(0, text.find(around.split(",")[0]) - room // 2)
    part = text[at:at + room]
    return ("…" if at else "") + part + ("…" if at + room < len(text) else "")


def _check_hyphenation(texts: dict[str, str], place: tuple[Path, int], problems: Problems) -> None:
    """A dictionary pyphen lacks would end every layout in a KeyError: name the ones there are."""
    value = texts.get("hyphenation", "")
    if value and pyphen.language_fallback(value.replace("-", "_")) is None:
        names = sorted(pyphen.LANGUAGES)
        problems.add(f"no hyphenation dictionary '{value}'; use one of "
                     f"{', '.join(names)}, or \"\" for none (text set ragged-right)", *place, "hyphenation")


def package_typography(lang: str) -> Typography:
    """The typography of the package's words for `lang` (English rules for a language it lacks)."""
    return _package_typography(lang.split("_")[0].split("-")[0])


@cache
def _package_typography(lang: str) -> Typography:
    file = default_catalog_file(lang) or default_catalog_file(REFERENCE_LANG)
    return Typography.of(_read_catalog(file, Problems()))


def project_typography(project: Project, lang: str) -> Typography:
    """The typography of `lang` as the project prints it, for a language whose words the kit
    did not load (a solidarity line in a language the person reads): the project's words file
    of `lang` over the package's (English rules for a language neither has)."""
    file = project.templates_dir / lang / "strings.yaml"
    if not file.is_file():
        return package_typography(lang)
    return _file_typography(lang.split("_")[0].split("-")[0], str(file), file.stat().st_mtime_ns)


@cache
def _file_typography(lang: str, file: str, _mtime: int) -> Typography:
    texts = _read_catalog(default_catalog_file(lang) or default_catalog_file(REFERENCE_LANG), Problems())
    texts.update(_read_catalog(Path(file), Problems()))
    return Typography.of(texts)


# --------------------------------------------------------------------------- plural and select

_CHOICE = re.compile(r"\{\s*(\w+)\s*,\s*(plural|select)\s*,")
_OPTION = re.compile(r"\s*(=?[\w-]+)\s*\{")


def _choices(text: str):
    """Yield (start, end, name, kind, {option: body}) for each top-level ICU-style choice;
    (start, None, ...) for one whose braces do not close."""
    pos = 0
    while (m := _CHOICE.search(text, pos)) is not None:
        options: dict[str, str] = {}
        i = m.end()
        while True:
            opt = _OPTION.match(text, i)
            if opt is None:
                break
            depth, j = 1, opt.end()
            while j < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            if depth:
                yield m.start(), None, m[1], m[2], options
                return
            options[opt[1]] = text[opt.end():j - 1]
            i = j
        close = re.match(r"\s*\}", text[i:])
        if close is None:
            yield m.start(), None, m[1], m[2], options
            return
        yield m.start(), i + close.end(), m[1], m[2], options
        pos = i + close.end()


def expand_choices(text: str, values: dict[str, object], plural) -> str:
    """Replace each {n, plural, one {# sheet} other {# sheets}} and {x, select, a {...} other {...}}
    by the option that fits `values` ('#' is the number); other placeholders stay for format()."""
    out, last = [], 0
    for start, end, name, kind, options in list(_choices(text)):
        if end is None:
            break
        value = values.get(name, "")
        if kind == "plural":
            exact = f"={int(value)}" if isinstance(value, int) else f"={value}"
            body = options.get(exact) or options.get(plural(value)) or options.get("other", "")
            body = body.replace("#", format(value, ""))
        else:
            body = options.get(str(value), options.get("other", ""))
        out += [text[last:start], expand_choices(body, values, plural)]
        last = end
    return "".join(out) + text[last:]


def _choice_problems(text: str, tags: frozenset[str] | None) -> list[str]:
    out = []
    for _, end, name, kind, options in _choices(text):
        if end is None:
            out.append(f"the {{{name}, {kind}, ...}} choice does not close: every option needs its "
                       "text in { } and the choice a final }")
            continue
        if "other" not in options:
            out.append(f"{{{name}, {kind}, ...}} needs an 'other {{...}}' option")
        if kind == "plural" and tags is not None:
            wrong = [o for o in options if not o.startswith("=") and o not in tags]
            if wrong:
                out.append(f"{{{name}, plural, ...}}: {', '.join(wrong)} is not a plural category of this "
                           f"language; use {', '.join(sorted(tags))} (or =0, =1 for exact numbers)")
    return out


def _plural_tags(locale: str) -> frozenset[str] | None:
    try:
        return frozenset(Locale.parse(locale).plural_form.tags | {"other"}) if locale else None
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def plural_rule(locale: str):
    """CLDR's plural rule of `locale` (a function: number -> 'one', 'few', 'other' …)."""
    try:
        return Locale.parse(locale).plural_form
    except (UnknownLocaleError, ValueError, TypeError):
        return lambda n: "one" if n == 1 else "other"


def _fields(text: str, _: object = None) -> set[str]:
    """The placeholder names of a text, those inside and of plural/select choices included."""
    return set(_fields_of(text))


@lru_cache(maxsize=8192)            # every load checks the same package texts again
def _fields_of(text: str) -> frozenset[str]:
    names: set[str] = set()
    rest, last = [], 0
    for start, end, name, _kind, options in list(_choices(text)):
        if end is None:
            break
        names.add(name)
        for body in options.values():
            names |= _fields(body)
        rest.append(text[last:start])
        last = end
    rest.append(text[last:])
    try:
        # '{}' (no name) is reported too: it would fail when the label is filled in.
        names |= {n or "{}" for _, n, _, _ in string.Formatter().parse("".join(rest)) if n is not None}
    except ValueError:
        names.add("<unbalanced braces>")
    return frozenset(names)
