"""Groups files as coordinators make them: .xlsx workbooks, CSV from Excel in Windows-1252,
extra columns; every message names the CSV line or the sheet row."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import Cli

UTF8_EXPORT = ("in the spreadsheet, save it as 'CSV UTF-8 (Comma delimited)' (Excel) or as 'Text CSV' with the "
               "character set 'Unicode (UTF-8)' (LibreOffice), or as an .xlsx workbook")


def workbook(path: Path, rows: list[list[object]], extra_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Groupes"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["keep the forms dry"])
    book.save(path)
    return path


def run(cli, kit: Path, name: str, *options: str):
    return cli("signatures", "--groups", kit / name, "--project", kit, *options)


def manifest_names(kit: Path) -> list[tuple[str, str]]:
    with open(kit / "dist" / "signatures" / "manifest.csv", encoding="utf-8", newline="") as fh:
        return sorted({(row["group_id"], row["group_name"]) for row in csv.DictReader(fh)})


def test_xlsx_groups_file(cli, kit):
    workbook(kit / "groups.xlsx", [["id", "Name", "lang", "sheets", "contact"],
                                   ["klass-5b", "Klass 5B – Lycée", "lb", 2.0, "Mme Weber"],   # numbers as floats
                                   [None, None, None, None, None],                          # an empty row
                                   ["ecole-c4", "École C4", "fr", 1, dt.date(2026, 12, 1)]],
             extra_sheet=True)
    r = run(cli, kit, "groups.xlsx")
    assert r.exit_code == 0, r.output
    assert r.stderr == "warning: groups.xlsx: has 2 sheets with data; only the first, 'Groupes', is read\n"
    assert manifest_names(kit) == [("ecole-c4", "École C4"), ("klass-5b", "Klass 5B – Lycée")]


def test_xlsx_problems_name_the_sheet_row(cli, kit):
    workbook(kit / "groups.xlsx", [["id", "name", "lang", "sheets", "remarks"],
                                   ["a", "Klass A", "fr", 2, ""],
                                   ["b", "Klass ✓", "de", "two", "x"]])
    r = run(cli, kit, "groups.xlsx")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [
        "groups.xlsx:1: remarks: unknown column 'remarks'; the columns are id, name, lang, sheets, cases, audience, "
        "contact (or run with --ignore-extra-columns)"]
    r = run(cli, kit, "groups.xlsx", "--ignore-extra-columns")
    assert r.stderr.splitlines() == [
        "warning: groups.xlsx:1: column 'remarks' ignored (--ignore-extra-columns)",
        "groups.xlsx:3: lang: language 'de' is not one of the campaign languages (fr, en, lb)",
        "groups.xlsx:3: name: the fonts cannot draw '✓' (U+2713 CHECK MARK); replace it or set [brand] "
        "font_regular/font_bold to fonts that have it",
        "groups.xlsx:3: sheets: sheets must be a whole number from 1 to 1000, not 'two'",
        "3 problems found; nothing was written."]


@pytest.mark.parametrize("content,message", [
    (b"PK\x03\x04 not really a zip", "groups.xlsx: cannot be read as an .xlsx workbook (BadZipFile); save it again "
                                    "from the spreadsheet as .xlsx, or as CSV UTF-8"),
    (b"", "groups.xlsx: cannot be read as an .xlsx workbook (BadZipFile); save it again from the spreadsheet as "
          ".xlsx, or as CSV UTF-8"),
])
def test_broken_xlsx(cli, kit, content, message):
    (kit / "groups.xlsx").write_bytes(content)
    r = run(cli, kit, "groups.xlsx")
    assert r.exit_code == 1 and r.stderr.splitlines()[0] == message


def test_old_excel_files_are_refused_with_what_to_choose(cli, kit):
    (kit / "groups.xls").write_bytes(b"\xd0\xcf\x11\xe0 old binary workbook")
    r = run(cli, kit, "groups.xls")
    assert r.stderr.splitlines()[0] == "groups.xls: is a '.xls' file; save it as an .xlsx workbook or as CSV UTF-8"


def test_extra_columns_ignored_and_listed(cli, kit):
    (kit / "groups.csv").write_text("id,name,lang,sheets,Email,Notes\na,Klass A,fr,1,a@b.lu,\n", encoding="utf-8")
    r = run(cli, kit, "groups.csv", "--ignore-extra-columns")
    assert r.exit_code == 0, r.output
    assert r.stderr == "warning: groups.csv:1: columns 'email', 'notes' ignored (--ignore-extra-columns)\n"


def test_windows_1252_csv_is_read(cli, kit):
    (kit / "groups.csv").write_bytes(
        "id;name;lang;sheets;contact\nlycee;Lycée Michel-Rodange – 2A;fr;1;M. Müller’s « équipe » €\n"
        .encode("cp1252"))
    r = run(cli, kit, "groups.csv")
    assert r.exit_code == 0, r.output
    assert r.stderr == ("warning: groups.csv: read as Windows-1252 (Excel's plain 'CSV'); check the accents in the "
                        "output, or export 'CSV UTF-8' to be sure\n")
    assert manifest_names(kit) == [("lycee", "Lycée Michel-Rodange – 2A")]


@pytest.mark.parametrize("encoding,name,line,byte", [("mac_roman", "Lycée Noël", 2, 0x8e),
                                                     ("cp850", "Lycée Noël", 2, 0x82),
                                                     ("iso8859_15", "Cœur de Lycée", 2, 0xbd),
                                                     ("mac_roman", "Klass d’Esch – 5B", 2, 0xd5)])
def test_other_8_bit_encodings_are_refused(cli, kit, encoding, name, line, byte):
    (kit / "groups.csv").write_bytes(f"id,name,lang,sheets\na,{name},fr,1\n".encode(encoding))
    r = run(cli, kit, "groups.csv")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"groups.csv:{line}: is not UTF-8 text (byte 0x{byte:02x} on line {line}) "
                                        f"and not plainly Windows-1252 either; {UTF8_EXPORT}")


def test_xlsx_formula_without_a_saved_value(cli, kit):
    workbook(kit / "groups.xlsx", [["id", "name", "lang", "sheets"], ["a", "Klass A", "fr", 1],
                                   ["b", '=CONCAT("Klass ", "B")', "fr", "=1+1"]])
    r = run(cli, kit, "groups.xlsx")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [
        "groups.xlsx:3: cell B3 holds the formula '=CONCAT(\"Klass \", \"B\")' without a saved value; open the file "
        "in the spreadsheet and save it again, or type the value",
        "groups.xlsx:3: cell D3 holds the formula '=1+1' without a saved value; open the file in the spreadsheet "
        "and save it again, or type the value"]
