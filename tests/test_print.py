"""Print-ready and reproducible (issue "what a print shop and a careful section expect"):
bleed and crop marks, duplex, A4 and Letter, byte-identical builds, language-aware
typesetting, names in their own script, and independent checks of the files."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml
from reportlab.lib.units import inch, mm

from conftest import ROOT, Cli, copy_example
from pdfcheck import (all_boxes, bleed_faults, boxes, char_boxes, independent_check, missing_tools, outline,
                      page_texts, reader, render)
from w4r_kit.layout.grid import CROP_MARK_ROOM_MM, ENVELOPES, Geometry
from w4r_kit.layout.text import paragraph, typeset

BLEED_MM = 3
SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}
LANGS = ("fr", "en", "lb")
PAPERS = ("A4", "Letter")
SHEETS = 1          # per case: case sheet, letter, writing paper (+ blank back), one signature sheet
CASES = sorted(p.stem for p in (ROOT / "cases").glob("*.yaml"))
def _names(name) -> set[str]:
    """A case's name, or its name in every language (name: {fr: ..., en: ...})."""
    return set(name.values()) if isinstance(name, dict) else {name}


CASE_NAMES = {n for case in CASES
              for n in _names(yaml.safe_load((ROOT / "cases" / f"{case}.yaml").read_text(encoding="utf-8"))["name"])}
SOURCE_DATE_EPOCH = "1795305600"          # 2026-11-22 00:00:00 UTC


def _project(tmp_path_factory, name: str, bleed: float, duplex: bool):
    target = copy_example(tmp_path_factory.mktemp(name) / "kit", successes=True)
    toml = (target / "kit.toml").read_text(encoding="utf-8")
    toml = re.sub(r"(?m)^bleed_mm = \S+", f"bleed_mm = {bleed}", toml)
    toml = re.sub(r"(?m)^duplex = \S+", f"duplex = {'true' if duplex else 'false'}", toml)
    (target / "kit.toml").write_text(toml, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def print_kits(tmp_path_factory):
    """The example kit (successes page included) with 3 mm bleed and duplex, on A4 and on Letter,
    in every language."""
    project = _project(tmp_path_factory, "print-kit", BLEED_MM, True)
    kits = {}
    for paper in PAPERS:
        r = Cli()("build", "--project", project, "--out", project / paper, "--paper", paper,
                  "--sheets", SHEETS)
        assert r.exit_code == 0, r.output
        kits[paper] = {lang: project / paper / f"kit-{lang}.pdf" for lang in LANGS}
    return kits


def _case_pages(path) -> list[int]:
    """0-based first page of every case (its level-0 outline entry)."""
    return [page for level, title, page in outline(path)[1:] if level == 0 and title in CASE_NAMES]


def _dark(pixels: np.ndarray) -> bool:
    return bool((pixels.max(axis=-1) < 128).any())


# --------------------------------------------------------------------------- bleed and crop marks

@pytest.mark.parametrize("paper", PAPERS)
def test_bleed_sets_media_trim_and_bleed_boxes(print_kits, paper):
    w, h = SIZES[paper]
    bleed = BLEED_MM * mm
    off = bleed + CROP_MARK_ROOM_MM * mm          # MediaBox = trim + 2 x (bleed + room for the marks)
    expected = {"mediabox": (0, 0, w + 2 * off, h + 2 * off),
                "trimbox": (off, off, off + w, off + h),
                "bleedbox": (off - bleed, off - bleed, off + w + bleed, off + h + bleed)}
    for lang in LANGS:
        for page, got in enumerate(all_boxes(print_kits[paper][lang])):
            for name, box in expected.items():
                assert got[name] == pytest.approx(box, abs=0.01), (lang, page, name)


@pytest.mark.parametrize("paper", PAPERS)
def test_crop_marks_sit_outside_the_bleed_and_never_touch_it(print_kits, paper):
    path = print_kits[paper]["en"]
    for page in (0, _case_pages(path)[0] + 1):     # the cover (band to the edge) and a model letter
        img, s = render(path, page, dpi=300)
        b = boxes(path, page)
        top = b["mediabox"][3]
        (tx0, ty0, tx1, ty1), (bx0, by0, bx1, by1) = b["trimbox"], b["bleedbox"]
        gap = 1 * mm                               # marks keep at least 1 mm clear of the bleed
        room = CROP_MARK_ROOM_MM * mm              # from the bleed edge to the media edge

        def region(x0, y0, x1, y1):                # PDF points, bottom-up -> pixels
            return img[max(0, int((top - y1) * s)):int((top - y0) * s), max(0, int(x0 * s)):int(x1 * s)]

        for (tx, bx, sx), (ty, by, sy) in [((tx0, bx0, -1), (ty0, by0, -1)), ((tx1, bx1, 1), (ty0, by0, -1)),
                                           ((tx0, bx0, -1), (ty1, by1, 1)), ((tx1, bx1, 1), (ty1, by1, 1))]:
            def box(xa, xb, ya, yb):
                return region(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            # a mark in line with each trim edge, beyond the bleed: one horizontal, one vertical
            assert _dark(box(bx + sx * gap, bx + sx * room, ty - 1, ty + 1)), (page, tx, ty)
            assert _dark(box(tx - 1, tx + 1, by + sy * gap, by + sy * room)), (page, tx, ty)
            # nothing dark in the corner of the bleed, nor in the gap just outside it
            assert not _dark(box(tx, bx + sx * gap, ty, by + sy * gap)), (page, tx, ty)


def test_without_bleed_pages_are_plain_and_trimmed(example_kit):
    path = example_kit["en"]
    page = _case_pages(path)[0] + 1                # the model letter: nothing near the corners
    p = reader(path).pages[page]
    assert "/TrimBox" not in p and "/BleedBox" not in p
    assert boxes(path, page)["mediabox"] == (0, 0, *SIZES["A4"])
    img, s = render(path, page, dpi=150)
    corner = int(12 * mm * s)
    for rows in (slice(0, corner), slice(-corner, None)):
        for cols in (slice(0, corner), slice(-corner, None)):
            assert not _dark(img[rows, cols]), "crop marks on a page without bleed"


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("lang", LANGS)
def test_bands_and_full_bleed_elements_run_into_the_bleed(print_kits, paper, lang):
    path = print_kits[paper][lang]
    faults = [f for page, b in enumerate(all_boxes(path)) for f in bleed_faults(path, page, b)]
    assert faults == []
    # not vacuous: the cover's yellow band fills the top bleed right up to its edge
    img, s = render(path, 0)
    b = boxes(path, 0)
    top_edge = int((b["mediabox"][3] - b["bleedbox"][3] + 1) * s)
    strip = img[top_edge, int((b["bleedbox"][0] + 1) * s):int((b["bleedbox"][2] - 1) * s)]
    assert (strip == [255, 255, 0]).all()


# --------------------------------------------------------------------------- duplex

@pytest.mark.parametrize("paper", PAPERS)
def test_duplex_starts_every_case_on_a_right_hand_page(print_kits, paper):
    path = print_kits[paper]["fr"]
    starts = _case_pages(path)
    assert len(starts) == len(CASES)
    assert all((page + 1) % 2 == 1 for page in starts), [p + 1 for p in starts]
    texts = page_texts(path)
    blanks = [i for i, t in enumerate(texts) if not t.strip()]
    posted = [page for level, title, page in outline(path)
              if level == 1 and title in ("Lettre type", "Papier à lettre")]
    # the model letter and the writing paper are posted: each a right-hand page with a blank back
    assert len(posted) == 2 * len(CASES) and all(page % 2 == 0 for page in posted)
    assert all(page + 1 in blanks for page in posted)
    # cover | contents, advice page | successes page; per case: case sheet | blank, letter |
    # blank, writing paper | blank, signature sheets (| blank), and for a case with solidarity
    # cards: fronts | backs, the fronts on a right-hand page
    assert [(title, page) for level, title, page in outline(path)[:4]] == [
        ("Couverture et mode d’emploi", 0), ("Sommaire", 1), ("Écrire, poster, rester en sécurité", 2),
        ("Vos lettres changent des vies", 3)]
    assert "Sommaire" in texts[1] and "Rita Karassartova" in texts[3] and not {1, 2, 3} & set(blanks)
    assert starts[0] == 4                  # the first case on the right-hand page after the successes
    cards = [page for level, title, page in outline(path) if level == 1 and title == "Cartes de solidarité"]
    assert len(cards) == 4 and all(page % 2 == 0 for page in cards)
    assert all(texts[page + 1].strip() for page in cards)          # the backs, behind the fronts
    expected = {page + 1 for page in posted + starts} | {page - 1 for page in starts + cards}
    assert set(blanks) <= expected


@pytest.mark.parametrize("paper", PAPERS)
def test_duplex_blank_pages_are_white_inside_the_bleed(print_kits, paper):
    path = print_kits[paper]["lb"]
    blanks = [i for i, t in enumerate(page_texts(path)) if not t.strip()]
    assert blanks
    for page in blanks:
        img, s = render(path, page)
        b = boxes(path, page)
        top = b["mediabox"][3]
        x0, y0, x1, y1 = b["bleedbox"]
        inside = img[int((top - y1) * s) + 1:int((top - y0) * s) - 1, int(x0 * s) + 1:int(x1 * s) - 1]
        assert (inside == 255).all(), f"page {page + 1} is not blank"


def test_page_labels_count_the_blank_pages(print_kits):
    path = print_kits["A4"]["en"]
    r = reader(path)
    assert "/PageLabels" in r.trailer["/Root"]
    assert r.page_labels == [str(n) for n in range(1, len(r.pages) + 1)]


def test_without_duplex_no_blank_page_is_added(example_kit):
    texts = page_texts(example_kit["fr"])
    # cover, advice, successes; four pages per case; two pages of cards for 4 cases
    assert len(texts) == 3 + 4 * len(CASES) + 2 * 4 and all(t.strip() for t in texts)


# --------------------------------------------------------------------------- A4 and Letter

def _printed_lines(case_id: str, lang: str) -> list[str]:
    """The addressee block's lines as printed ([...] lines become the translated label)."""
    data = yaml.safe_load((ROOT / "cases" / f"{case_id}.yaml").read_text(encoding="utf-8"))
    a = data["addressee"]
    tbc = {"en": "[address to be confirmed]", "fr": "[adresse à confirmer]"}[lang]
    return [a["name"], a["title"][lang]] + [tbc if line.startswith("[") else line for line in a["address"]]


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("lang", ("en", "fr"))
def test_addressee_block_sits_inside_the_envelope_window(print_kits, paper, lang):
    """DL window (DIN 5008 B) for A4, #10 window for Letter, on the letter and the writing paper."""
    path = print_kits[paper][lang]
    env = ENVELOPES[paper]
    g = Geometry(paper, BLEED_MM * mm)
    media_top = g.media[1]
    left, right = g.offset + env.left, g.offset + env.left + env.width
    top = media_top - g.offset - env.top
    bottom = top - env.height
    titles = {"en": ("Model letter", "Writing paper"), "fr": ("Lettre type", "Papier à lettre")}[lang]
    pages = [page for level, title, page in outline(path) if level == 1 and title in titles]
    assert len(pages) == 2 * len(CASES)
    for case_id, page in zip([c for c in CASES for _ in range(2)], pages):
        text, chars = char_boxes(path, page)
        for line in _printed_lines(case_id, lang):
            found = re.search(r"\s+".join(map(re.escape, line.split())), text)
            assert found, (case_id, line)
            for i in range(found.start(), found.end()):
                if text[i].isspace():
                    continue
                x0, y0, x1, y1 = chars[i]
                assert left <= x0 and x1 <= right and bottom <= y0 and y1 <= top, (case_id, page, line, text[i])


def test_letter_window_is_the_standard_10_window():
    """#10 envelope 4 1/8 x 9 1/2 in, window 1 1/8 x 4 1/2 in at 7/8 in from the left and
    1/2 in from the bottom; Letter folded in thirds rests on the envelope's bottom."""
    env = ENVELOPES["Letter"]
    panel = 11 / 3 * inch
    assert env.left == pytest.approx(7 / 8 * inch)
    assert env.top == pytest.approx((4.125 - 0.5 - 1.125) * inch - (4.125 * inch - panel))
    assert env.height == pytest.approx(1.125 * inch)
    assert env.top + env.height <= panel            # inside the top third of the sheet
    assert ENVELOPES["A4"].top + ENVELOPES["A4"].height <= 105 * mm


@pytest.mark.parametrize("paper", PAPERS)
def test_every_character_is_inside_the_safe_area(print_kits, paper):
    """Nothing is cut: all text sits at least 4 mm inside the trim on every page."""
    path = print_kits[paper]["fr"]
    b = boxes(path, 0)
    safe = 4 * mm
    x0, y0, x1, y1 = b["trimbox"]
    for page in range(len(reader(path).pages)):
        text, chars = char_boxes(path, page)
        for ch, (cx0, cy0, cx1, cy1) in zip(text, chars):
            if ch.isspace() or cx1 - cx0 == 0:
                continue
            assert x0 + safe <= cx0 and cx1 <= x1 - safe and y0 + safe <= cy0 and cy1 <= y1 - safe, \
                (page + 1, ch, text)


def test_letter_pages_are_laid_out_for_letter_not_shrunk(print_kits):
    """The text ends at the Letter page's right margin (18 mm), the footer at full size."""
    for paper in PAPERS:
        path = print_kits[paper]["en"]
        page = _case_pages(path)[0]
        text, chars = char_boxes(path, page)
        x1 = max(box[2] for ch, box in zip(text, chars) if not ch.isspace())
        trim_x0 = boxes(path, page)["trimbox"][0]
        assert x1 == pytest.approx(trim_x0 + SIZES[paper][0] - 18 * mm, abs=1.0), paper
        end = text.rfind("www.amnesty.lu")
        height = chars[end][3] - chars[end][1]
        assert 3.5 < height < 7, paper             # 7 pt footer text, not scaled


# --------------------------------------------------------------------------- reproducible

_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}\+00'00'\)")
_ID = re.compile(rb"/ID \n\[<([0-9a-f]{32})><\1>\]")


def _case(project, out, *extra):
    r = Cli()("case", "kyung-seok-park", "--lang", "fr", "--sheets", 2, "--project", project,
              "--out", out, *extra)
    assert r.exit_code == 0, r.output
    return (out / "kyung-seok-park-fr.pdf").read_bytes()


@pytest.fixture(scope="module")
def bleed_project(tmp_path_factory):
    return _project(tmp_path_factory, "bleed-project", BLEED_MM, True)


def test_same_inputs_and_source_date_epoch_give_identical_bytes_across_processes(bleed_project, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    here = _case(bleed_project, tmp_path / "a", "--paper", "Letter")
    again = _case(bleed_project, tmp_path / "b", "--paper", "Letter")
    env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "w4r_kit", "case", "kyung-seok-park", "--lang", "fr", "--sheets", "2",
                    "--paper", "Letter", "--project", str(bleed_project), "--out", str(tmp_path / "c")],
                   check=True, capture_output=True, env={**__import__("os").environ, **env})
    other = (tmp_path / "c" / "kyung-seok-park-fr.pdf").read_bytes()
    assert here == again == other
    assert _DATES.findall(here) == [b"CreationDate", b"ModDate"]
    assert here.count(b"D:20261122000000+00'00'") == 2


def test_without_source_date_epoch_only_the_dates_differ(bleed_project, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    builds = []
    for n, now in enumerate((1795305600.25, 1800000000.75)):      # two different clocks
        monkeypatch.setattr(time, "time", lambda now=now: now)
        builds.append(_case(bleed_project, tmp_path / str(n)))
    first, second = builds
    assert first != second
    assert _DATES.sub(b"", first) == _DATES.sub(b"", second)
    assert b"D:20261122000000+00'00'" in first and b"D:20270115080000+00'00'" in second
    # the /ID comes from the content: same content, same /ID; other content, other /ID
    assert _ID.search(first)[1] == _ID.search(second)[1]
    other = _case(bleed_project, tmp_path / "other", "--group", "Groupe 12")
    assert _ID.search(other)[1] != _ID.search(first)[1]
    assert _ID.search(first)[1] != hashlib.md5(b"").hexdigest().encode()


def test_a_malformed_source_date_epoch_is_reported(bleed_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    r = Cli()("case", "kyung-seok-park", "--lang", "fr", "--project", bleed_project, "--out", tmp_path)
    assert r.exit_code == 1
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a time in seconds since 1970-01-01 UTC" in r.stderr
    assert "Traceback" not in r.output


# --------------------------------------------------------------------------- typesetting

@pytest.mark.parametrize("text, expected", [
    ("Pourquoi ? Parce que !", "Pourquoi\u202f? Parce que\u202f!"),
    ("Pourquoi? Parce que!", "Pourquoi\u202f? Parce que\u202f!"),
    ("Note : voir ci-dessous; fin", "Note\u00a0: voir ci-dessous\u202f; fin"),
    ("Note: x", "Note\u00a0: x"),
    ("« texte »", "«\u00a0texte\u00a0»"),
    ("«texte»", "«\u00a0texte\u00a0»"),
    ('il a dit "non"', "il a dit «\u00a0non\u00a0»"),
    ("l'homme", "l\u2019homme"),
    ("https://amnesty.lu/w4r?utm=1 à 12:30", "https://amnesty.lu/w4r?utm=1 à 12:30"),
])
def test_french_spacing_and_quotes(text, expected):
    assert typeset(text, "fr") == expected
    assert typeset(expected, "fr") == expected          # typesetting twice changes nothing


@pytest.mark.parametrize("lang, expected", [
    ("en", "She said \u201cno\u201d, it\u2019s over"),
    ("lb", "She said \u201eno\u201c, it\u2019s over"),
])
def test_quotes_and_apostrophes_per_language(lang, expected):
    assert typeset('She said "no", it\'s over', lang) == expected
    assert typeset("Why ? Because!", lang) == "Why ? Because!"     # French spacing only in French


@pytest.fixture(scope="module")
def contexts():
    from w4r_kit.assemble import context
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    kit = load_project(Project(ROOT, ROOT / "dist"))
    return {lang: context(kit, lang) for lang in LANGS}, kit


def _lines(p, width: float) -> list[list[str]]:
    p.wrap(width, 10_000)
    return [list(words) for _, words in p.blPara.lines]


@pytest.mark.parametrize("lang", LANGS)
def test_running_text_is_ragged_and_never_hyphenated_by_the_tool(contexts, lang):
    """SPEC §14: ragged-right in every language, the same look in fr, en and lb, and no
    word (a proper name least of all) broken by the tool at a line end."""
    ctxs, kit = contexts
    ctx = ctxs[lang]
    breaks = []
    for case in kit.cases:
        source = case.story[lang]
        for text in source.split("\n\n"):
            for width in (150, 180, 220):
                for style in ("body", "letter"):
                    lines = _lines(paragraph(ctx, text, style), width)
                    for line in lines[:-1]:
                        last = line[-1]
                        if last.endswith("-") and not re.search(re.escape(last) + r"\S", source):
                            breaks.append(last)
    assert not breaks, breaks[:10]
    from reportlab.lib.enums import TA_LEFT
    assert all(st.alignment == TA_LEFT for st in ctx.styles.values())


def test_luxembourgish_soft_hyphens_are_honoured(contexts):
    ctx = contexts[0]["lb"]
    text = "Mir schreiwen de Bréif\u00admarathon\u00adbréif un d’Regierung."
    lines = _lines(paragraph(ctx, text, "body"), 110)
    assert lines[0][-1] == "Bréif-" and lines[1][0] == "marathonbréif"
    assert all("\u00ad" not in word for line in lines for word in line)


@pytest.mark.parametrize("lang", LANGS)
def test_story_paragraphs_leave_no_widow_or_orphan(contexts, lang):
    ctxs, kit = contexts
    ctx = ctxs[lang]
    text = max((p for c in kit.cases for p in c.story[lang].split("\n\n")), key=len)
    p = paragraph(ctx, text, "body")
    n = len(_lines(p, 200))
    leading = ctx.styles["body"].leading
    assert n >= 5
    for room in range(1, n):
        parts = paragraph(ctx, text, "body").split(200, room * leading + 0.1)
        counts = [len(_lines(part, 200)) for part in parts]
        if room == 1:
            assert counts == [], "one line alone at the foot of a frame (orphan)"
        else:
            assert sum(counts) == n and all(c >= 2 for c in counts), (room, counts)


# --------------------------------------------------------------------------- names in any script

def test_right_to_left_names_are_refused_naming_the_character(starter):
    """Arabic is not printed (see README, "Names in any script"): the build says why."""
    case = starter / "cases" / "sebnem-korur-fincanci.yaml"
    source = case.read_text(encoding="utf-8")
    case.write_text(re.sub(r'(?m)^name: .*$', 'name: "منال العتيبي"', source), encoding="utf-8")
    r = Cli()("build", "--project", starter, "--lang", "en")
    assert r.exit_code == 1
    assert "cases/sebnem-korur-fincanci.yaml:2: name: the fonts cannot draw 'م' (U+0645 ARABIC LETTER MEEM)" in r.stderr
    assert not (starter / "dist").exists()


# --------------------------------------------------------------------------- independent checks

@pytest.mark.parametrize("paper", PAPERS)
def test_print_files_pass_qpdf_and_have_every_font_embedded(print_kits, paper):
    if missing_tools():
        pytest.skip(f"{', '.join(missing_tools())} not installed (.ci/run installs qpdf and poppler-utils)")
    for path in print_kits[paper].values():
        assert independent_check(path) == []


def test_a_kit_rendered_one_language_per_process_has_the_same_bytes(monkeypatch):
    """`build` renders each language in a process of its own where there are cores for it:
    the files are byte for byte those of one process."""
    from w4r_kit.assemble import Options, kit_pdfs
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    kit = load_project(Project(ROOT, ROOT / "dist"), ["fr", "lb"])
    alone = kit_pdfs(kit, ["fr", "lb"], Options(), jobs=1)
    side_by_side = kit_pdfs(kit, ["fr", "lb"], Options(), jobs=2)
    assert alone == side_by_side and set(alone) == {"fr", "lb"}
