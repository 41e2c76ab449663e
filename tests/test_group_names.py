"""One check for every group name (groups.check_group_name), whatever route it comes by:
`case --group` and groups files give the same messages; the footer keeps its size and the
QR code its 0.35 mm modules with the longest name allowed."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import Cli
from pdfcheck import page_texts, qr_codes

CASE = "sebnem-korur-fincanci"
FONT_HINT = "replace it or set [brand] font_regular/font_bold to fonts that have it"
LONGEST = "Lycée technique des Arts et Métiers, 3eB"       # 40 characters: the maximum
QR_LIMIT = ("makes the tracked URL need a 69×69 QR code: 0.348 mm modules at 24 mm, below the 0.35 mm "
            "that scans reliably; ")

# input -> the message under the name, the same for `case --group` and a groups file
BAD_NAMES = [
    ("", "empty; give the name to print on every signature sheet (a class, a school, a local group)"),
    ("   ", "empty; give the name to print on every signature sheet (a class, a school, a local group)"),
    ("Klass\t5B", "contains U+0009 (an invisible control character), which prints as nothing; remove it"),
    ("Klass\x1b[1m5B", "contains U+001B (an invisible control character), which prints as nothing; remove it"),
    ("Klass\u202e5B", "contains U+202E RIGHT-TO-LEFT OVERRIDE, which prints as nothing; remove it"),
    ("Klass 5B 😀", f"the fonts cannot draw '😀' (U+1F600 GRINNING FACE); {FONT_HINT}"),
    ("x" * 200, "is 200 characters long; a group name has at most 40 (it is printed before the sheet number "
                "and id in the footer of every sheet); shorten it"),
    (LONGEST + "!", "is 41 characters long; a group name has at most 40 (it is printed before the sheet number "
                    "and id in the footer of every sheet); shorten it"),
    ("W" * 40, "is too wide for the footer of the signature sheets at its normal size (140% of the room); "
               "shorten it"),                       # 'w' * 40 would be too wide as well
    ("a" * 40, "is too wide for the footer of the signature sheets at its normal size (104% of the room); "
               "shorten it"),                       # already in lower case
    ("é" * 40, "is too wide for the footer of the signature sheets at its normal size (104% of the room); "
               "shorten it"),
    ("GROUPE DE JEUNES AMNESTY WILTZ-CLERVAUX", "is too wide for the footer of the signature sheets at its normal "
                                               "size (102% of the room); shorten it, or write it in lower case"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("names") / "kit"
    assert Cli()("init", target).exit_code == 0
    return target


def _fails(cli, *args) -> list[str]:
    r = cli(*args)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    lines = r.stderr.splitlines()
    assert lines[-1].endswith("found; nothing was written."), lines
    return lines[:-1]


@pytest.mark.parametrize("name,message", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_case_group_goes_through_the_group_name_check(cli, project, name, message):
    assert _fails(cli, "case", CASE, "--lang", "fr", "--group", name, "--project", project) == [f"--group: {message}"]
    assert not (project / "dist").exists()


def test_groups_file_gives_the_same_messages(cli, project):
    csv = project / "groups.csv"
    rows = "".join(f'g{i},"{name}",fr,1\n' for i, (name, _) in enumerate(BAD_NAMES))
    csv.write_text("id,name,lang,sheets\n" + rows, encoding="utf-8")
    assert _fails(cli, "signatures", "--groups", csv, "--project", project) == [
        f"groups.csv:{i + 2}: name: {message}" for i, (_, message) in enumerate(BAD_NAMES)]


def _footer_size(pdf_path: Path, page: int, needle: str) -> float:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        tp = pdf[page].get_textpage()
        text = tp.get_text_range(0, tp.count_chars())
        at = text.index(needle)
        return pdfium.raw.FPDFText_GetFontSize(tp, at)
    finally:
        pdf.close()


def test_the_longest_name_keeps_the_footer_at_its_normal_size(cli, project, tmp_path):
    r = cli("case", CASE, "--lang", "fr", "--group", LONGEST, "--sheets", "2", "--project", project,
            "--out", tmp_path)
    assert r.exit_code == 0, r.output
    pdf = tmp_path / f"{CASE}-fr.pdf"
    last = len(page_texts(pdf)) - 1
    footer = re.search(r"feuille 2 / 2 — ([a-z0-9]{7})", page_texts(pdf)[last])
    assert LONGEST in page_texts(pdf)[last] and footer
    assert _footer_size(pdf, last, footer[1]) == pytest.approx(8.5, abs=0.01)
    assert any("utm_content=lycee-technique-des-arts-et-metiers-3eb-2" in url for url in qr_codes(pdf, last))


@pytest.fixture()
def long_url(project, tmp_path) -> Path:
    """A case whose URL leaves room for a tracking value of 33 characters at 0.35 mm modules."""
    target = tmp_path / "kit"
    shutil.copytree(project, target)
    case = target / "cases" / f"{CASE}.yaml"
    case.write_text(re.sub(r'(?m)^petition_url: .*$',
                           'petition_url: "https://www.amnesty.lu/w4r/2024/sebnem-korur-fincanci?ref=' + "a" * 116 + '"',
                           case.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_a_name_that_makes_the_tracked_url_too_long(cli, long_url):
    name = "Lycée technique des Arts et Métiers 3eB"
    assert _fails(cli, "case", CASE, "--lang", "fr", "--group", name, "--project", long_url) == [
        "--group: " + QR_LIMIT + "shorten the name: in the URL it is 'lycee-technique-des-arts-et-metiers-3eb' "
        "(39 characters), which may have at most 33"]
    r = cli("case", CASE, "--lang", "fr", "--group", "Lycée technique, classe 3eB", "--project", long_url)
    assert r.exit_code == 0, r.output


def test_a_groups_file_id_that_makes_the_tracked_url_too_long(cli, long_url):
    csv = long_url / "groups.csv"
    csv.write_text("id,name,lang,sheets\nlycee-technique-arts-metiers-3eb-x,Lycée,fr,1\n"
                   f"{'i' * 41},Lycée,fr,1\n", encoding="utf-8")
    assert _fails(cli, "signatures", "--groups", csv, "--project", long_url) == [
        "groups.csv:2: id: " + QR_LIMIT + "shorten the id to at most 33 characters",
        f"groups.csv:3: id: id '{'i' * 40}…' is 41 characters long; ids have at most 40 (it names the PDF file "
        "and goes into every QR code's URL)"]


def test_latin_names_keep_their_slugs():
    """Sheet ids, tracking values and registry ids of existing groups must not change."""
    from w4r_kit.tracking import slug
    assert [slug(n) for n in (LONGEST, "Klass 5B – Lycée", "Grupp Wolz ë", "Schoul Esch – C3.1",
                              "Groupe d’Esch « Les amis »", "Ünterstëtzung ©2024 €", "İstanbul 5A", "")] == [
        "lycee-technique-des-arts-et-metiers-3eb", "klass-5b-lycee", "grupp-wolz-e", "schoul-esch-c3-1",
        "groupe-desch-les-amis", "unterstetzung-2024", "istanbul-5a", "group"]


def test_cyrillic_and_greek_names_get_distinct_readable_slugs(cli, project, tmp_path):
    from w4r_kit.tracking import slug
    names = ["Класс 5Б", "Класс 5В", "Школа № 12", "Γυμνάσιο Αθηνών", "Λύκειο Πάτρας", "Straße 3", "Øster Œuvre"]
    assert [slug(n) for n in names] == ["klass-5b", "klass-5v", "shkola-no-12", "gymnasio-athinon", "lykeio-patras",
                                        "strasse-3", "oster-oeuvre"]
    r = cli("case", CASE, "--lang", "fr", "--group", "Класс 5Б", "--sheets", "1", "--project", project,
            "--out", tmp_path)
    assert r.exit_code == 0, r.output
    pdf = tmp_path / f"{CASE}-fr.pdf"
    last = len(page_texts(pdf)) - 1
    assert "Класс 5Б — feuille 1 / 1" in page_texts(pdf)[last]
    assert any("utm_content=klass-5b-1" in url for url in qr_codes(pdf, last))
