"""Shared fixtures: the example project at the repo root, built once per test run,
and helpers that read PDFs the way users see them (text, QR codes, outline)."""
from __future__ import annotations

import hashlib
import os

os.environ.setdefault("TYPER_USE_RICH", "0")   # plain, unwrapped error messages in CliRunner

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

from w4r_kit.cli import app

ROOT = Path(__file__).resolve().parent.parent


def copy_example(target: Path, successes: bool = False) -> Path:
    """Copy the example project's kit.toml, cases and letter templates into `target` (new);
    with `successes`, its successes.yaml too (the kit then has a successes page)."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "kit.toml", target)
    shutil.copytree(ROOT / "cases", target / "cases")
    shutil.copytree(ROOT / "letter_templates", target / "letter_templates")
    if successes:
        shutil.copy(ROOT / "successes.yaml", target)
    return target


# Typer's test runner makes the command line from the annotated functions again on every
# invocation (evaluating every annotation): made once per app here, as a user's process does.
# The suite invokes the CLI about a thousand times; this saves ~15 s of its run.
_commands: dict[int, object] = {}
_make_command = typer.testing._get_command


def _command_made_once(typer_app):
    if id(typer_app) not in _commands:
        _commands[id(typer_app)] = _make_command(typer_app)
    return _commands[id(typer_app)]


typer.testing._get_command = _command_made_once


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(app, [str(a) for a in args], prog_name="w4r-kit")


@pytest.fixture(scope="session", autouse=True)
def registry_in_temp(tmp_path_factory):
    """What `case --group` and `signatures` record goes to a registry in the test run's temporary
    folder, never to the repository's registry.sqlite (nor to a database set in the shell)."""
    before = os.environ.get("W4R_KIT_DB")
    os.environ["W4R_KIT_DB"] = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.sqlite'}"
    yield
    if before is None:
        os.environ.pop("W4R_KIT_DB", None)
    else:
        os.environ["W4R_KIT_DB"] = before


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()


@pytest.fixture(scope="session")
def example_kit(tmp_path_factory) -> dict[str, Path]:
    """The example project's kit, built once with the CLI into a temporary folder."""
    out = tmp_path_factory.mktemp("example-dist")
    result = Cli()("build", "--project", ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return {lang: out / f"kit-{lang}.pdf" for lang in ("fr", "en", "lb")}


@pytest.fixture(scope="session")
def starter_once(tmp_path_factory) -> Path:
    """A project made by `w4r-kit init`, once for the session: copy it, never change it."""
    target = tmp_path_factory.mktemp("starter") / "kit"
    result = Cli()("init", target)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture()
def kit(starter_once, tmp_path) -> Path:
    """A writable copy of the starter project (test files may override it with their own)."""
    target = tmp_path / "kit"
    shutil.copytree(starter_once, target)
    return target


@pytest.fixture()
def starter(tmp_path) -> Path:
    """A fresh project made by `w4r-kit init`."""
    target = tmp_path / "my-kit"
    result = Cli()("init", target)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture()
def example_copy(tmp_path) -> Path:
    """A writable copy of the example project (kit.toml, cases, letter templates)."""
    return copy_example(tmp_path / "example")


_pdf_check_summary: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def every_pdf_passes_independent_checks(tmp_path_factory):
    """After the run: every PDF the tests wrote passes `qpdf --check`, and `pdffonts`
    finds every font embedded (SPEC §10). Skipped, with a note, without the tools."""
    yield
    from pdfcheck import independent_check, is_whole_pdf, missing_tools
    missing = missing_tools()
    if missing:
        _pdf_check_summary.append(f"SKIPPED qpdf/pdffonts checks of the PDFs written: {', '.join(missing)} "
                                  "not installed (.ci/run installs qpdf and poppler-utils)")
        return
    pdfs = sorted(p for p in tmp_path_factory.getbasetemp().rglob("*.pdf") if p.is_file() and is_whole_pdf(p))
    # Identical files (the same kit built by several tests) are checked once; the tools run
    # side by side, one per core: they are separate processes.
    distinct = {hashlib.sha256(p.read_bytes()).digest(): p for p in reversed(pdfs)}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        problems = [problem for found in pool.map(independent_check, sorted(distinct.values())) for problem in found]
    _pdf_check_summary.append(f"qpdf --check and pdffonts: {len(pdfs)} PDFs written by the tests checked "
                              f"({len(distinct)} distinct), {len(problems)} problems")
    assert not problems, "\n".join(problems)


def pytest_terminal_summary(terminalreporter):
    for line in _pdf_check_summary:
        terminalreporter.write_line(line)
