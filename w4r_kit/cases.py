"""Load stage: cases/*.yaml -> Case, with the line of every field kept for messages."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Problems, closest, did_you_mean
from .model import SUBJECTS, Addressee, Case, Solidarity
from .project import Project, inside
from .yamlload import LineDict, load_yaml, yaml_kind

TRANSLATED = ("country", "theme", "headline", "story", "ask")
CASE_KEYS = ("id", "name", "name_in_text", "subject", "pronouns", *TRANSLATED, "photo", "photo_credit", "addressee", "solidarity",
             "petition_url")
REQUIRED = ("id", "name", *TRANSLATED, "addressee", "petition_url")
ADDRESSEE_KEYS = ("name", "title", "address", "salutation", "email")
SOLIDARITY_KEYS = ("address", "note", "guidance", "cards", "message")
PHOTO_TYPES = (".jpg", ".jpeg", ".png")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def nfc(text: str) -> str:
    """Normalise to NFC: decomposed accents (NFD) would be drawn misplaced."""
    return unicodedata.normalize("NFC", text).strip()


_BREAKS = re.compile(r"[ \t]*[\n\r\t\v\f\x1c-\x1f\x85\u2028\u2029]+[ \t]*")


def one_line(text: str) -> str:
    """NFC, with line breaks as spaces: a one-line field prints on one line (a break drawn
    inside a line would print as nothing, gluing the words together)."""
    return _BREAKS.sub(" ", nfc(text))


class _CaseReader:
    def __init__(self, problems: Problems, file: Path, languages: tuple[str, ...] = ()) -> None:
        self.p, self.file, self.languages = problems, file, languages
        self.misspelt: set[tuple[int, str]] = set()
        """(mapping, field) pairs already reported as a typo ('headlin: ...')."""
        self.bad: set[str] = set()
        """Fields with a problem reported (or misspelt): nothing more is said about them."""

    def error(self, data: LineDict, key: str, field: str, message: str) -> None:
        line = getattr(data, "lines", {}).get(key, getattr(data, "line", 0))
        self.bad.add(field)
        self.p.add(message, self.file, line, field)

    def missing(self, data: LineDict, key: str, field: str, message: str) -> None:
        # 'headlin: ...' is one problem, reported as the typo; not also as a missing 'headline'.
        self.bad.add(field)
        if (id(data), key) not in self.misspelt:
            self.error(data, key, field, message)

    def check_keys(self, data: LineDict, allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                match = closest(str(key), (k for k in allowed if k not in data))
                if match:
                    self.misspelt.add((id(data), match))
                    self.bad.add(f"{prefix}{match}")
                self.error(data, key, f"{prefix}{key}",
                           f"unknown field '{key}'{did_you_mean(str(key), allowed)}")

    def text(self, data: LineDict, key: str, field: str, required: bool = True) -> str:
        if key not in data or data[key] is None:
            if required:
                self.missing(data, key, field, f"missing; add '{key}: ...'")
            return ""
        value = data[key]
        if isinstance(value, str):
            return one_line(value)
        self.error(data, key, field, f"must be a text, but YAML read {yaml_kind(value)}; put it in quotes")
        return ""

    def name(self, data: LineDict) -> tuple[str, dict[str, str]]:
        """`name: "..."` for every language, or `name: {fr: ..., en: ...}` where they differ."""
        if isinstance(data.get("name"), dict):
            names = self.translations(data, "name", "name")
            return next(iter(names.values()), ""), names
        return self.text(data, "name", "name"), {}

    def translations(self, data: LineDict, key: str, field: str, required: bool = True,
                     multiline: bool = False) -> dict[str, str]:
        if key not in data or data[key] is None:
            if required:
                self.missing(data, key, field, f"missing; add '{key}: {{fr: ..., en: ..., lb: ...}}'")
            return {}
        value = data[key]
        if not isinstance(value, dict):
            self.error(data, key, field, f"must map each language to its text, e.g. {{fr: ..., en: ...}}, "
                       f"not {yaml_kind(value)}")
            return {}
        out = {}
        for lang, text in value.items():
            if not isinstance(lang, str):
                self.error(value, lang, f"{field}.{lang}", "language codes must be texts like fr, en, lb")
                continue
            meant = closest(lang, [code for code in self.languages if code not in value]) \
                if lang not in self.languages else None
            if meant:       # 'fre:' or 'Fr:' for fr: one problem, not also "no text for 'fr'"
                self.error(value, lang, f"{field}.{lang}", f"unknown language '{lang}' (the campaign's are "
                           f"{', '.join(self.languages)}); did you mean '{meant}'?")
                self.bad.add(f"{field}.{meant}")
            elif isinstance(text, str):
                if text.strip():
                    out[lang] = nfc(text) if multiline else one_line(text)
            elif text is not None:
                self.error(value, lang, f"{field}.{lang}",
                           f"must be a text, but YAML read {yaml_kind(text)}; put it in quotes")
        return out

    def lines(self, data: LineDict, key: str, field: str, required: bool = True) -> tuple[str, ...]:
        if key not in data or data[key] is None:
            if required:
                self.missing(data, key, field, f"missing; add '{key}: [\"line 1\", \"line 2\"]'")
            return ()
        value = data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(data, key, field, "must be a list of address lines in quotes")
            return ()
        return tuple(one_line(v) for v in value if v.strip())


def _photo_hint(project: Project, folder: Path, value: str, why: str) -> str:
    """A photo is looked for relative to cases/: say so, and where the file really is if it is near."""
    if Path(value).is_absolute():
        message, near = why, [Path(value)]
    elif "does not exist" in why:
        looked = project.rel(folder / value)          # normalised: no '..' or './' left in it
        message = f"'{value}' does not exist: a photo path is relative to the cases/ folder, so it points to {looked}"
        name = Path(value).name
        near = [project.root / value, project.root / name, project.root / "photos" / name, folder / "photos" / name]
    else:
        return why
    root = project.root.resolve()
    for found in near:
        if found.is_file() and found.resolve().is_relative_to(root):
            rel = Path(os.path.relpath(found.resolve(), folder.resolve())).as_posix()
            return f"{message}; the file is at {project.rel(found)}: write photo: {rel}"
    return message


def load_case(project: Project, file: Path, problems: Problems, languages: tuple[str, ...] = ()) -> Case | None:
    """One case file; `languages` (the campaign's) catch a misspelt language key ('fre:')."""
    data = load_yaml(file, problems)
    if data is None and not problems.errors:
        problems.add("is empty; a case file needs id, name, country, ... (see 'w4r-kit init')", file)
    if not isinstance(data, dict):
        if data is not None:
            problems.add(f"must be a mapping of fields (id: ..., name: ...), not {yaml_kind(data)}", file, 1)
        return None
    before = len(problems.errors)
    r = _CaseReader(problems, file, tuple(languages))
    r.check_keys(data, CASE_KEYS, "")
    case_id = r.text(data, "id", "id")
    if case_id and case_id != file.stem:
        if any((file.parent / f"{case_id}{ext}").exists() for ext in (".yaml", ".yml")):
            # A copied case file whose id was not changed ('x (copie).yaml'): renaming it
            # would overwrite the original, and its name is no id. Say what works.
            own = f"set id: {file.stem} in it" if _ID.match(file.stem) else \
                "rename it to NEW-ID.yaml and set id: NEW-ID in it (lowercase letters, digits and '-')"
            r.error(data, "id", "id", f"'{case_id}' is already the id of cases/{case_id}.yaml; this file "
                    f"looks like a copy of it: delete this file, or {own}")
        elif _ID.match(case_id):
            fix = f"rename the file to {case_id}.yaml" + (f" or set id: {file.stem}" if _ID.match(file.stem) else "")
            r.error(data, "id", "id", f"'{case_id}' differs from the file name; {fix}")
    if case_id and not _ID.match(case_id):
        r.error(data, "id", "id", f"'{case_id}' must be a slug: lowercase letters, digits and '-'")
    name, names = r.name(data)
    subject = r.text(data, "subject", "subject", required=False) or "person"
    if subject not in SUBJECTS:
        r.error(data, "subject", "subject", f"'{subject}' must be 'person' (one person) or 'group' "
                "(several people, a community)" + did_you_mean(subject, SUBJECTS))
    # 'She' is she: a pronoun is a choice the words and letters make, whatever its capitals.
    pronouns = {lang: p.lower() for lang, p in r.translations(data, "pronouns", "pronouns", required=False).items()}
    # The name inside a sentence, with the article its language wants there ("les Défenseur·e·s …").
    in_text = r.translations(data, "name_in_text", "name_in_text", required=False)
    texts = {key: r.translations(data, key, key, multiline=key == "story") for key in TRANSLATED}

    addressee = None
    raw = data.get("addressee")
    if raw is None:
        r.missing(data, "addressee", "addressee",
                  "missing; add the official the letters go to (name, title, address, salutation)")
    elif not isinstance(raw, dict):
        r.error(data, "addressee", "addressee", "must be a mapping with name, title, address and salutation")
    else:
        r.check_keys(raw, ADDRESSEE_KEYS, "addressee.")
        addressee = Addressee(name=r.text(raw, "name", "addressee.name"),
                              title=r.translations(raw, "title", "addressee.title"),
                              address=r.lines(raw, "address", "addressee.address"),
                              salutation=r.translations(raw, "salutation", "addressee.salutation"),
                              email=r.text(raw, "email", "addressee.email", required=False))

    solidarity = None
    raw = data.get("solidarity")
    if raw is not None:
        if not isinstance(raw, dict):
            r.error(data, "solidarity", "solidarity", "must be a mapping with address and note")
        else:
            r.check_keys(raw, SOLIDARITY_KEYS, "solidarity.")
            cards = raw.get("cards", True)
            if not isinstance(cards, bool):
                r.error(raw, "cards", "solidarity.cards", "must be true or false (false: the person accepts "
                        "no cards, so none are printed)")
                cards = True
            solidarity = Solidarity(address=r.lines(raw, "address", "solidarity.address"),
                                    note=r.translations(raw, "note", "solidarity.note", required=False),
                                    guidance=r.translations(raw, "guidance", "solidarity.guidance", required=False),
                                    cards=cards,
                                    message=r.translations(raw, "message", "solidarity.message", required=False))

    url = r.text(data, "petition_url", "petition_url")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            r.error(data, "petition_url", "petition_url",
                    f"'{url}' is not a web address; it must start with https:// (or http://)")
        elif any(ch.isspace() for ch in url):
            r.error(data, "petition_url", "petition_url", "contains a space; encode it as %20")

    photo = None
    photo_value = r.text(data, "photo", "photo", required=False)
    credit = r.text(data, "photo_credit", "photo_credit", required=False)
    if photo_value:
        photo, why = inside(project.root, file.parent, photo_value, "the cases/ folder")
        if photo is None:
            r.error(data, "photo", "photo", _photo_hint(project, file.parent, photo_value, why))
        elif photo.suffix.lower() not in PHOTO_TYPES:
            r.error(data, "photo", "photo", f"'{photo_value}' must be a JPEG or PNG image")
            photo = None
        if not credit:
            r.error(data, "photo", "photo_credit", "a photo needs a credit; add photo_credit: \"© ...\"")

    broken = frozenset()
    if len(problems.errors) > before or addressee is None:
        # Never built, but its other fields are still checked (translations, characters).
        broken = frozenset(r.bad or {"(file)"})
        addressee = addressee or Addressee(name="", title={}, address=(), salutation={})
    return Case(id=case_id, name=name, names=names, subject=subject, pronouns=pronouns, names_in_text=in_text, addressee=addressee, petition_url=url, photo=photo,
                photo_credit=credit, solidarity=solidarity, file=file, lines=field_lines(data),
                broken=broken, **texts)


def field_lines(data: LineDict, prefix: str = "") -> dict[str, int]:
    """'ask' -> 5, 'ask.en' -> 7, 'addressee.title.fr' -> 35: the line of every key, nested too."""
    out = {}
    for key, line in data.lines.items():
        out[f"{prefix}{key}"] = line
        value = data[key]
        if isinstance(value, LineDict):
            out.update(field_lines(value, f"{prefix}{key}."))
    return out


def load_cases(project: Project, problems: Problems, broken: list[Case] | None = None,
               languages: tuple[str, ...] = ()) -> list[Case]:
    """The cases that load without a problem; those with problems go to `broken` (if given),
    to have their other fields checked."""
    files = sorted(project.cases_dir.glob("*.yaml")) + sorted(project.cases_dir.glob("*.yml"))
    if not files:
        problems.add("no case files; add cases/<id>.yaml (see 'w4r-kit init' for an example)",
                     project.cases_dir)
    cases: list[Case] = []
    seen: dict[str, Path] = {}
    for file in files:
        case = load_case(project, file, problems, languages)
        if case is None:
            continue
        if case.broken:
            if broken is not None:
                broken.append(case)
            continue
        if case.id in seen:
            problems.add(f"two cases have the id '{case.id}' (also {problems.rel(seen[case.id])})",
                         file, case.lines.get("id", 0), "id")
            continue
        seen[case.id] = file
        cases.append(case)
    return cases


def missing_fields(case: Case, lang: str) -> list[str]:
    """Translatable fields of `case` with no text in `lang` (empty: complete); a field
    already reported as a problem ('headlin' for headline) is not also missing."""
    if case.broken:
        return [name for name in _missing_fields(case, lang) if not reported(case, name, lang)]
    return _missing_fields(case, lang)


def reported(case: Case, name: str, lang: str = "") -> bool:
    """Whether field `name` ('addressee.title') of `case`, or its `lang` text, has a problem reported."""
    parts = name.split(".")
    return any(".".join(parts[:n]) in case.broken for n in range(1, len(parts) + 1)) or \
        bool(lang) and f"{name}.{lang}" in case.broken


def _missing_fields(case: Case, lang: str) -> list[str]:
    missing = ["name"] if case.names and lang not in case.names else []
    missing += [key for key in TRANSLATED if lang not in getattr(case, key)]
    missing += [f"addressee.{key}" for key in ("title", "salutation") if lang not in getattr(case.addressee, key)]
    if case.solidarity and case.solidarity.note and lang not in case.solidarity.note:
        missing.append("solidarity.note")
    if case.solidarity and case.solidarity.guidance and lang not in case.solidarity.guidance:
        missing.append("solidarity.guidance")
    return missing
