"""Bad groups files for `w4r-kit signatures` (SPEC §8, §9): one message per problem with
the CSV line, exit 1, no traceback, and the packs of the previous run untouched."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Cli

GOOD = "id,name,lang,sheets,cases,audience,contact\nklass-5b,Klass 5B,lb,2,,youth,Mme Weber\n"
FONT_HINT = "replace it or set [brand] font_regular/font_bold to fonts that have it"


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Path:
    """The starter project with a pack already made from a good groups file."""
    target = tmp_path_factory.mktemp("signed") / "kit"
    cli = Cli()
    assert cli("init", target).exit_code == 0
    (target / "groups.csv").write_text(GOOD, encoding="utf-8")
    r = cli("signatures", "--groups", target / "groups.csv", "--project", target)
    assert r.exit_code == 0, r.output
    return target


@pytest.fixture()
def kit(signed, tmp_path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(signed, target)
    return target


def outputs(project: Path) -> dict[str, bytes]:
    dist = project / "dist"
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def fails(cli, kit: Path, csv_text: str | bytes) -> list[str]:
    """Run `signatures` on this groups file: exit 1, clean messages, earlier packs untouched."""
    path = kit / "groups.csv"
    if isinstance(csv_text, bytes):
        path.write_bytes(csv_text)
    else:
        path.write_text(csv_text, encoding="utf-8")
    before = outputs(kit)
    r = cli("signatures", "--groups", path, "--project", kit)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    assert outputs(kit) == before
    lines = r.stderr.splitlines()
    assert lines[-1].endswith("found; nothing was written."), lines
    return [line for line in lines[:-1] if not line.startswith("warning:")]


def test_missing_and_unknown_columns(cli, kit):
    assert fails(cli, kit, "id,name,language,sheets\nx,Class X,fr,2\n") == [
        "groups.csv:1: language: unknown column 'language'; did you mean 'lang'?; the columns are id, name, lang, "
        "sheets, cases, audience, contact (or run with --ignore-extra-columns)"]
    assert fails(cli, kit, "id,name,sheets,email\nx,Class X,2,a@b.lu\n") == [
        "groups.csv:1: email: unknown column 'email'; the columns are id, name, lang, sheets, cases, audience, "
        "contact (or run with --ignore-extra-columns)",
        "groups.csv:1: lang: missing column 'lang'; the header must include id,name,lang,sheets"]


@pytest.mark.parametrize("value", ["lots", "0", "-2", "2.5", "", "1001"])
def test_bad_sheets_values(cli, kit, value):
    assert fails(cli, kit, f"id,name,lang,sheets\nx,Class X,fr,{value}\n") == [
        f"groups.csv:2: sheets: sheets must be a whole number from 1 to 1000, not '{value}'"]


def test_unknown_language_and_case_with_their_lines(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets,cases\n"
                           "a,Class A,fr,2,\n"
                           "b,Class B,FR,2,\n"
                           "c,Class C,de,2,\n"
                           "d,Class D,en,2,sebnem-korur-fincanc\n") == [
        "groups.csv:3: lang: language 'FR' is not one of the campaign languages (fr, en, lb); did you mean 'fr'?",
        "groups.csv:4: lang: language 'de' is not one of the campaign languages (fr, en, lb)",
        "groups.csv:5: cases: no case 'sebnem-korur-fincanc'; did you mean 'sebnem-korur-fincanci'?; "
        "'w4r-kit list' shows them",
    ]


def test_duplicate_ids(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets\nklasse-a,A,fr,2\n\nKlasse-A,A again,fr,2\n") == [
        "groups.csv:4: id: id 'Klasse-A' is used twice (also on line 2); ids must be unique"]


def test_id_that_would_leave_the_output_folder(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets\n../escape,A,fr,2\n") == [
        "groups.csv:2: id: id '../escape' may use only letters, digits, '.', '_' and '-' (it names the PDF file)"]


def test_unclosed_quote(cli, kit):
    unclosed = 'the quote " opened on this line is never closed; close it, or remove it'
    assert fails(cli, kit, 'id,name,lang,sheets\na,"Class A,fr,2\nb,Class B,fr,2\n') == [f"groups.csv:2: {unclosed}"]
    # on the last line, with or without a line break after it
    assert fails(cli, kit, 'id,name,lang,sheets\na,Class A,fr,2\nb,"Class B,fr,2\n') == [f"groups.csv:3: {unclosed}"]
    assert fails(cli, kit, 'id,name,lang,sheets\na,Class A,fr,2\nb,"Class B,fr,2') == [f"groups.csv:3: {unclosed}"]
    # closed by a later quote: the lines between were swallowed
    assert fails(cli, kit, 'id,name,lang,sheets\na,"Class A,fr,2\nb,"" Class B",fr,2\n') == [
        'groups.csv:2: a value runs over several lines (is a quote " not closed?); put each group on one line']
    assert fails(cli, kit, 'id,name,lang,sheets\na,"Class" A,fr,2\n') == [
        'groups.csv:2: a quote " ends a value in the middle; inside a quoted value write "" for a quote']


def test_value_too_long_for_the_csv_reader(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets\na," + "x" * 200_000 + ",fr,2\n") == [
        "groups.csv:2: cannot be read as CSV: field larger than field limit (131072); export it again "
        "from the spreadsheet"]


def test_not_utf8_and_empty(cli, kit):
    assert fails(cli, kit, GOOD.encode("utf-16")) == [
        "groups.csv: is UTF-16 text ('Unicode Text'); in the spreadsheet, save it as 'CSV UTF-8 (Comma delimited)' "
        "(Excel) or as 'Text CSV' with the character set 'Unicode (UTF-8)' (LibreOffice), or as an .xlsx workbook"]
    assert fails(cli, kit, "") == ["groups.csv:1: is empty; the first line must be the header of a groups file with the columns id,name,lang,sheets"]


def test_characters_the_fonts_cannot_draw_in_a_group(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets,contact\na,Klass ✓,lb,2,☎ 621 123 456\n") == [
        f"groups.csv:2: contact: the fonts cannot draw '☎' (U+260E BLACK TELEPHONE); {FONT_HINT}",
        f"groups.csv:2: name: the fonts cannot draw '✓' (U+2713 CHECK MARK); {FONT_HINT}",
    ]


def test_group_name_too_long_for_its_line(cli, kit):
    assert fails(cli, kit, "id,name,lang,sheets\na," + "Lycée technique " * 30 + ",fr,2\n") == [
        "groups.csv:2: name: is 479 characters long; a group name has at most 40 (it is printed before the "
        "sheet number and id in the footer of every sheet); shorten it"]


def test_a_binary_file_given_as_csv_is_one_message(cli, kit):
    """NUL bytes are valid UTF-8 but no text file has them: one message, not a header of
    2,000 escaped NULs and four missing columns."""
    assert fails(cli, kit, b"id,name,lang,sheets\n" + b"\x00" * 2000) == [
        "groups.csv:2: is not a text file (it holds NUL bytes, from line 2); in the spreadsheet, save it as "
        "'CSV UTF-8 (Comma delimited)' (Excel) or as 'Text CSV' with the character set 'Unicode (UTF-8)' "
        "(LibreOffice), or as an .xlsx workbook"]
