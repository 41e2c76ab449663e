"""`w4r-kit signatures`: packs per group, manifest, tracked QR codes (SPEC §7–8)."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT
from pdfcheck import machine_codes, outline, page_texts, qr_codes

SCHOOLS = ROOT / "examples" / "schools.csv"
# sheets per case × cases, per group of examples/schools.csv (9 cases in the example project)
EXPECTED_SHEETS = {"lycee-aline-mayrisch-5b": 3 * 2, "ecole-bonnevoie-c4": 2 * 1,
                   "lycee-michel-rodange-2a": 2 * 9, "groupe-esch": 5 * 2}


def read_manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def batch(tmp_path_factory, cli) -> Path:
    out = tmp_path_factory.mktemp("batch")
    r = cli("signatures", "--groups", SCHOOLS, "--project", ROOT, "--out", out)
    assert r.exit_code == 0, r.output
    assert "36 signature sheets, 44 pages" in r.stdout
    return out / "signatures"


def test_one_pack_per_group_with_collector_page_sheets_and_return_form(batch):
    for group, sheets in EXPECTED_SHEETS.items():
        texts = page_texts(batch / f"{group}.pdf")
        assert len(texts) == sheets + 2
    texts = page_texts(batch / "lycee-aline-mayrisch-5b.pdf")
    first, last = texts[0], texts[-1]
    assert "Pour la personne qui récolte les signatures" in first
    assert "Lycée Aline Mayrisch – 5B" in first and "Mme Weber" in first
    assert "Şebnem Korur Fincancı" in first and "Đặng Đình Bạch" in first
    assert "3 feuilles par cas, 6 feuilles dans ce paquet" in first
    assert "31 janvier 2025" in first and "B.P. 1914" in first
    assert "Ne laissez jamais les formulaires sans surveillance" in first      # youth rules
    assert "Formulaire de retour" in last and "Total" in last
    # the group's own case order
    assert texts[1].index("Şebnem Korur Fincancı") >= 0 and "Đặng Đình Bạch" in texts[4]


def test_manifest_has_one_row_per_sheet_that_matches_its_page(batch):
    rows = read_manifest(batch)
    assert list(rows[0]) == ["sheet_id", "group_id", "group_name", "case", "lang", "file", "page", "url"]
    assert Counter(r["group_id"] for r in rows) == EXPECTED_SHEETS
    assert len({r["sheet_id"] for r in rows}) == len(rows)
    for row in rows[::5]:
        path = batch / row["file"]
        page = int(row["page"]) - 1
        text = page_texts(path)[page]
        assert row["sheet_id"] in text and row["group_name"] in text
        assert qr_codes(path, page) == [row["url"]]
        assert machine_codes(path, page) == ["W4R:" + row["sheet_id"]]
        k = text.split(" / ")[0].split()[-1]
        assert row["url"].endswith(f"&utm_content={row['group_id']}-{k}")


def test_sheet_numbers_and_ids_in_the_footer(batch):
    rows = [r for r in read_manifest(batch) if r["group_id"] == "groupe-esch"]
    texts = page_texts(batch / "groupe-esch.pdf")
    footers = [texts[int(r["page"]) - 1] for r in rows]
    assert "Groupe local Esch-sur-Alzette — feuille 1 / 5 — " + rows[0]["sheet_id"] in footers[0]
    assert "feuille 5 / 5" in footers[4]


def test_youth_sheets_ask_no_contact_data_adult_sheets_ask_consent(batch):
    youth = page_texts(batch / "lycee-aline-mayrisch-5b.pdf")[1]
    assert "Prénom" in youth and "Âge" in youth and "E-mail" not in youth and "Oui" not in youth
    assert "seuls ton prénom et ton âge sont demandés" in youth
    adult = " ".join(page_texts(batch / "groupe-esch.pdf")[1].split())
    assert "Nom et prénom" in adult and "E-mail" in adult and "Me tenir informé·e" in adult
    assert adult.count("Oui") >= 15 and adult.count("Non") >= 15
    lb = page_texts(batch / "ecole-bonnevoie-c4.pdf")[1]
    assert "Virnumm" in lb and "Alter" in lb


def test_sheet_ids_are_stable_across_runs(batch, cli, tmp_path):
    r = cli("signatures", "--groups", SCHOOLS, "--project", ROOT, "--out", tmp_path)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "signatures" / "manifest.csv").read_bytes() == (batch / "manifest.csv").read_bytes()


def test_jobs_give_the_same_files(batch, cli, tmp_path):
    r = cli("signatures", "--groups", SCHOOLS, "--project", ROOT, "--out", tmp_path, "--jobs", 2)
    assert r.exit_code == 0, r.output
    for group in EXPECTED_SHEETS:
        assert page_texts(tmp_path / "signatures" / f"{group}.pdf") == page_texts(batch / f"{group}.pdf")
    assert (tmp_path / "signatures" / "manifest.csv").read_bytes() == (batch / "manifest.csv").read_bytes()


def test_merge_makes_one_file_with_a_bookmark_per_group_and_case(cli, tmp_path):
    r = cli("signatures", "--groups", SCHOOLS, "--project", ROOT, "--out", tmp_path, "--merge",
            "--case", "dang-dinh-bach", "--case", "kyung-seok-park")
    assert r.exit_code == 0, r.output
    folder = tmp_path / "signatures"
    assert sorted(p.name for p in folder.iterdir()) == [".w4r-kit.sha256", "all-groups.pdf", "manifest.csv"]
    entries = outline(folder / "all-groups.pdf")
    assert [t for level, t, _ in entries if level == 0] == [
        "Lycée Aline Mayrisch – 5B", "École fondamentale Bonnevoie – C4.1", "Lycée Michel-Rodange – 2A"]
    assert "Đặng Đình Bạch" in [t for level, t, _ in entries if level == 1]
    rows = read_manifest(folder)
    assert {r["file"] for r in rows} == {"all-groups.pdf"}
    pages = [int(r["page"]) for r in rows]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    row = rows[-1]
    assert qr_codes(folder / "all-groups.pdf", int(row["page"]) - 1) == [row["url"]]


def test_no_progress_output_when_not_on_a_terminal(batch, cli, tmp_path):
    r = cli("signatures", "--groups", SCHOOLS, "--project", ROOT, "--out", tmp_path)
    assert all(line.startswith("warning:") for line in r.stderr.splitlines())


def test_bad_groups_file_is_reported_with_csv_lines(cli, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("id,name,lang,sheets,cases\n"
                      "a,Class A,fr,3,\n"
                      "a,Class A again,fr,2,\n"
                      "b,Class B,de,2,\n"
                      "c,Class C,fr,lots,\n"
                      "d,Class D,fr,2,dang-dinh-bah\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", ROOT, "--out", tmp_path / "out")
    assert r.exit_code == 1
    err = r.stderr
    assert f"{groups}:3: id: id 'a' is used twice (also on line 2); ids must be unique" in err
    assert f"{groups}:4: lang: language 'de' is not one of the campaign languages (fr, en, lb)" in err
    assert f"{groups}:5: sheets: sheets must be a whole number from 1 to 1000, not 'lots'" in err
    assert f"{groups}:6: cases: no case 'dang-dinh-bah'; did you mean 'dang-dinh-bach'?" in err
    assert not (tmp_path / "out").exists()


def test_missing_columns(cli, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("id;name;sheets\nx;Class X;2\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", ROOT, "--out", tmp_path / "out")
    assert r.exit_code == 1
    assert "1: lang: missing column 'lang'" in r.stderr


def test_progress_bar_on_a_terminal(monkeypatch):
    import io
    import sys

    from w4r_kit import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with cli._progress() as advance:
        assert advance is not None
        for _ in range(3):
            advance(10)
    with monkeypatch.context() as m:
        m.setattr(sys, "stderr", io.StringIO())
        with cli._progress() as advance:
            assert advance is None
