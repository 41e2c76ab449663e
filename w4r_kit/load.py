"""Load and check stage: a whole kit project -> `Kit`, or every problem found.

Everything a build would use is read and checked here before anything is drawn:
config, cases, printed words, letter templates, fonts, photos, QR sizes and the
characters every text needs. Each check runs as long as what it needs could be
read, so one run lists every problem (a typo in kit.toml does not hide a broken
case file).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .cases import TRANSLATED, load_cases, missing_fields, reported
from .config import load_config
from .errors import Problem, Problems, describe_characters, did_you_mean, ordered
from .layout.fonts import Fonts, load_fonts
from .model import PRONOUNS, Case, KitConfig, Success
from .project import Project
from .strings import Words, load_words, project_typography
from .templates import Letter, check_letter_template, environment, render_letter
from .typography import Typography
from .tracking import short_url

QR_MIN_MODULE_MM = 0.35       # smaller modules are unreliable on office printers and phones
QR_PRINTED_MM = 24


@dataclass
class Kit:
    project: Project
    config: KitConfig
    cases: list[Case]
    words: dict[str, Words]
    fonts: Fonts
    letters: dict[tuple[str, str], Letter] = field(default_factory=dict)
    """(case id, lang) -> the rendered letter body."""
    warnings: list[Problem] = field(default_factory=list)
    successes: list[Success] = field(default_factory=list)
    """successes.yaml, newest first (kit extras: the successes page)."""
    incomplete: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """lang -> case id -> missing fields."""
    languages: list[str] = field(default_factory=list)
    """The languages asked for and checked (`--lang fr,en` is two)."""
    broken: list[Case] = field(default_factory=list)
    """Case files with problems: never built, their other fields checked all the same."""

    def typography(self, lang: str) -> Typography:
        """How a text in `lang` is printed: the kit's words of `lang`, else the project's file."""
        words = self.words.get(lang)
        return words.typography if words else project_typography(self.project, lang)

    def cases_for(self, lang: str) -> list[Case]:
        """The cases complete in `lang`, as its pages show them (their name in `lang`)."""
        return [c.for_lang(lang) for c in self.cases if c.id not in self.incomplete.get(lang, {})]


@dataclass(frozen=True)
class Source:
    """Where a printed text comes from, so a message can point at it."""

    file: Path | str
    line: int
    field: str
    text: str
    lang: str = ""          # "" when the text is the same in every language

    @property
    def label(self) -> str:
        return f"{self.field} [{self.lang}]" if self.lang else self.field


def load_project(project: Project, languages: list[str] | None = None, allow_incomplete: bool = False,
                 case_ids: list[str] | None = None, today: dt.date | None = None,
                 case_field: str = "--case", then: Callable[[Kit], Iterable[Problem]] | None = None,
                 report_skipped: bool = False, used_languages: Collection[str] | None = None) -> Kit:
    """Read and check everything; raise KitError listing every problem (warnings included).

    `then`: further checks of the loaded kit (validate's lay-out in memory). They run when
    nothing they need is broken: when no problem was found, or only characters the fonts
    cannot draw (such a text lays out like any other), so one run lists both.
    `allow_incomplete`: a case missing a translation is left out of that language instead of
    being an error. `report_skipped` (build and validate --allow-incomplete, which make one
    document per language): each case left out is a warning, and a language left without a
    case is an error. `used_languages` (signatures): the languages a groups file asks for;
    only those of the campaign's are checked (any other is the groups file's problem, named
    with its line there).
    """
    problems = Problems(project.root)
    config = load_config(project, problems, today)
    broken: list[Case] = []
    cases = load_cases(project, problems, broken, config.campaign.languages if config else ())
    if case_ids:
        known = {c.id for c in cases}
        for case_id in case_ids:
            # A case whose file failed to load has its own problems listed already.
            if case_id not in known and not any(project.cases_dir.glob(f"{case_id}.y*ml")):
                problems.add(f"no case '{case_id}'{did_you_mean(case_id, known)}; 'w4r-kit list' shows them",
                             project.cases_dir, 0, case_field)
        cases = [c for c in cases if c.id in case_ids]
        broken = [c for c in broken if c.id in case_ids or c.file.stem in case_ids]
    campaign_langs = list(config.campaign.languages) if config else []
    # `--lang fr,nl` means two languages; one that is not the campaign's is one problem,
    # and nothing is checked for it (it would only repeat that problem field by field).
    asked = [part.strip() for value in languages or () for part in value.split(",") if part.strip()]
    langs = list(dict.fromkeys(asked or campaign_langs))
    if used_languages is not None:
        langs = [lang for lang in campaign_langs if lang in used_languages]
    if config:
        for lang in [lang for lang in langs if lang not in campaign_langs]:
            problems.add(f"'{lang}' is not one of the campaign languages ({', '.join(campaign_langs)})"
                         f"{did_you_mean(lang, campaign_langs)}; choose from those, or add it to [campaign] "
                         "languages in kit.toml", "", 0, "--lang")
            langs.remove(lang)
    words = {lang: w for lang in langs if (w := load_words(project, lang, problems))}
    _check_pronouns(cases + broken, words, problems)
    fonts = _fonts(project, config, problems)
    from .successes import load_successes
    successes = load_successes(project, problems, langs)
    _check_images(project, config, cases + broken, problems, successes)
    if config is not None:
        _check_postage(project, config, cases, problems)
    if config is None or fonts is None:
        problems.raise_if_errors()       # nothing below can run without them

    kit = Kit(project, config, cases, words, fonts, successes=successes, languages=langs, broken=broken)
    env = environment(project)
    for lang in langs:           # checked even when no case of `lang` is complete yet
        check_letter_template(env, project, lang, problems)
    for lang in langs:
        for case in cases + broken:
            missing = missing_fields(case, lang)
            if missing:
                if not case.broken:
                    kit.incomplete.setdefault(lang, {})[case.id] = missing
                if allow_incomplete:
                    if report_skipped:       # one warning per skipped case, at its first gap
                        problems.warn(f"no text for {', '.join(missing)}; case skipped in this language "
                                      "(--allow-incomplete)", case.file, min(case_line(case, n) for n in missing),
                                      f"[{lang}]")
                    continue
                for name in missing:
                    problems.add(f"no text for '{lang}' (add it, or build with --allow-incomplete)", case.file,
                                 case_line(case, name), name)
                continue
            if case.broken:
                continue
            letter = render_letter(env, project, config, case, lang, problems)
            if letter is not None:
                kit.letters[case.id, lang] = letter
    if allow_incomplete and report_skipped:    # as build refuses it, so does validate: it would print nothing
        for lang in langs:
            if cases and not kit.cases_for(lang):
                problems.add("no case is complete in this language; nothing to build (translate at "
                             "least one case, or leave the language out with --lang)", project.cases_dir, 0,
                             f"[{lang}]")
    _check_qr(kit, problems)
    drawable = not problems.errors
    _check_glyphs(kit, langs, problems)
    if then is not None and drawable:
        problems.extend(list(then(kit)))
    problems.raise_if_errors()
    kit.warnings = list(ordered(problems.warnings))
    return kit


def _check_pronouns(cases: list[Case], words: dict[str, Words], problems: Problems) -> None:
    """A pronoun the words and letters do not know would print neutral words ("Their story")
    for 'shee': name it, as an unknown subject is."""
    for case in cases:
        for lang, pronoun in case.pronouns.items():
            known = tuple(dict.fromkeys((*PRONOUNS.get(lang, ()), *words[lang].pronouns))) if lang in words else ()
            if known and pronoun not in known and not reported(case, "pronouns", lang):
                problems.add(f"'{pronoun}' is not one of the pronouns the '{lang}' words and letters agree with "
                             f"({', '.join(known)}); use one of them, or leave it out for neutral words"
                             f"{did_you_mean(pronoun, known)}", case.file, case_line(case, "pronouns", lang),
                             f"pronouns.{lang}")


def _fonts(project: Project, config: KitConfig | None, problems: Problems) -> Fonts | None:
    """The fonts to draw with; a file reportlab cannot use is named with its kit.toml line."""
    regular = config.brand.font_regular if config else None
    bold = config.brand.font_bold if config else None
    usable = True
    for key, path in (("font_regular", regular), ("font_bold", bold)):
        if path is None:
            continue
        try:
            load_fonts(path, path)
        except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError, struct.error, ... for a bad file
            usable = False
            problems.add(f"'{project.rel(path)}' cannot be used as a font ({_first_line(exc)}); "
                         "use a TrueType (.ttf) file", project.config_file, config.line("brand", key),
                         f"[brand] {key}")
    if not usable:
        return None
    try:
        return load_fonts(regular, bold)
    except Exception as exc:  # noqa: BLE001 - the default fonts: a broken install or cache
        problems.add(f"the default fonts cannot be loaded ({_first_line(exc)}); delete the font cache "
                     "(~/.cache/w4r-kit) and run again")
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def _check_images(project: Project, config: KitConfig | None, cases: list[Case], problems: Problems,
                  successes: list[Success] = ()) -> None:
    """Decode every photo and logo now, with the loader drawing uses (no surprise mid-build)."""
    from .images import ImageProblem, embeddable
    from .successes import successes_file
    images = [(c.photo, c.file, c.lines.get("photo", 0), "photo", False) for c in cases]
    images += [(s.photo, successes_file(project), s.lines.get("photo", s.line), "photo", False) for s in successes]
    if config is not None:
        images.append((config.section.logo, project.config_file, config.line("section", "logo"),
                       "[section] logo", True))
    for path, file, line, name, keep_alpha in images:
        if path is None:
            continue
        try:
            embeddable(path, keep_alpha)
        except ImageProblem as exc:
            problems.add(str(exc), file, line, name)
        except OSError as exc:
            problems.add(f"'{path.name}' cannot be read: {exc.strerror}", file, line, name)


def _check_postage(project: Project, config: KitConfig, cases: list[Case], problems: Problems) -> None:
    """With postage zones, every case's destination (the envelope's last line) has its stamp price."""
    if not config.postage.zones or config.postage.zones_unread:      # a zone's own error says it all
        return
    for case in cases:
        country = case.addressee.address[-1] if case.addressee.address else ""
        if country and config.postage.zone_for(country) is None:
            problems.add(f"'{country}' is in no [postage] zone, so the advice page has no stamp price for it; "
                         "add it to a zone's countries in kit.toml, or add a zone without countries "
                         "(the rest of the world)", case.file, case_line(case, "addressee.address"),
                         "addressee.address")


# --------------------------------------------------------------------------- where texts come from

def config_sources(kit: Kit, lang: str) -> list[Source]:
    """The texts of kit.toml and of the printed words that the kit of `lang` prints."""
    cfg, file = kit.config, kit.project.config_file
    out = [Source(file, cfg.line("section", "name"), "[section] name", cfg.section.name),
           Source(file, cfg.line("section", "email"), "[section] email", cfg.section.email),
           Source(file, cfg.line("section", "website"), "[section] website", cfg.section.website),
           Source(file, cfg.line("campaign", "title"), "[campaign] title", cfg.campaign.title.get(lang, ""), lang),
           Source(file, cfg.line("signatures", "privacy_notice"), "[signatures] privacy_notice",
                  cfg.signatures.privacy_notice.get(lang, ""), lang)]
    out += [Source(file, cfg.line("section", "address"), "[section] address", line) for line in cfg.section.address]
    out += [Source(file, cfg.line("campaign", "return_address"), "[campaign] return_address", line)
            for line in cfg.campaign.return_address]
    out += [Source(file, cfg.line("postage", "send_to"), "[postage] send_to", line) for line in cfg.postage.send_to]
    out += [Source(file, cfg.line("postage", "suspended"), "[postage] suspended", line) for line in cfg.postage.suspended]
    out += [Source(file, z.line, f"[postage] zones[{i}].name", z.name.get(lang, ""), lang)
            for i, z in enumerate(cfg.postage.zones, 1)]
    out += [Source(file, cfg.line("campaign", "url"), "[campaign] url", cfg.campaign.url)]
    words = kit.words.get(lang)
    if words:
        out += [Source(*words.where.get(key, ("", 0)), key, text, lang) for key, text in words.texts.items()]
    return out


def case_line(case: Case, name: str, lang: str = "") -> int:
    """The line of field `name` ('ask', 'addressee.title'), of its `lang` text if that has its own."""
    for key in (f"{name}.{lang}" if lang else name, name, name.split(".")[0]):
        if key in case.lines:
            return case.lines[key]
    return 0


def case_sources(case: Case, lang: str) -> list[Source]:
    """Every text of `case` that the kit of `lang` prints."""
    def source(name: str, text: str, translated: bool = False) -> Source:
        return Source(case.file, case_line(case, name, lang if translated else ""), name, text,
                      lang if translated else "")

    a = case.addressee
    out = [source("name", case.name_in(lang), bool(case.names)), source("addressee.name", a.name), source("addressee.email", a.email),
           source("photo_credit", case.photo_credit),
           source("petition_url", short_url(case.petition_url))]     # printed under the QR code
    out += [source(key, getattr(case, key).get(lang, ""), True) for key in TRANSLATED]
    out += [source(f"addressee.{key}", getattr(a, key).get(lang, ""), True) for key in ("title", "salutation")]
    out += [source("addressee.address", line) for line in a.address]
    if case.solidarity:
        out += [source("solidarity.address", line) for line in case.solidarity.address]
        out.append(source("solidarity.note", case.solidarity.note.get(lang, ""), True))
        out.append(source("solidarity.guidance", case.solidarity.guidance.get(lang, ""), True))
        out += [Source(case.file, case_line(case, f"solidarity.message.{code}"), f"solidarity.message.{code}", text)
                for code, text in case.solidarity.message.items()]
    return out


def success_sources(kit: Kit, lang: str) -> list[Source]:
    """Every text of successes.yaml that the successes page of `lang` prints."""
    from .successes import successes_file
    file, out = successes_file(kit.project), []
    for s in kit.successes:
        for key in ("name", "country", "outcome", "quote"):
            text = getattr(s, key).get(lang, "")
            if text:
                line = s.lines.get(f"{key}.{lang}", s.lines.get(key, s.line))
                shared = key == "name" and s.shared_name       # one text for all: one message
                out.append(Source(file, line, key, text, "" if shared else lang))
        if s.photo_credit:
            out.append(Source(file, s.lines.get("photo_credit", s.line), "photo_credit", s.photo_credit))
    return out


# --------------------------------------------------------------------------- characters

def _check_glyphs(kit: Kit, langs: list[str], problems: Problems) -> None:
    """A character the fonts cannot draw would print as nothing: name it (SPEC §9).

    One problem per field, listing its characters; a text shared by every language
    is reported once. A letter is checked for what its template adds: characters
    that come from a case or kit.toml are reported there.
    """
    from .successes import successes_file
    found: dict[tuple[Path | str, int, str], dict[str, None]] = {}

    def note(file: Path | str, line: int, label: str, chars: list[str]) -> None:
        if chars:
            found.setdefault((file, line, label), {}).update(dict.fromkeys(chars))

    # The line of every key of a file: a text runs from its key's line to the next key's.
    ends: dict[Path | str, set[int]] = {kit.project.config_file: set(kit.config.lines.values())}
    for words in kit.words.values():
        for file, line in words.where.values():
            ends.setdefault(file, set()).add(line)
    for success in kit.successes:
        ends.setdefault(successes_file(kit.project), set()).update({success.line, *success.lines.values()})

    def note_text(source: Source, lines: Iterable[int]) -> None:
        for ch in kit.fonts.missing(source.text):
            # A story or a folded label runs over many lines: name the one the character is on.
            end = next((n for n in sorted(lines) if n > source.line), 0)
            note(source.file, _line_of(source.file, ch, source.line, end) or source.line, source.label, [ch])

    for lang in langs:
        config_texts = config_sources(kit, lang)
        for source in config_texts + success_sources(kit, lang):
            note_text(source, ends.get(source.file, ()))
        from_config = {ch for s in config_texts for ch in kit.fonts.missing(s.text)}
        broken = [c.for_lang(lang) for c in kit.broken]       # their fields without a problem
        for case in kit.cases_for(lang) + broken:
            sources = [s for s in case_sources(case, lang) if not reported(case, s.field, lang)]
            for source in sources:
                note_text(source, case.lines.values())
            letter = kit.letters.get((case.id, lang))
            if letter is None:
                continue
            from_data = from_config | {ch for s in sources for ch in kit.fonts.missing(s.text)}
            for paragraph in letter.paragraphs:
                chars = [ch for ch in kit.fonts.missing(paragraph) if ch not in from_data]
                for ch in chars:
                    note(letter.template, _line_of(letter.template, ch), f"letter [{lang}]", [ch])
    for (file, line, label), chars in found.items():
        problems.add(cannot_draw(list(chars)), file, line, label)


def cannot_draw(chars: list[str]) -> str:
    """The message for characters the fonts lack (SPEC §9: named as U+XXXX)."""
    it = "it" if len(chars) == 1 else "them"
    return (f"the fonts cannot draw {describe_characters(chars)}; replace {it} or set [brand] "
            f"font_regular/font_bold to fonts that have {it}")


def _line_of(file: Path | str, ch: str, start: int = 1, end: int = 0) -> int:
    """The first line of a file from `start` (before `end`, if given) that contains `ch` (0 if none)."""
    try:
        for n, line in enumerate(Path(file).read_text(encoding="utf-8").splitlines(), 1):
            if n >= start and ch in line:
                return n if not end or n < end else 0
    except (OSError, UnicodeDecodeError):
        pass
    return 0


def _check_qr(kit: Kit, problems: Problems) -> None:
    """Refuse URLs whose code would have modules too small to scan at the printed size."""
    from . import qr
    from .tracking import tracked_url
    for case in kit.cases + [c for c in kit.broken if c.petition_url and not reported(c, "petition_url")]:
        # The longest URL a sheet can carry: a long group id and a five-digit sheet number.
        url = tracked_url(kit.config, case.petition_url, case=case.id, lang="xx", group="g" * 24,
                          sheet="99999", sheet_id="x" * 7)
        try:
            size = qr.encode(url).size
        except ValueError as exc:
            problems.add(f"too long for a QR code: {exc}", case.file, case.lines.get("petition_url", 0), "petition_url")
            continue
        module = QR_PRINTED_MM / size
        if module < QR_MIN_MODULE_MM:
            problems.add(f"with tracking parameters the QR code needs {size}×{size} modules: "
                         f"{module:.3f} mm each at {QR_PRINTED_MM} mm, below the {QR_MIN_MODULE_MM} mm that "
                         "scans reliably; shorten the URL or the [petition] tracking parameters",
                         case.file, case.lines.get("petition_url", 0), "petition_url")
    _check_campaign_qr(kit, problems)


POSTER_QR_MM = 36        # the poster's QR code on A4, its smallest paper (layout/poster.py QR_MM)


def _check_campaign_qr(kit: Kit, problems: Problems) -> None:
    """The poster's code to [campaign] url must scan: modules >= QR_MIN_MODULE_MM on A4."""
    from . import qr
    url = kit.config.campaign.url
    if not url:
        return
    line = kit.config.line("campaign", "url")
    try:
        size = qr.encode(url).size
    except ValueError as exc:
        problems.add(f"too long for a QR code: {exc}", kit.project.config_file, line, "[campaign] url")
        return
    if POSTER_QR_MM / size < QR_MIN_MODULE_MM:
        problems.add(f"the poster's QR code would need {size}×{size} modules, below {QR_MIN_MODULE_MM} mm each "
                     f"at {POSTER_QR_MM} mm; use a shorter address", kit.project.config_file, line, "[campaign] url")
