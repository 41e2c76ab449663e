"""Small things a new user trips on: --version, list with a broken case, commands run from
inside the project, readable --help, one warning per skipped case, the dated letter line."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.units import mm

from conftest import Cli
from w4r_kit import __version__

CASE = "sebnem-korur-fincanci"


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


def _commands(group, path=()):
    """Every command and subcommand of the CLI, as the words typed before --help."""
    for name, command in group.commands.items():
        yield (*path, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def test_every_help_names_what_it_takes_readably(cli):
    from typer.main import get_command
    from w4r_kit.cli import app
    commands = list(_commands(get_command(app)))
    assert ("returns", "scan") in commands and ("staff", "add") in commands and ("registry", "export") in commands
    for words in [(), *commands]:
        r = cli(*words, "--help")
        assert r.exit_code == 0, (words, r.output)
        # Typer's own placeholders (`{ID}`, `ID <str>`, `--port <int range>`, `<list[str]>`, `<file>`) read as code.
        placeholder = re.search(r"<(str|int|float|list|path|file|Path)\b[^>]*>|\{[^}]*\}|\bPATH\b", r.stdout)
        assert placeholder is None, (words, placeholder and placeholder[0], r.stdout)
    usage = {words: cli(*words, "--help").stdout.splitlines()[0] for words in
             [("case",), ("init",), ("staff", "add"), ("returns", "scan"), ("returns", "set")]}
    assert usage == {("case",): "Usage: w4r-kit case [OPTIONS] ID",
                     ("init",): "Usage: w4r-kit init [OPTIONS] DIR",
                     ("staff", "add"): "Usage: w4r-kit staff add [OPTIONS] NAME",
                     ("returns", "scan"): "Usage: w4r-kit returns scan [OPTIONS] FILE.pdf|DIR...",
                     ("returns", "set"): "Usage: w4r-kit returns set [OPTIONS] SHEET_ID"}
    options = {words: cli(*words, "--help").stdout for words in
               [("poster",), ("results",), ("serve",), ("returns", "set"), ("returns", "add"), ("registry", "export")]}
    for words, texts in {("poster",): ["-l, --lang LANG", "--when TEXT", "--where TEXT", "--paper A4|A3|Letter|Tabloid"],
                         ("results",): ["-l, --lang LANG"],
                         ("serve",): ["--host ADDRESS", "--port PORT", "--render-processes N"],
                         ("returns", "set"): ["-s, --signatures N", "--yes N", "--no N"],
                         ("returns", "add"): ["-g, --group ID", "-c, --case ID", "--letters N", "--from FILE"],
                         ("registry", "export"): ["-o, --out FILE"]}.items():
        for text in texts:
            assert text in options[words], (words, text)


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


def _date_and_place_line(path: Path, page: int, printed: str):
    """The box of the printed ", <date>" and of the writing rule it sits on (pt, y up)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pg = pdf[page]
        tp = pg.get_textpage()
        text = tp.get_text_range(0, tp.count_chars())
        at = text.index(printed)
        boxes = [tp.get_charbox(i) for i in range(at, at + len(printed))]
        left, bottom = boxes[0][0], min(b[1] for b in boxes)
        right = max(b[2] for b in boxes)
        rules = [obj.get_bounds() for obj in pg.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH])]
        rules = [r for r in rules if r[3] - r[1] < 2 and r[2] - r[0] > 30 * mm and bottom - 4 * mm < r[1] < bottom]
        assert len(rules) == 1, rules
        return (left, right), rules[0]
    finally:
        pdf.close()


@pytest.mark.parametrize("lang,date,printed", [
    ("fr", "2026-12-01", ", 1er décembre 2026"),
    ("fr", "2026-09-30", ", 30 septembre 2026"),
    ("en", "2026-05-01", ", 1 May 2026"),
    ("lb", "2026-12-01", ", 1. Dezember 2026"),
])
def test_dated_letter_line_has_the_comma_right_after_the_place(cli, starter_once, tmp_path, lang, date, printed):
    r = cli("case", CASE, "--lang", lang, "--date", date, "--sheets", "0", "--project", starter_once,
            "--out", tmp_path)
    assert r.exit_code == 0, r.output
    (comma, end), (rule_left, _, rule_right, _) = _date_and_place_line(tmp_path / f"{CASE}-{lang}.pdf", 1, printed)
    # The date sits on the writing line, at its end: the comma follows the room left for the
    # place, on the line, never floating beyond it, whatever the date's length.
    assert comma - rule_left > 30 * mm
    assert comma < rule_right and abs(end - rule_right) < 1.5 * mm


def test_terminal_summaries_count_in_proper_english(cli, kit, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("id,name,lang,sheets\nesch,Groupe Esch,fr,1\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", kit)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (f"wrote 1 PDF file and manifest.csv to {kit / 'dist' / 'signatures'}: "
                                        "1 signature sheet, 3 pages")
    r = cli("validate", "--project", kit, "--lang", "fr")
    assert r.exit_code == 0, r.output
    assert r.stdout == "ok: 1 case, language fr\n"
