"""Printed quality that can be measured (SPEC §14): type sizes from the PDFs' text runs,
white margins of office files from renders, form columns, names never split at a line
end, page numbers and the contents against the outline, line lengths."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from conftest import ROOT, Cli, copy_example
from pdfcheck import outline, page_texts

LANGS = ("fr", "en", "lb")
MIN_PT = 6.5


def text_runs(path: Path | PdfReader, page: int) -> list[tuple[str, float, float, float]]:
    """(text, effective size in pt, x, y) of every text run on a page, form XObjects included."""
    reader = path if isinstance(path, PdfReader) else PdfReader(str(path))
    runs = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2]))
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((text.strip(), size * scale, x, y))

    reader.pages[page].extract_text(visitor_text=visit)
    return runs


def _build(tmp_path_factory, name: str, paper: str, duplex: bool) -> dict[str, Path]:
    project = copy_example(tmp_path_factory.mktemp(name) / "kit")
    toml = (project / "kit.toml").read_text(encoding="utf-8")
    toml = re.sub(r"(?m)^duplex = \S+", f"duplex = {'true' if duplex else 'false'}", toml)
    (project / "kit.toml").write_text(toml, encoding="utf-8")
    r = Cli()("build", "--project", project, "--out", project / "out", "--paper", paper)
    assert r.exit_code == 0, r.output
    return {lang: project / "out" / f"kit-{lang}.pdf" for lang in LANGS}


@pytest.fixture(scope="module")
def letter_duplex(tmp_path_factory) -> dict[str, Path]:
    """The example kit on Letter, office variant (no bleed), in duplex."""
    return _build(tmp_path_factory, "letter-duplex", "Letter", True)


@pytest.fixture(scope="module")
def packs(tmp_path_factory, monkeypatch_module) -> list[Path]:
    """Signature packs of examples/schools.csv (collector's page, sheets, return form)."""
    out = tmp_path_factory.mktemp("packs")
    monkeypatch_module.setenv("W4R_KIT_DB", f"sqlite:///{out / 'registry.sqlite'}")
    r = Cli()("signatures", "--groups", ROOT / "examples" / "schools.csv", "--project", ROOT, "--out", out)
    assert r.exit_code == 0, r.output
    return sorted((out / "signatures").glob("*.pdf"))


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _all_files(example_kit, letter_duplex, packs) -> list[Path]:
    return [*example_kit.values(), *letter_duplex.values(), *packs]


# --------------------------------------------------------------------------- type sizes

def test_no_text_below_6_5_pt_on_any_page_of_any_artefact(example_kit, letter_duplex, packs):
    small = []
    for path in _all_files(example_kit, letter_duplex, packs):
        reader = PdfReader(str(path))
        for page in range(len(reader.pages)):
            small += [(path.name, page + 1, text[:30], round(size, 2)) for text, size, _, _ in
                      text_runs(reader, page) if size < MIN_PT - 0.01]
    assert not small, small[:10]


def test_story_is_running_text_of_9_5_to_11_pt(example_kit):
    """The first paragraph of every story, found on its case sheet, is set at 9.5-11 pt."""
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    kit = load_project(Project(ROOT, ROOT / "dist"))
    path = example_kit["en"]
    starts = {title: page for level, title, page in outline(path) if level == 0}
    for case in kit.cases:
        first_words = " ".join(case.story["en"].split()[:4])
        sizes = [size for text, size, _, _ in text_runs(path, starts[case.name_in("en")])
                 if text.startswith(first_words) and len(text) > 30]
        assert sizes and all(9.5 <= s <= 11 for s in sizes), (case.id, sizes)


@pytest.mark.parametrize("lang", LANGS)
def test_no_story_line_is_stranded_alone_under_the_photo_box(example_kit, lang):
    """Under the photo box (or pull-quote panel) the story goes on for 3 lines or more, or not
    at all: one or two lines alone there read as an accident."""
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    kit = load_project(Project(ROOT, ROOT / "dist"))
    path = example_kit[lang]
    reader = PdfReader(str(path))
    starts = {title: page for level, title, page in outline(path) if level == 0}
    left_column_end = (18 + 66) * mm        # the margin and the photo box's width
    checked = 0
    for case in kit.cases:
        story, demand = (" ".join(text[lang].split()) for text in (case.story, case.ask))
        below = {round(y) for text, size, x, y in text_runs(reader, starts[case.name_in(lang)])
                 if 9.5 <= size <= 11 and x < left_column_end
                 and text.rstrip("-")[:20] in story and text.rstrip("-")[:20] not in demand}
        assert len(below) == 0 or len(below) >= 3, (case.id, sorted(below))
        checked += 1
    assert checked == len(kit.cases) == 9


@pytest.mark.parametrize("lang", LANGS)
def test_running_text_lines_are_at_most_about_80_characters(example_kit, lang):
    """Case sheets, letters and the cover: no line of more than ~80 characters (SPEC §14)."""
    path = example_kit[lang]
    kinds = {"Fiche", "Lettre type", "Case sheet", "Model letter", "Modellbréif"}
    pages = [0] + [page for level, title, page in outline(path) if level == 1 and title in kinds]
    texts = page_texts(path)
    long = [(p + 1, line) for p in pages for line in texts[p].splitlines()
            if len(line.strip()) > 85 and " · " not in line]       # footers are not running text
    assert not long, long[:5]


# --------------------------------------------------------------------------- office margins

def _ink_near_edges(path: Path, margin_mm: float, dpi: int = 50) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    faults = []
    try:
        for i in range(len(pdf)):
            img = np.asarray(pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            k = int(margin_mm / 25.4 * dpi)
            strips = {"top": img[:k], "bottom": img[-k:], "left": img[:, :k], "right": img[:, -k:]}
            faults += [f"page {i + 1}: ink within {margin_mm} mm of the {name} edge"
                       for name, strip in strips.items() if (strip < 245).any()]
    finally:
        pdf.close()
    return faults


def test_office_files_leave_5_mm_white_all_round(example_kit, letter_duplex, packs):
    """bleed_mm = 0: office printers cannot print to the edge, so nothing is (SPEC §14).
    Checked 4.5 mm deep at 50 dpi, so anti-aliasing of what sits at 5 mm does not count."""
    faults = []
    for path in (example_kit["fr"], letter_duplex["lb"], packs[0]):
        faults += [f"{path.name} {f}" for f in _ink_near_edges(path, 4.5)]
    assert not faults, faults[:10]


# --------------------------------------------------------------------------- forms

@pytest.mark.parametrize("paper", ("A4", "Letter"))
def test_signature_form_is_sized_for_handwriting(paper):
    """Rows >= 10 mm, e-mail column >= 60 mm, town wider than 25 mm (SPEC §14), as drawn:
    form_layout is computed by the code that draws the table."""
    from w4r_kit.assemble import context
    from w4r_kit.layout.signature_sheet import form_layout
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    kit = load_project(Project(ROOT, ROOT / "dist"))
    for lang in LANGS:
        ctx = context(kit, lang, paper)
        for case in kit.cases:
            layout = form_layout(ctx, case, "adult")
            width = {name: (b - a) / mm for name, (a, b) in layout.columns.items()}
            assert width["email"] >= 60 and width["city"] > 25 and width["name"] >= 30, width
            assert all(row.rect.height >= 10 * mm - 0.01 for row in layout.rows)
            youth = form_layout(ctx, case, "youth")
            assert all(row.rect.height >= 10 * mm - 0.01 for row in youth.rows)


def test_master_sheet_says_sheet_no_and_carries_no_sheet_id(example_kit, packs):
    import csv
    texts = page_texts(example_kit["en"])
    sheets = [t for t in texts if "Petition —" in t]
    assert sheets and all("sheet no. ___" in t for t in sheets)
    assert not any(re.search(r"sheet \d+ / \d+", t) for t in sheets)
    # an issued pack's sheets name their own id
    manifest = list(csv.DictReader(open(packs[0].parent / "manifest.csv", encoding="utf-8")))
    pack_text = "\n".join(page_texts(packs[0]))
    assert all(row["sheet_id"] in pack_text for row in manifest if row["file"].endswith(packs[0].name))


@pytest.mark.parametrize("lang", LANGS)
def test_every_qr_code_has_its_short_url_under_it(example_kit, lang):
    """On case sheets and signature sheets the petition's short address is printed (wrapped
    after a / or a -, so compare without line breaks)."""
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    from w4r_kit.tracking import short_url
    kit = load_project(Project(ROOT, ROOT / "dist"))
    reader = PdfReader(str(example_kit[lang]))
    entries = outline(example_kit[lang])
    for case in kit.cases_for(lang):
        url = short_url(case.petition_url)
        start = [p for level, title, p in entries if level == 0 and title == case.name][0]
        for page in (start, start + 3):        # the case sheet and the signature sheet
            pieces = sorted((-y, t) for t, _, _, y in text_runs(reader, page) if t in url)
            found = ""
            for _, piece in pieces:
                if url.startswith(found + piece):
                    found += piece
            assert found == url, (case.id, page + 1, pieces)


# --------------------------------------------------------------------------- names and hyphens

def _proper_names():
    from w4r_kit.assemble import proper_names
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    return proper_names(load_project(Project(ROOT, ROOT / "dist")))


def test_no_proper_name_is_hyphenated_or_split_at_a_line_end(example_kit, letter_duplex):
    from w4r_kit.layout.context import NAME_MAX_CHARS
    names = [n for n in _proper_names() if len(n) <= NAME_MAX_CHARS]   # a longer one may wrap (by design)
    words = {w.strip(",.") for n in names for w in n.split() if len(w) >= 4}
    faults = []
    for path in (*example_kit.values(), *letter_duplex.values()):
        for p, text in enumerate(page_texts(path)):
            lines = [ln.strip() for ln in text.splitlines()]
            for line, following in zip(lines, lines[1:] + [""]):
                last = line.split()[-1] if line.split() else ""
                if last.endswith("-") and any(w.startswith(last[:-1]) and w != last[:-1] for w in words
                                              if len(last) > 2):
                    faults.append((path.name, p + 1, line[-30:], following[:20]))
                for name in names:
                    parts = name.split()
                    for k in range(1, len(parts)):
                        if line.endswith(" ".join(parts[:k])) and following.startswith(" ".join(parts[k:])):
                            faults.append((path.name, p + 1, name))
    assert not faults, faults[:10]


# --------------------------------------------------------------------------- page numbers, contents

@pytest.mark.parametrize("lang", LANGS)
def test_cover_lists_every_case_with_the_page_the_outline_gives(example_kit, lang):
    path = example_kit[lang]
    starts = {title: page + 1 for level, title, page in outline(path) if level == 0}
    runs = text_runs(path, 0)
    listed = {}
    for text, _, x, y in runs:
        if text in starts:
            numbers = sorted((nx, t) for t, _, nx, ny in runs if t.isdigit() and abs(ny - y) < 1 and nx > x)
            listed[text] = int(numbers[0][1]) if numbers else None
    entries = outline(path)
    with_artefacts = {title for (level, title, _), after in zip(entries, entries[1:]) if level == 0 and after[0] == 1}
    cases = {t: p for t, p in starts.items() if p > 1 and t in with_artefacts}    # not the advice, successes pages
    assert listed == cases


def test_case_sheets_carry_their_page_number_and_posted_pages_none(example_kit):
    path = example_kit["en"]
    entries = outline(path)
    n_pages = len(page_texts(path))
    numbered = {p for level, title, p in entries if level == 1 and title == "Case sheet"}
    unnumbered = {p for level, title, p in entries if level == 1 and title in ("Model letter", "Writing paper")}
    footer_y = 12 * mm
    for p in range(n_pages):
        digits = [t for t, _, x, y in text_runs(path, p) if t.isdigit() and abs(y - footer_y) < 2]
        if p in numbered:
            assert digits == [str(p + 1)], (p + 1, digits)
        if p in unnumbered:
            assert not digits, (p + 1, digits)


def test_duplex_contents_page_matches_the_outline(letter_duplex):
    path = letter_duplex["en"]
    entries = outline(path)
    assert entries[1][1] == "Contents" and entries[1][2] == 1
    runs = text_runs(path, 1)
    pairs = {}
    for text, _, x, y in runs:
        numbers = sorted((nx, t) for t, _, nx, ny in runs if t.isdigit() and abs(ny - y) < 1 and nx > x)
        if numbers and not text.isdigit():       # the nearest number to its right (two columns)
            pairs.setdefault(text, []).append(int(numbers[0][1]))
    expected = {}
    for level, title, page in entries[2:]:
        expected.setdefault(title, []).append(page + 1)
    assert pairs == expected
