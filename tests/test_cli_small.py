"""Small things a new user trips on: --version, list with a broken case, commands run from
inside the project, readable --help, one warning per skipped case, the dated letter line."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.units import mm

from conftest import Cli
from w4r_kit import __version__

CASE = "sebnem-korur-fincanci"


@pytest.fixture(scope="module")
def starter_kit(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("small") / "kit"
    assert Cli()("init", target).exit_code == 0
    return target


@pytest.fixture()
def kit(starter_kit, tmp_path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(starter_kit, target)
    return target


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0 and r.stdout == f"w4r-kit {__version__}\n"


def test_list_shows_the_cases_that_load_and_names_the_broken_ones(cli, kit):
    (kit / "cases" / "broken.yaml").write_text("id: broken\nname: [\n", encoding="utf-8")
    (kit / "cases" / "also-broken.yaml").write_text("id: also-broken\n\tname: x\n", encoding="utf-8")
    r = cli("list", "--project", kit)
    assert r.exit_code == 1
    assert r.stdout.splitlines()[1].startswith(f"{CASE}  Şebnem Korur Fincancı  complete  complete  complete")
    errors = r.stderr.splitlines()
    assert errors[0] == ("not listed, 2 case files with problems: cases/also-broken.yaml, cases/broken.yaml")
    assert errors[1].startswith("cases/also-broken.yaml:") and errors[2].startswith("cases/broken.yaml:3: ")
    assert errors[-1] == "2 problems found."


def test_commands_run_inside_the_project_find_it(cli, kit, monkeypatch, tmp_path):
    monkeypatch.chdir(kit / "letter_templates" / "fr")
    r = cli("list")
    assert r.exit_code == 0, r.output
    assert CASE in r.stdout
    monkeypatch.chdir(kit / "cases")
    r = cli("case", CASE, "--lang", "fr", "--sheets", "0")
    assert r.exit_code == 0, r.output
    assert (kit / "dist" / f"{CASE}-fr.pdf").is_file()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    r = cli("list")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"kit.toml: no kit.toml in {outside} or any folder above it; run the "
                                        "command inside a kit project, point --project at one, or run "
                                        "'w4r-kit init DIR'")


@pytest.mark.parametrize("command,expected", [
    ("build", ["-p, --project DIR", "-o, --out DIR", "-l, --lang LANG", "-c, --case ID", "--paper A4|Letter",
               "--date YYYY-MM-DD", "--sheets N"]),
    ("case", ["-l, --lang LANG", "-g, --group NAME", "-n, --sheets N"]),
    ("signatures", ["-g, --groups FILE", "-c, --case ID", "-j, --jobs N", "--xlsx", "--ignore-extra-columns"]),
    ("validate", ["-l, --lang LANG", "--paper A4|Letter"]),
])
def test_help_names_what_each_option_takes(cli, command, expected):
    options = cli(command, "--help").stdout.split("Options:")[1]
    for text in expected:
        assert text in options
    assert not re.search(r"<(str|path|int range|list\[str\])>|\bTEXT\b|\bPATH\b", options), options


def test_one_warning_per_skipped_case(cli, kit):
    source = (kit / "cases" / f"{CASE}.yaml").read_text(encoding="utf-8")
    second = re.sub(r"\n  lb: \|\n(    .*\n|\n)+?(?=\S)", "\n", source.replace(f"id: {CASE}", "id: second"), count=1)
    second = re.sub(r"\n  lb: [^\n]*", "", second)
    (kit / "cases" / "second.yaml").write_text(second, encoding="utf-8")
    r = cli("build", "--project", kit, "--lang", "lb", "--allow-incomplete")
    assert r.exit_code == 0, r.output
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert re.fullmatch(r"warning: cases/second\.yaml:\d+: \[lb\]: no text for [a-z, ]+, story, [a-z, ]+; case "
                        r"skipped in this language \(--allow-incomplete\)", warnings[0]), warnings


def _x_of(path: Path, page: int, needle: str) -> float:
    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page].get_textpage()
        text = tp.get_text_range(0, tp.count_chars())
        return tp.get_charbox(text.index(needle))[0]
    finally:
        pdf.close()


@pytest.mark.parametrize("lang,date,label,printed", [
    ("fr", "2026-12-01", "Lieu et date", ", 1er décembre 2026"),
    ("fr", "2026-09-30", "Lieu et date", ", 30 septembre 2026"),
    ("en", "2026-05-01", "Place and date", ", 1 May 2026"),
    ("lb", "2026-12-01", "Uert an Datum", ", 1. Dezember 2026"),
])
def test_dated_letter_line_has_the_comma_right_after_the_place(cli, starter_kit, tmp_path, lang, date, label,
                                                                printed):
    r = cli("case", CASE, "--lang", lang, "--date", date, "--sheets", "0", "--project", starter_kit,
            "--out", tmp_path)
    assert r.exit_code == 0, r.output
    pdf = tmp_path / f"{CASE}-{lang}.pdf"
    # The place line (38 mm, its label at its start) ends just before the comma, whatever the date.
    gap = _x_of(pdf, 1, printed) - _x_of(pdf, 1, label)
    assert 38 * mm < gap < 39.5 * mm, (gap / mm)
