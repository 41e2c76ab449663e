"""The commands of SPEC §8 as a volunteer, a teacher or section staff run them."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from pdfcheck import outline, page_sizes, page_texts, qr_codes, text

LETTER = (612.0, 792.0)


def test_case_command_writes_one_case_for_a_group(cli, tmp_path):
    r = cli("case", "dang-dinh-bach", "--lang", "lb", "--group", "Klass 5B", "--sheets", 3,
            "--project", ROOT, "--out", tmp_path)
    assert r.exit_code == 0, r.output
    path = tmp_path / "dang-dinh-bach-lb.pdf"
    assert f"wrote {path} (6 pages)" in r.stdout
    texts = page_texts(path)
    assert len(texts) == 6                       # case sheet, letter, letterhead, 3 sheets
    ids = []
    for k in (1, 2, 3):
        m = re.search(rf"Klass 5B — Blat {k} / 3 — ([a-z2-7]{{7}})", texts[2 + k])
        assert m, texts[2 + k]
        ids.append(m.group(1))
        assert qr_codes(path, 2 + k) == [
            "https://www.amnesty.lu/w4r/2024/dang-dinh-bach?utm_source=amnesty-lu&utm_medium=print"
            f"&utm_campaign=w4r-2024&utm_content=klass-5b-{k}"]
    assert len(set(ids)) == 3
    assert "Đặng Đình Bạch" in texts[0]


def test_sheet_ids_are_stable_across_runs(cli, tmp_path):
    for out in ("a", "b"):
        r = cli("case", "oqba-hashad", "--lang", "en", "--group", "Group 12", "--sheets", 2,
                "--project", ROOT, "--out", tmp_path / out)
        assert r.exit_code == 0, r.output
    first, second = (page_texts(tmp_path / out / "oqba-hashad-en.pdf") for out in ("a", "b"))
    assert first[3] == second[3] and first[4] == second[4]


def test_init_then_build(cli, starter):
    r = cli("build", "--project", starter)
    assert r.exit_code == 0, r.output
    for lang in ("fr", "en", "lb"):
        path = starter / "dist" / f"kit-{lang}.pdf"
        assert "Şebnem Korur Fincancı" in text(path)
        # cover, advice page, successes page, then the case
        assert [t for level, t, _ in outline(path) if level == 0][3:] == ["Şebnem Korur Fincancı"]


def test_init_refuses_a_folder_that_is_not_empty(cli, starter):
    r = cli("init", starter)
    assert r.exit_code == 1
    assert "already exists and is not empty" in r.stderr


def test_letter_paper(cli, starter):
    r = cli("build", "--project", starter, "--lang", "en", "--paper", "letter")
    assert r.exit_code == 0, r.output
    assert page_sizes(starter / "dist" / "kit-en.pdf") == {LETTER}


def test_case_missing_a_language_is_reported(cli, starter):
    case = starter / "cases" / "sebnem-korur-fincanci.yaml"
    source = case.read_text(encoding="utf-8")
    lines = source.splitlines()
    story_line = next(i for i, line in enumerate(lines) if line.startswith("story:")) + 1
    case.write_text(re.sub(r"\n  lb: \|\n(    .*\n|\n)+?(?=\S)", "\n", source, count=1), encoding="utf-8")
    r = cli("build", "--project", starter)
    assert r.exit_code == 1
    assert f"cases/sebnem-korur-fincanci.yaml:{story_line}: story: no text for 'lb' " \
           "(add it, or build with --allow-incomplete)" in r.stderr
    assert not (starter / "dist").exists()

    r = cli("build", "--project", starter, "--lang", "fr")    # complete in fr: builds
    assert r.exit_code == 0, r.output

    r = cli("build", "--project", starter, "--lang", "lb", "--allow-incomplete")
    assert r.exit_code == 1                       # no case left in lb
    assert "no case is complete in this language" in r.stderr

    r = cli("list", "--project", starter)
    assert "missing story" in r.stdout


def test_date_option_fills_the_letter(cli, starter):
    r = cli("case", "sebnem-korur-fincanci", "--lang", "fr", "--date", "2026-12-01", "--sheets", 0,
            "--project", starter)
    assert r.exit_code == 0, r.output
    assert "1er décembre 2026" in page_texts(starter / "dist" / "sebnem-korur-fincanci-fr.pdf")[1]


@pytest.mark.parametrize("command", ["build", "case", "validate", "list", "init"])
def test_help_has_an_example(cli, command):
    r = cli(command, "--help")
    assert r.exit_code == 0
    assert "Example: w4r-kit" in r.stdout


def test_usage_errors_exit_2(cli):
    assert cli("build", "--paper", "A5").exit_code == 2
    assert cli("case").exit_code == 2
    assert cli("frobnicate").exit_code == 2


def test_not_a_project(cli, tmp_path):
    r = cli("build", "--project", tmp_path)
    assert r.exit_code == 1
    assert "no kit.toml" in r.stderr and "Traceback" not in r.output


def test_unknown_case(cli):
    r = cli("case", "dang-dinh-bah", "--lang", "fr", "--project", ROOT)
    assert r.exit_code == 1
    assert "no case 'dang-dinh-bah'; did you mean 'dang-dinh-bach'?" in r.stderr


@pytest.mark.parametrize("typed, meant", [("sebnem", "sebnem-korur-fincanci"), ("Joel", "joel-paredes")])
def test_unknown_case_named_by_the_start_of_its_id(cli, typed, meant):
    r = cli("case", typed, "--lang", "fr", "--project", ROOT)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2] == (f"cases: ID: no case '{typed}'; did you mean '{meant}'?; "
                                         "'w4r-kit list' shows them")


def test_same_inputs_and_source_date_epoch_give_identical_bytes(cli, starter, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    outputs = []
    for out in ("one", "two"):
        r = cli("build", "--project", starter, "--out", tmp_path / out, "--lang", "lb")
        assert r.exit_code == 0, r.output
        outputs.append((tmp_path / out / "kit-lb.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    assert b"D:20261122" in outputs[0]


def test_a_photo_is_printed_with_its_credit(cli, starter):
    from PIL import Image, ImageDraw
    from pdfcheck import reader
    image = Image.new("RGB", (600, 800), (40, 90, 160))
    ImageDraw.Draw(image).ellipse((150, 150, 450, 450), fill=(250, 220, 60))
    image.save(starter / "cases" / "portrait.jpg", quality=90)
    case = starter / "cases" / "sebnem-korur-fincanci.yaml"
    case.write_text(case.read_text(encoding="utf-8") + 'photo: portrait.jpg\nphoto_credit: "© Amnesty International"\n',
                    encoding="utf-8")
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--sheets", 0, "--project", starter)
    assert r.exit_code == 0, r.output
    path = starter / "dist" / "sebnem-korur-fincanci-en.pdf"
    images = reader(path).pages[0].images
    assert len(images) == 1 and images[0].image.size == (600, 800)
    text = page_texts(path)[0]
    assert "Photo: © Amnesty International" in text and "No photo" not in text
