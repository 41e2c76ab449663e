"""The library API behind the CLI: load -> check -> lay out -> assemble -> write."""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from .assemble import Options, case_pdf, kit_pdfs, layout_problems, overflow_problem, poster_pdf, rendered
from .errors import KitError, Problem, describe_characters
from .load import Kit, load_project
from .output import Staging, kept_warnings, write_outputs
from .project import Project


@dataclass(frozen=True)
class Result:
    files: list[Path]
    pages: dict[Path, int]
    warnings: list[Problem]
    removed: list[Path] = field(default_factory=list)
    """Earlier outputs of the tool this run made obsolete (kit-LANG.pdf of a dropped language)."""


def _result(project: Project, written: Staging, docs: dict[Path, bytes], warnings: list[Problem]) -> Result:
    return Result(written.files, {p: _count(d) for p, d in docs.items()},
                  [*warnings, *kept_warnings(written, project.rel)], written.removed)


def build_kit(project: Project, langs: list[str] | None = None, case_ids: list[str] | None = None,
              options: Options = Options(), allow_incomplete: bool = False) -> Result:
    """One kit-<lang>.pdf per language; nothing is written unless all of it renders."""
    kit = load_project(project, langs, allow_incomplete, case_ids, report_skipped=True)
    langs = kit.languages
    options = checked_group(kit, options)
    empty = [lang for lang in langs if not kit.cases_for(lang)]
    if empty:
        raise KitError(*[Problem("cases", 0, f"[{lang}]", "no case is complete in this language; nothing to build")
                         for lang in empty], *kit.warnings)

    def render() -> dict[Path, bytes]:
        return {project.out / f"kit-{lang}.pdf": data for lang, data in kit_pdfs(kit, langs, options).items()}
    docs = rendered(kit, render, langs, options)
    # kit-LANG.pdf of a language the campaign no longer has goes, if the tool wrote it.
    languages = set(kit.config.campaign.languages)

    def stale(name: str) -> bool:
        match = re.fullmatch(r"kit-(.+)\.pdf", name)
        return bool(match) and match[1] not in languages
    return _result(project, write_outputs(docs, stale), docs, kit.warnings)


def build_case(project: Project, case_id: str, lang: str, options: Options) -> Result:
    """<id>-<lang>.pdf: one case's case sheet, letter, letterhead and signature sheets.

    With a group and sheets, the pack is recorded in the registry (SPEC §11) before the
    file is put in place; without a group the sheets are masters to copy: nothing is recorded.
    """
    from .registry import Registry, case_keys, issue, login_name, record_case
    from .tracking import slug
    kit = load_project(project, [lang], case_ids=[case_id], case_field="ID")   # the argument of `case`
    if len(kit.languages) != 1:
        raise KitError(Problem("", 0, "--lang", f"'{lang}' names {len(kit.languages)} languages; "
                               "'case' makes one language's file: give one, e.g. --lang fr"))
    lang = kit.languages[0]
    options = checked_group(kit, options, lang)
    case = kit.cases[0]
    path = project.out / f"{case.id}-{lang}.pdf"
    registry = Registry.open(project, kit.config) if options.group and options.sheets else None
    keys = case_keys(kit, case, lang, slug(options.group), options.sheets) if registry else []

    def attempt(ids) -> Result:
        docs = rendered(kit, lambda: {path: case_pdf(kit, lang, case, options, ids)}, [lang], options)
        pages = _count(docs[path])
        with Staging() as staging:
            staging.add(path, docs[path])
            staging.record(path.parent)
            if registry:
                record_case(registry, kit, case, lang, options.group, options.sheets, ids, _in_out(project, path),
                            pages, issued_by=login_name())
            files = staging.commit()
        return Result(files, {path: pages}, [*kit.warnings, *kept_warnings(staging, project.rel)], staging.removed)
    try:
        return issue(registry, keys, attempt)
    finally:
        if registry:
            registry.close()


def checked_group(kit: Kit, options: Options, lang: str | None = None) -> Options:
    """Options with the group name as printed (NFC, trimmed), after the one group-name check."""
    if options.group is None:
        return options
    from .groups import check_group_name
    messages = check_group_name(options.group, kit, lang)
    if messages:
        raise KitError(*[Problem("", 0, "--group", message) for message in messages], *kit.warnings)
    return replace(options, group=unicodedata.normalize("NFC", options.group).strip())


POSTER_PAPERS = ("A4", "A3", "Letter", "Tabloid")


def build_poster(project: Project, lang: str, when: str | None = None, where: str | None = None,
                 paper: str | None = None) -> Result:
    """poster-<lang>.pdf: the event poster, with `when`/`where` or lines to fill in by hand."""
    from .layout.overflow import Overflow
    kit = load_project(project, [lang])
    cfg = kit.config
    if not cfg.campaign.url:
        raise KitError(Problem(project.rel(project.config_file), cfg.line("campaign"), "[campaign] url",
                               'missing; add url = "https://..." (the section\'s campaign page, which the '
                               "poster's QR code opens)"), *kit.warnings)
    problems = [Problem("", 0, f"--{key}", f"the fonts cannot draw {describe_characters(chars)}; replace them")
                for key, value in (("when", when), ("where", where)) if value and (chars := kit.fonts.missing(value))]
    if problems:
        raise KitError(*problems)
    paper = paper or cfg.print.paper
    path = project.out / f"poster-{lang}.pdf"
    try:
        data = poster_pdf(kit, lang, paper, when, where)
    except Overflow as exc:
        problem = (Problem("", 0, exc.field, exc.message) if exc.field in ("--when", "--where")
                   else overflow_problem(kit, exc, None, lang))
        raise KitError(problem, *kit.warnings) from None
    docs = {path: data}
    return _result(project, write_outputs(docs), docs, kit.warnings)


def check(project: Project, langs: list[str] | None = None, allow_incomplete: bool = False,
          paper: str | None = None) -> Kit:
    """Everything `build` checks, including a full lay-out in memory; writes nothing.

    Raises KitError with every problem found, text that does not fit included.
    """
    options = Options(paper=paper)

    def lay_out(kit: Kit) -> list[Problem]:
        from .layout.overflow import Overflow
        problems = [p for lang in kit.languages
                    for p in layout_problems(kit, lang, kit.cases_for(lang), options)]
        if kit.config.campaign.url:
            for lang in kit.languages:
                try:
                    poster_pdf(kit, lang, paper or kit.config.print.paper)
                except Overflow as exc:
                    problems.append(overflow_problem(kit, exc, None, lang))
        return problems
    # Laid out as part of the load, so a character the fonts lack does not hide a text too long.
    return load_project(project, langs, allow_incomplete, then=lay_out, report_skipped=True)


def init_project(target: Path) -> list[Path]:
    """Copy the starter project (kit.toml, templates, strings, one case) into `target`.

    The copy is made beside `target` and renamed into place, so a failure leaves nothing.
    """
    def refuse(message: str) -> KitError:
        return KitError(Problem(os.path.normpath(target), 0, "", message))

    if target.exists() and not target.is_dir():
        raise refuse("is a file, not a folder; give 'w4r-kit init' the name of a new folder")
    blocker = next((p for p in reversed(target.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise refuse(f"cannot be created: {os.path.normpath(blocker)} is a file, not a folder; choose another place")
    try:
        if target.exists() and any(target.iterdir()):
            raise refuse("already exists and is not empty; choose a new folder")
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror}") from None
    source = Path(str(resources.files("w4r_kit") / "data" / "starter"))
    staging = target.parent / f".{target.name}.init-part"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source, staging, ignore=shutil.ignore_patterns("__pycache__"))
        # The registry (SPEC §11) is the section's record, not part of the kit's sources.
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        os.replace(staging, target)          # onto a missing or empty folder
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = next((p for p in (target, *target.parents) if p.exists()), target)
        raise refuse(f"cannot create the project: {exc.strerror} ({os.path.normpath(where)}); "
                     "choose a folder you can write to") from None
    return sorted(p for p in target.rglob("*") if p.is_file())


GITIGNORE = """\
# What w4r-kit writes: the outputs, and the registry of what was issued and returned.
dist/
registry.sqlite
registry.sqlite-*
# the self-service page's session key (w4r-kit serve)
.w4r-kit-secret
"""


def _in_out(project: Project, path: Path) -> str:
    """How the registry names an output file: relative to the output folder."""
    try:
        return path.relative_to(project.out).as_posix()
    except ValueError:
        return str(path)


def _count(data: bytes) -> int:
    from io import BytesIO
    from pypdf import PdfReader
    return len(PdfReader(BytesIO(data)).pages)


