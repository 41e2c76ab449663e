"""The library API behind the CLI: load -> check -> lay out -> assemble -> write."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .assemble import Options, case_pdf, kit_pdf
from .errors import KitError, Problem
from .load import Kit, load_project
from .output import write_all
from .project import Project


@dataclass(frozen=True)
class Result:
    files: list[Path]
    pages: dict[Path, int]
    warnings: list[Problem]



def build_kit(project: Project, langs: list[str] | None = None, case_ids: list[str] | None = None,
              options: Options = Options(), allow_incomplete: bool = False) -> Result:
    """One kit-<lang>.pdf per language; nothing is written unless all of it renders."""
    kit = load_project(project, langs, allow_incomplete, case_ids)
    docs: dict[Path, bytes] = {}
    for lang in langs or kit.config.campaign.languages:
        cases = kit.cases_for(lang)
        if not cases:
            raise KitError(Problem("cases", 0, f"[{lang}]", "no case is complete in this language; nothing to build"))
        docs[project.out / f"kit-{lang}.pdf"] = kit_pdf(kit, lang, cases, options)
    return Result(write_all(docs), {p: _count(d) for p, d in docs.items()}, kit.warnings)


def build_case(project: Project, case_id: str, lang: str, options: Options) -> Result:
    """<id>-<lang>.pdf: one case's case sheet, letter, letterhead and signature sheets."""
    kit = load_project(project, [lang], case_ids=[case_id])
    case = kit.cases[0]
    path = project.out / f"{case.id}-{lang}.pdf"
    data = case_pdf(kit, lang, case, options)
    return Result(write_all({path: data}), {path: _count(data)}, kit.warnings)


def check(project: Project, langs: list[str] | None = None, allow_incomplete: bool = False,
          paper: str | None = None) -> Kit:
    """Everything `build` checks, including a full lay-out in memory; writes nothing."""
    kit = load_project(project, langs, allow_incomplete)
    for lang in langs or kit.config.campaign.languages:
        cases = kit.cases_for(lang)
        if cases:
            kit_pdf(kit, lang, cases, Options(paper=paper))
    return kit


def init_project(target: Path) -> list[Path]:
    """Copy the starter project (kit.toml, templates, strings, one case) into `target`."""
    if target.exists() and any(target.iterdir()):
        raise KitError(Problem(str(target), 0, "", "already exists and is not empty; choose a new folder"))
    source = Path(str(resources.files("w4r_kit") / "data" / "starter"))
    try:
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    except OSError as exc:
        raise KitError(Problem(str(target), 0, "", f"cannot create the project: {exc.strerror}")) from None
    return sorted(p for p in target.rglob("*") if p.is_file())


def _count(data: bytes) -> int:
    from io import BytesIO
    from pypdf import PdfReader
    return len(PdfReader(BytesIO(data)).pages)


