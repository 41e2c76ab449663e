"""Load stage: successes.yaml -> Success, the examples of successful actions (SPEC §13).

The file is optional; it is a list, newest first, of entries such as

    - year: 2023
      name: Rita Karassartova
      country: {fr: Kirghizistan, en: Kyrgyzstan, lb: Kirgisistan}
      outcome: {fr: "...", en: "...", lb: "..."}     # what happened
      actions: 400000                                # optional
      actions_qualifier: more_than                   # optional: exact, more_than, about, nearly
      quote: {fr: "...", en: "...", lb: "..."}       # optional
      photo: successes/rita.jpg                      # optional, relative to the project
      photo_credit: "© Amnesty International"        # required with a photo

Every problem is reported with the file, the line and the field.
"""
from __future__ import annotations

from pathlib import Path

from .cases import PHOTO_TYPES, field_lines, nfc, one_line
from .errors import Problems, closest, did_you_mean
from .model import ACTIONS_QUALIFIERS, Success
from .project import Project, inside
from .yamlload import LineDict, load_yaml, yaml_kind

SUCCESS_KEYS = ("year", "name", "country", "outcome", "actions", "actions_qualifier", "quote", "photo",
                "photo_credit")
TRANSLATED = ("country", "outcome")
OPTIONAL_TRANSLATED = ("quote",)
FILE_NAME = "successes.yaml"


def successes_file(project: Project) -> Path:
    return project.root / FILE_NAME


def load_successes(project: Project, problems: Problems, languages: list[str]) -> list[Success]:
    """The entries of successes.yaml (none when the file does not exist)."""
    file = successes_file(project)
    if not file.exists():
        return []
    before = len(problems.errors)
    data = load_yaml(file, problems)
    if len(problems.errors) > before:
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add("must be a list of successes, each starting with '- year: ...'", file, 1)
        return []
    out = []
    for index, entry in enumerate(data, 1):
        success = _entry(project, file, index, entry, problems, languages)
        if success is not None:
            out.append(success)
    return out


def _entry(project: Project, file: Path, index: int, raw: object, problems: Problems,
           languages: list[str]) -> Success | None:
    if not isinstance(raw, LineDict):
        problems.add(f"entry {index} must be a mapping (year: ..., name: ..., ...)", file, 0, f"[{index}]")
        return None
    before = len(problems.errors)
    lines = raw.lines

    def error(key: str, message: str, line: int | None = None) -> None:
        problems.add(message, file, line or lines.get(key, raw.line), key)

    misspelt = set()
    for key in raw:
        if key not in SUCCESS_KEYS:
            match = closest(str(key), (k for k in SUCCESS_KEYS if k not in raw))
            if match:
                misspelt.add(match)
            error(str(key), f"unknown field '{key}'{did_you_mean(str(key), SUCCESS_KEYS)}")

    def missing(key: str, example: str) -> None:
        if key not in misspelt:
            error(key, f"missing; add '{key}: {example}'", raw.line)

    year = raw.get("year")
    if year is None:
        missing("year", "2023")
    elif isinstance(year, bool) or not isinstance(year, int) or not 1961 <= year <= 2100:
        error("year", f"must be a year such as 2023, not {_read(year)}")

    def translations(key: str, required: bool) -> dict[str, str]:
        value = raw.get(key)
        if value is None:
            if required:
                missing(key, "{fr: ..., en: ..., lb: ...}")
            return {}
        if isinstance(value, str) and key == "name":        # a name is the same in every language
            return {lang: one_line(value) for lang in languages}
        if not isinstance(value, dict):
            error(key, "must map each language to its text, e.g. {fr: ..., en: ..., lb: ...}")
            return {}
        texts = {}
        for lang, text in value.items():
            if isinstance(text, str) and text.strip():
                texts[str(lang)] = nfc(text) if key == "outcome" else one_line(text)
            elif text is not None:
                error(f"{key}.{lang}", "must be a text; put it in quotes", value.lines.get(lang))
        for lang in languages:
            if lang not in texts:
                error(key, f"no text for '{lang}'; add it")
        return texts

    name = translations("name", True)
    texts = {key: translations(key, True) for key in TRANSLATED}
    quote = translations("quote", False)

    actions = raw.get("actions")
    if actions is not None and (isinstance(actions, bool) or not isinstance(actions, int) or actions < 1):
        error("actions", f"must be a whole number of actions such as 400000 (no spaces or dots), not {_read(actions)}")
        actions = None
    qualifier = raw.get("actions_qualifier", "exact")
    if qualifier not in ACTIONS_QUALIFIERS:
        error("actions_qualifier", f"'{qualifier}' is not one of {', '.join(ACTIONS_QUALIFIERS)}"
              + did_you_mean(str(qualifier), ACTIONS_QUALIFIERS))
        qualifier = "exact"
    elif "actions_qualifier" in raw and actions is None and "actions" not in raw:
        error("actions_qualifier", "qualifies no number; add 'actions: ...' or remove it")

    photo = None
    value = raw.get("photo")
    credit = raw.get("photo_credit", "")
    if credit and not isinstance(credit, str):
        error("photo_credit", "must be a text; put it in quotes")
        credit = ""
    if value is not None:
        if not isinstance(value, str):
            error("photo", "must be a file name in quotes")
        else:
            photo, why = inside(project.root, file.parent, value)
            if photo is None:
                error("photo", why)
            elif photo.suffix.lower() not in PHOTO_TYPES:
                error("photo", f"'{value}' must be a JPEG or PNG image")
                photo = None
            if not credit:
                error("photo", "a photo needs a credit; add photo_credit: \"© ...\"")
    if len(problems.errors) > before:
        return None
    return Success(year=year, name=name, country=texts["country"], outcome=texts["outcome"], actions=actions,
                   actions_qualifier=qualifier, quote=quote, photo=photo, photo_credit=one_line(credit or ""),
                   line=raw.line, lines=field_lines(raw), shared_name=isinstance(raw.get("name"), str))


def _read(value: object) -> str:
    """A value as its writer sees it: 'abc' for a text, 'a date (2023-01-01)' for what YAML took as one."""
    return f"'{value}'" if isinstance(value, str) else yaml_kind(value)
