"""Load and check stage: a whole kit project -> `Kit`, or every problem found.

Everything a build would use is read and checked here before anything is drawn:
config, cases, printed words, letter templates, fonts, photos, QR sizes and the
characters every text needs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .cases import TRANSLATED, load_cases, missing_fields
from .config import did_you_mean, load_config
from .errors import KitError, Problem, Problems
from .layout.fonts import Fonts, load_fonts
from .model import Case, KitConfig
from .project import Project
from .strings import Words, load_words
from .templates import environment, render_letter

QR_MIN_MODULE_MM = 0.35       # smaller modules are unreliable on office printers and phones
QR_PRINTED_MM = 24


@dataclass
class Kit:
    project: Project
    config: KitConfig
    cases: list[Case]
    words: dict[str, Words]
    fonts: Fonts
    letters: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    incomplete: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """lang -> case id -> missing fields."""

    def cases_for(self, lang: str) -> list[Case]:
        return [c for c in self.cases if c.id not in self.incomplete.get(lang, {})]


def load_project(project: Project, languages: list[str] | None = None, allow_incomplete: bool = False,
                 case_ids: list[str] | None = None, today: dt.date | None = None) -> Kit:
    """Read and check everything; raise KitError listing every problem (warnings included)."""
    problems = Problems(project.root)
    config = load_config(project, problems, today)
    if config is None:
        problems.raise_if_errors()
    cases = load_cases(project, problems)
    if case_ids:
        known = {c.id for c in cases}
        for case_id in case_ids:
            if case_id not in known and not problems.errors:
                problems.add(f"no case '{case_id}'{did_you_mean(case_id, known)}; 'w4r-kit list' shows them",
                             project.cases_dir, 0, "--case")
        cases = [c for c in cases if c.id in case_ids]
    langs = list(languages or config.campaign.languages)
    for lang in langs:
        if lang not in config.campaign.languages:
            problems.add(f"'{lang}' is not one of the campaign languages ({', '.join(config.campaign.languages)}); "
                         "add it to [campaign] languages", project.config_file, 0, "--lang")
    words = {lang: w for lang in dict.fromkeys(langs) if (w := load_words(project, lang, problems))}
    fonts = _fonts(config, problems)
    _check_images(config, cases, problems)
    problems.raise_if_errors()

    kit = Kit(project, config, cases, words, fonts)
    env = environment(project)
    for lang in langs:
        for case in cases:
            missing = missing_fields(case, lang)
            if missing:
                kit.incomplete.setdefault(lang, {})[case.id] = missing
                for name in missing:
                    line = case.lines.get(name, case.lines.get(name.split(".")[0], 0))
                    message = (f"no text for '{lang}'; skipped (--allow-incomplete)" if allow_incomplete else
                               f"no text for '{lang}' (add it, or build with --allow-incomplete)")
                    problems.add(message, case.file, line, name, warning=allow_incomplete)
                continue
            body = render_letter(env, project, config, case, lang, problems)
            if body is not None:
                kit.letters[case.id, lang] = body
    _check_glyphs(kit, langs, problems)
    _check_qr(kit, problems)
    problems.raise_if_errors()
    kit.warnings = problems.warnings
    return kit


def _fonts(config: KitConfig, problems: Problems) -> Fonts | None:
    try:
        return load_fonts(config.brand.font_regular, config.brand.font_bold)
    except Exception as exc:  # reportlab raises TTFError, struct.error, ... for a bad font file
        problems.add(f"cannot be used as a font: {exc}", config.brand.font_regular or config.brand.font_bold,
                     0, "[brand] font_regular / font_bold")
        return None


def _check_images(config: KitConfig, cases: list[Case], problems: Problems) -> None:
    from PIL import Image, UnidentifiedImageError
    images = [(config.section.logo, "kit.toml", "[section] logo", 0)] + [
        (c.photo, c.file, "photo", c.lines.get("photo", 0)) for c in cases]
    for path, file, name, line in images:
        if path is None:
            continue
        try:
            with Image.open(path) as img:
                img.verify()
                too_big = img.width * img.height > 60_000_000
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            problems.add(f"'{path.name}' is not a readable JPEG or PNG image ({exc}); export it again",
                         file, line, name)
            continue
        except Image.DecompressionBombError:
            too_big = True
        if too_big:
            problems.add(f"'{path.name}' is too large; scale it to at most 3000 px on its long side",
                         file, line, name)


def _case_texts(case: Case, lang: str) -> list[tuple[str, str]]:
    texts = [("name", case.name)] + [(key, getattr(case, key)[lang]) for key in TRANSLATED]
    a = case.addressee
    texts += [("addressee.name", a.name), ("addressee.title", a.title[lang]),
              ("addressee.salutation", a.salutation[lang]), ("addressee.email", a.email)]
    texts += [("addressee.address", line) for line in a.address]
    if case.solidarity:
        texts += [("solidarity.address", line) for line in case.solidarity.address]
        texts += [("solidarity.note", case.solidarity.note.get(lang, ""))]
    texts.append(("photo_credit", case.photo_credit))
    return texts


def _check_glyphs(kit: Kit, langs: list[str], problems: Problems) -> None:
    """A character the fonts cannot draw would print as nothing: name it (SPEC §9)."""
    fonts = kit.fonts

    def check(text: str, file, line: int, where: str) -> None:
        for ch in fonts.missing(text):
            problems.add(f"the fonts cannot draw {ch!r} (U+{ord(ch):04X}); replace it or set "
                         "[brand] font_regular/font_bold to fonts that have it", file, line, where)

    cfg = kit.config
    config_file = kit.project.config_file
    for lang in langs:
        for label, text in (("[section] name", cfg.section.name), ("[campaign] title", cfg.campaign.title.get(lang, "")),
                            ("[signatures] privacy_notice", cfg.signatures.privacy_notice.get(lang, "")),
                            *[("[section] address", line) for line in cfg.section.address],
                            *[("[campaign] return_address", line) for line in cfg.campaign.return_address]):
            check(text, config_file, 0, f"{label} [{lang}]")
        words = kit.words.get(lang)
        if words:
            for key, text in words.texts.items():
                check(text, kit.project.templates_dir / lang / "strings.yaml", 0, f"{key} [{lang}]")
        for case in kit.cases_for(lang):
            for name, text in _case_texts(case, lang):
                check(text, case.file, case.lines.get(name.split(".")[0], 0), f"{name} [{lang}]")
            for paragraph in kit.letters.get((case.id, lang), []):
                check(paragraph, kit.project.templates_dir / lang, 0, f"letter of {case.id} [{lang}]")


def _check_qr(kit: Kit, problems: Problems) -> None:
    """Refuse URLs whose code would have modules too small to scan at the printed size."""
    from . import qr
    from .tracking import tracked_url
    for case in kit.cases:
        # The longest URL a sheet can carry: a long group id and a five-digit sheet number.
        url = tracked_url(kit.config, case.petition_url, case=case.id, lang="xx", group="g" * 24,
                          sheet="99999", sheet_id="x" * 7)
        try:
            size = qr.encode(url).size
        except ValueError as exc:
            problems.add(f"too long for a QR code: {exc}", case.file, case.lines.get("petition_url", 0), "petition_url")
            continue
        module = QR_PRINTED_MM / (size + 0)
        if module < QR_MIN_MODULE_MM:
            problems.add(f"with tracking parameters the QR code needs {size}×{size} modules: "
                         f"{module:.2f} mm each at {QR_PRINTED_MM} mm, below the {QR_MIN_MODULE_MM} mm that "
                         "scans reliably; shorten the URL or the [petition] tracking parameters",
                         case.file, case.lines.get("petition_url", 0), "petition_url")


