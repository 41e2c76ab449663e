"""More of a real kit (SPEC §13), as users see it: the advice page, solidarity cards, the
successes page and the event poster, in fr, en and lb, and what `validate` says about
their data files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from pdfcheck import char_boxes, outline, page_sizes, page_texts, qr_codes, text

LANGS = ("fr", "en", "lb")
MM = 72 / 25.4
A6 = (105 * MM, 148 * MM)
QUARTER_LETTER = (4.25 * 72, 5.5 * 72)
CARD_CASES = ["Joel Paredes", "Kyung Seok Park", "Şebnem Korur Fincancı", "Wet’suwet’en Land Defenders"]
CARD_CASES_IN = {"fr": CARD_CASES[:-1] + ["Défenseur·e·s des terres de la Nation Wet’suwet’en"],
                 "en": CARD_CASES, "lb": CARD_CASES}     # a case's name may be translated
WORDS = {
    "fr": {"advice": "Écrire, poster, rester en sécurité", "successes": "Vos lettres changent des vies",
           "cards": "Cartes de solidarité", "europe": "1,40 €", "world": "1,75 €", "airmail": "« Par avion – Prioritaire »",
           "rita": "plus de 400.000 actions", "magai": "765.000 actions", "back": "Envoyez cette carte à",
           "guidance": "pas d’images religieuses", "message": "VOTRE MESSAGE", "kicker": "SOLIDARITÉ AVEC",
           "card_rules": "Sur les cartes de solidarité, respectez les consignes imprimées au dos de chaque carte."},
    "en": {"advice": "Writing, posting, staying safe", "successes": "Your letters change lives",
           "cards": "Solidarity cards", "europe": "€1.40", "world": "€1.75", "airmail": "“Par avion – Priority”",
           "rita": "more than 400,000 actions", "magai": "765,000 actions", "back": "Send this card to",
           "guidance": "no religious images", "message": "YOUR MESSAGE", "kicker": "IN SOLIDARITY WITH",
           "card_rules": "On solidarity cards, follow the rules printed on the back of each card."},
    "lb": {"advice": "Schreiwen, verschécken, sécher bleiwen", "successes": "Är Bréiwer änneren d’Liewen",
           "cards": "Solidaritéitskaarten", "europe": "1,40 €", "world": "1,75 €", "airmail": "„Par avion – Priority“",
           "rita": "méi wéi 400.000 Aktiounen", "magai": "765.000 Aktiounen", "back": "Schéckt dës Kaart un",
           "guidance": "keng reliéis Biller", "message": "ÄRE MESSAGE", "kicker": "SOLIDARITÉIT MAT",
           "card_rules": "Op de Solidaritéitskaarten haalt Iech w.e.g. un d’Reegelen op der Récksäit vun all Kaart."},
}


def flat(s: str) -> str:
    """Text as read: line breaks and no-break spaces as plain spaces."""
    return " ".join(s.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages_titled(path: Path, title: str) -> list[int]:
    return [page for _, t, page in outline(path) if t == title]


# --------------------------------------------------------------------------- the advice page

@pytest.mark.parametrize("lang", LANGS)
def test_advice_page_follows_the_cover_with_postage_priced_in_the_language(example_kit, lang):
    path, w = example_kit[lang], WORDS[lang]
    entries = outline(path)
    assert entries[1] == (0, w["advice"], 1)              # right after the cover
    page = flat(page_texts(path)[1])
    assert w["advice"] in page and w["airmail"] in page
    assert w["card_rules"] in page                         # the kit has solidarity cards
    assert page.endswith("www.amnesty.lu 2")                  # the footer, with the page number
    # [postage]: Europe 1.40, the rest of the world 1.75, each with this year's letters
    europe = page.index(w["europe"])
    world = page.index(w["world"], europe)
    assert europe < page.index("Maryia Kalesnikava", europe) < page.index("Şebnem Korur Fincancı", europe) < world
    assert world < page.index("Đặng Đình Bạch", world) and "Manahel al-Otaibi" in page[world:]
    # the example envelope: a confirmed address, the country in capitals, the stamp's price
    envelope = page[page.index({"fr": "PAR EXEMPLE", "en": "FOR EXAMPLE", "lb": "ZUM BEISPILL"}[lang]):]
    assert "PAR AVION" in envelope and w["world"] in envelope
    assert "Oh Se-hoon Seoul Metropolitan Government 110 Sejong-daero, Jung-gu Seoul 04524 REPUBLIC OF KOREA" in envelope


def _lines_with_x(path: Path, page: int) -> list[tuple[str, float]]:
    """Each line of a page's text and the left edge of its first character."""
    content, boxes = char_boxes(path, page)
    out, start = [], 0
    for line in content.split("\r\n"):
        if line:
            out.append((line, boxes[start][0]))
        start += len(line) + 2
    return out


def test_advice_page_wraps_a_long_case_name_flush_left(example_kit):
    # the postage table's column of this year's letters: a name too long for it wraps between
    # its words, and its second line starts where the others do (not one space further in)
    lines = _lines_with_x(example_kit["fr"], 1)
    [(wrapped, x)] = [(line, x) for line, x in lines if "Wet’suwet’en" in line]
    [neth] = [x for line, x in lines if line.startswith("Neth Nahara")]
    assert wrapped == "Nation Wet’suwet’en"
    assert abs(x - neth) < 0.01           # both lines start with an N: the same left edge


SENT_BY_THE_SECTION = {
    "fr": ("avant le 20 décembre 2030 à : Amnesty International Luxembourg, B.P. 1914, L-1019 Luxembourg. "
           "Nous les postons toutes ensemble.", "Courrier suspendu en ce moment vers : ANGOLA."),
    "en": ("by 20 December 2030 to: Amnesty International Luxembourg, B.P. 1914, L-1019 Luxembourg. "
           "We post them all together.", "Mail is suspended at the moment to: ANGOLA."),
    "lb": ("bis de 20. Dezember 2030 un: Amnesty International Luxembourg, B.P. 1914, L-1019 Luxembourg. "
           "Mir verschécken se all zesummen.", "Am Moment ass d’Post suspendéiert fir: ANGOLA."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_advice_page_says_where_letters_go(example_copy, cli, lang):
    toml = (example_copy / "kit.toml").read_text(encoding="utf-8")
    toml = toml.replace('send = "direct"', 'send = "section"\nsend_by = 2030-12-20\nsuspended = ["ANGOLA"]')
    (example_copy / "kit.toml").write_text(toml, encoding="utf-8")
    r = cli("build", "--project", example_copy, "--lang", lang, "--case", "neth-nahara", "--sheets", "0")
    assert r.exit_code == 0, r.output
    page = flat(page_texts(example_copy / f"dist/kit-{lang}.pdf")[1])
    where, suspended = SENT_BY_THE_SECTION[lang]
    assert where in page and suspended in page


# --------------------------------------------------------------------------- the successes page

@pytest.mark.parametrize("lang", LANGS)
def test_successes_page_lists_the_seed_successes(example_kit, lang):
    path, w = example_kit[lang], WORDS[lang]
    [page] = pages_titled(path, w["successes"])
    assert page == 2
    content = flat(page_texts(path)[page])
    assert content.endswith("www.amnesty.lu 3")
    order = [content.index(s) for s in ("2023", "Rita Karassartova", "2022", "Joanah Mamombe", "Cecillia Chimbri",
                                        "2021", "Germain Rukuki", "2020", "Magai Matiop Ngong", "2019",
                                        "Goulzar Douichenova", "2018", "Mahadine")]
    assert order == sorted(order)
    assert w["rita"] in content and w["magai"] in content
    assert {"fr": "14 juin 2024", "en": "14 June 2024", "lb": "14. Juni 2024"}[lang] in content


# --------------------------------------------------------------------------- solidarity cards

@pytest.mark.parametrize("lang", LANGS)
def test_cards_for_every_case_with_solidarity_fronts_then_backs(example_kit, lang):
    path, w = example_kit[lang], WORDS[lang]
    entries = outline(path)
    cases = [(t, i) for i, (level, t, _) in enumerate(entries) if level == 0]
    with_cards = []
    for n, (name, i) in enumerate(cases):
        end = cases[n + 1][1] if n + 1 < len(cases) else len(entries)
        if any(t == w["cards"] for _, t, _ in entries[i:end]):
            with_cards.append(name)
    assert with_cards == CARD_CASES_IN[lang]
    texts = page_texts(path)
    for name, page in zip(CARD_CASES_IN[lang], pages_titled(path, w["cards"])):
        front, back = flat(texts[page]), flat(texts[page + 1])
        assert front.count(name) == 4 and front.count(w["kicker"]) == 4
        assert back.count(w["back"].upper()) == 4 and back.count(w["guidance"]) == 4
        assert back.count(w["message"]) == 4 and back.count("L-1019 Luxembourg") == 4
    # the line of solidarity in the languages the person reads, each with its own typography
    joel = flat(texts[pages_titled(path, w["cards"])[0]])
    assert joel.count("¡No estás solo! Estamos contigo.") == 4
    assert joel.count("You are not alone. We are with you.") == 4


def test_french_card_line_agrees_with_the_case(example_kit):
    path = example_kit["fr"]
    texts = page_texts(path)
    fronts = dict(zip(CARD_CASES_IN["fr"], pages_titled(path, "Cartes de solidarité")))
    man, group = fronts["Kyung Seok Park"], fronts["Défenseur·e·s des terres de la Nation Wet’suwet’en"]
    assert flat(texts[man]).count("Vous n’êtes pas seul. Nous sommes avec vous.") == 4
    assert flat(texts[group]).count("Vous n’êtes pas seul·e·s. Nous sommes avec vous.") == 4


def test_a_project_card_line_may_agree_with_the_case(cli, kit):
    words = kit / "letter_templates/fr/strings.yaml"
    source, n = re.subn(r"(?m)^card_line: .*$", 'card_line: "{pronoun, select, elle {Tu n’es pas seule.} '
                        'other {Tu n’es pas seul·e.}}"', words.read_text(encoding="utf-8"))
    assert n == 1
    words.write_text(source, encoding="utf-8")
    r = cli("build", "--project", kit, "--lang", "fr", "--sheets", "0")
    assert r.exit_code == 0, r.output
    path = kit / "dist/kit-fr.pdf"
    [fronts] = pages_titled(path, "Cartes de solidarité")
    assert flat(page_texts(path)[fronts]).count("Tu n’es pas seule.") == 4


def _mark_segments(path: Path, page: int) -> list[tuple[float, float, float, float]]:
    """The stroked segments of the page's cut-mark form, in page coordinates (y up)."""
    xobjects = PdfReader(str(path)).pages[page]["/Resources"]["/XObject"]
    [form] = [x.get_object() for name, x in xobjects.items() if "CutMarks" in name]
    ops = form.get_data().decode()
    return [tuple(map(float, m)) for m in
            re.findall(r"([-\d.]+) ([-\d.]+) m ([-\d.]+) ([-\d.]+) l S", ops)]


def _check_card_sheet(path: Path, page: int, card: tuple[float, float], paper: tuple[float, float]) -> None:
    width, height = paper
    segments = _mark_segments(path, page)
    assert segments
    # Every mark is a straight tick along a cut line: the cut lines are where the marks are.
    xs = sorted({round(x0, 2) for x0, y0, x1, y1 in segments if abs(x0 - x1) < 0.01})
    ys = sorted({round(y0, 2) for x0, y0, x1, y1 in segments if abs(y0 - y1) < 0.01})
    assert all(abs(x0 - x1) < 0.01 or abs(y0 - y1) < 0.01 for x0, y0, x1, y1 in segments)
    # The cuts free four cards of exactly the card size (A4: a 1 mm strip between the rows).
    cols = [b - a for a, b in zip([0] + xs, xs + [width])]
    rows = [b - a for a, b in zip([0] + ys, ys + [height]) if b - a > 20]
    assert [round(c, 1) for c in cols] == [round(card[0], 1)] * 2
    assert [round(r, 1) for r in rows] == [round(card[1], 1)] * 2
    x_edges = [0, xs[0], width]
    y_edges = [height, height - card[1], card[1], 0]
    cards = [(x_edges[c], y_edges[2 * r + 1], x_edges[c + 1], y_edges[2 * r]) for r in range(2) for c in range(2)]
    assert all(round(x1 - x0, 2) == round(card[0], 2) and round(y1 - y0, 2) == round(card[1], 2)
               for x0, y0, x1, y1 in cards)
    # No mark ever enters a card: at most half the stroke width (0.3 pt) over a card's edge.
    tol = 0.2
    for x0, y0, x1, y1 in segments:
        lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        for cx0, cy0, cx1, cy1 in cards:
            inside = lo_x < cx1 - tol and hi_x > cx0 + tol and lo_y < cy1 - tol and hi_y > cy0 + tol
            assert not inside, ((x0, y0, x1, y1), (cx0, cy0, cx1, cy1))
    # Marks around the sheet (at all four edges) and between the cards (where the cuts cross).
    assert {"top", "bottom", "left", "right"} <= {
        "bottom" if min(y0, y1) < 40 else "top" if max(y0, y1) > height - 40 else
        "left" if min(x0, x1) < 40 else "right" if max(x0, x1) > width - 40 else "middle"
        for x0, y0, x1, y1 in segments}
    assert any(abs(x0 - xs[0]) < 0.01 and abs(x1 - xs[0]) < 0.01 and min(y0, y1) < ys[0] < max(y0, y1)
               for x0, y0, x1, y1 in segments)
    # Everything else printed sits inside a card, at least 5 mm from its edges.
    for p in (page, page + 1):
        chars, boxes = char_boxes(path, p)
        for ch, (left, bottom, right, top) in zip(chars, boxes):
            if ch.isspace() or right - left <= 0:
                continue
            assert any(cx0 + 5 * MM <= left and right <= cx1 - 5 * MM and cy0 + 5 * MM <= bottom and top <= cy1 - 5 * MM
                       for cx0, cy0, cx1, cy1 in cards), (p, ch, (left, bottom, right, top))


def test_a4_card_sheet_is_four_a6_cards_with_marks_only_outside_them(example_kit):
    path = example_kit["en"]
    page = pages_titled(path, "Solidarity cards")[0]
    _check_card_sheet(path, page, A6, (595.28, 841.89))


def _starter(cli, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    r = cli("init", target)
    assert r.exit_code == 0, r.output
    return target


def _edit(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), encoding="utf-8")


def _set_guidance(project: Path, value: str) -> None:
    """The starter case's solidarity.guidance (four lines from line 44) as one line: `guidance: value`."""
    case = project / "cases/sebnem-korur-fincanci.yaml"
    source, n = re.subn(r"(?m)^  guidance:.*\n(?:    \w\w: .*\n){3}", f"  guidance: {value}\n",
                        case.read_text(encoding="utf-8"))
    assert n == 1
    case.write_text(source, encoding="utf-8")


STARTER_GUIDANCE = {"fr": "Signez de votre prénom seulement.", "en": "Sign with your first name only.",
                    "lb": "Ënnerschreift just mat Ärem Virnumm."}


def test_starter_cards_print_the_case_rules_on_their_backs(cli, kit):
    # `init` shows a new section every field of a case, solidarity.guidance included
    r = cli("build", "--project", kit, "--sheets", "0")
    assert r.exit_code == 0, r.output
    for lang in LANGS:
        path = kit / f"dist/kit-{lang}.pdf"
        [fronts] = pages_titled(path, WORDS[lang]["cards"])
        back = flat(page_texts(path)[fronts + 1])
        assert back.count(STARTER_GUIDANCE[lang]) == 4, back
        assert back.count({"fr": "À RESPECTER", "en": "PLEASE NOTE", "lb": "OPGEPASST"}[lang]) == 4


def test_letter_card_sheet_is_four_quarter_letter_cards_and_a_success_photo_prints(cli, tmp_path):
    project = _starter(cli, tmp_path, "letter-kit")
    _edit(project / "kit.toml", 'paper = "A4"', 'paper = "Letter"')
    Image.new("RGB", (300, 400), (200, 30, 30)).save(project / "rita.jpg")
    with open(project / "successes.yaml", "a", encoding="utf-8") as fh:
        fh.write('  photo: rita.jpg\n  photo_credit: "© Test Photographer"\n')
    r = cli("build", "--project", project, "--lang", "en", "--sheets", "0")
    assert r.exit_code == 0, r.output
    path = project / "dist/kit-en.pdf"
    assert page_sizes(path) == {(612.0, 792.0)}
    page = pages_titled(path, "Solidarity cards")[0]
    _check_card_sheet(path, page, QUARTER_LETTER, (612.0, 792.0))
    [successes] = pages_titled(path, "Your letters change lives")
    assert "© Test Photographer" in flat(page_texts(path)[successes])
    images = [x.get_object() for x in PdfReader(str(path)).pages[successes]["/Resources"]["/XObject"].values()]
    assert [(x["/Width"], x["/Height"]) for x in images if x["/Subtype"] == "/Image"] == [(300, 400)]


def test_a_case_that_accepts_no_cards_gets_none(cli, kit):
    _edit(kit / "cases/sebnem-korur-fincanci.yaml", "petition_url:", "  cards: false\npetition_url:")
    r = cli("build", "--project", kit, "--sheets", "0")
    assert r.exit_code == 0, r.output
    path = kit / "dist/kit-fr.pdf"
    assert not pages_titled(path, "Cartes de solidarité")
    assert "Envoyez cette carte à".upper() not in text(path)
    # the solidarity address stays on the case sheet: it is where letters of support go
    [sheet] = pages_titled(path, "Fiche")
    assert "Postcode Town" in page_texts(path)[sheet]
    # a kit without cards: the advice page does not send anyone to the rules on their backs
    for lang in LANGS:
        advice = flat(page_texts(kit / f"dist/kit-{lang}.pdf")[1])
        assert WORDS[lang]["advice"] in advice and WORDS[lang]["card_rules"] not in advice


# --------------------------------------------------------------------------- the event poster

@pytest.mark.parametrize("lang, paper, size", [("en", "A4", (595.28, 841.89)), ("fr", "A3", (841.89, 1190.55)),
                                               ("fr", "Letter", (612.0, 792.0)), ("lb", "Tabloid", (792.0, 1224.0))])
def test_poster_with_fill_in_lines_and_qr_code_to_the_campaign_page(cli, tmp_path, lang, paper, size):
    from conftest import ROOT
    r = cli("poster", "--project", ROOT, "--out", tmp_path, "--lang", lang, "--paper", paper.lower())
    assert r.exit_code == 0, r.output
    path = tmp_path / f"poster-{lang}.pdf"
    assert page_sizes(path) == {size}
    assert outline(path) == [(0, {"en": "Event poster", "fr": "Affiche d’événement",
                                  "lb": "Affiche fir den Event"}[lang], 0)]
    assert qr_codes(path, 0, dpi=100) == ["https://www.amnesty.lu/w4r"]
    content = flat(page_texts(path)[0])
    assert "www.amnesty.lu/w4r" in content               # the short URL under the code
    when, where = {"en": ("WHEN", "WHERE"), "fr": ("QUAND", "OÙ"), "lb": ("WÉINI", "WOU")}[lang]
    assert content.index(when) < content.index(where) < content.index("Şebnem Korur Fincancı")
    # no text given: ruled lines to fill in by hand under "when" and "where"
    lines = re.findall(rb"n ([\d.]+) ([\d.]+) m ([\d.]+) \2 l S", PdfReader(str(path)).pages[0].get_contents().get_data())
    assert len([ln for ln in lines if float(ln[2]) - float(ln[0]) > 0.5 * size[0]]) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_poster_case_list_never_starts_a_line_with_its_separator(cli, tmp_path, lang):
    from conftest import ROOT
    names = ["Đặng Đình Bạch", "Joel Paredes", "Kyung Seok Park", "Manahel al-Otaibi", "Maryia Kalesnikava",
             "Neth Nahara", "Oqba Hashad", "Şebnem Korur Fincancı", CARD_CASES_IN[lang][-1]]
    for paper in ("A4", "Letter"):
        r = cli("poster", "--project", ROOT, "--out", tmp_path / paper, "--lang", lang, "--paper", paper)
        assert r.exit_code == 0, r.output
        lines = page_texts(tmp_path / paper / f"poster-{lang}.pdf")[0].splitlines()
        assert not [line for line in lines if line.lstrip().startswith("·")], (paper, lines)
        assert " · ".join(names) in flat(" ".join(lines)), paper     # every name, each once, in order


def test_poster_prints_when_and_where(cli, tmp_path):
    from conftest import ROOT
    r = cli("poster", "--project", ROOT, "--out", tmp_path, "--lang", "fr", "--when", "Samedi 7 décembre, 14 h",
            "--where", "Bibliothèque municipale, Esch-sur-Alzette")
    assert r.exit_code == 0, r.output
    content = flat(page_texts(tmp_path / "poster-fr.pdf")[0])
    assert "Samedi 7 décembre, 14 h" in content and "Bibliothèque municipale, Esch-sur-Alzette" in content
    assert "Écrivez une lettre, changez une vie" in content
    r = cli("poster", "--project", ROOT, "--out", tmp_path, "--lang", "fr", "--where", "Esch-sur-Alzette " * 60)
    assert r.exit_code == 1 and "--where: too long for the poster" in r.stderr
    r = cli("poster", "--project", ROOT, "--out", tmp_path, "--lang", "fr", "--paper", "A5")
    assert r.exit_code == 2 and "use A4, A3, Letter, Tabloid" in r.output


def test_poster_is_reproducible(cli, tmp_path, monkeypatch):
    from conftest import ROOT
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    built = []
    for n in range(2):
        r = cli("poster", "--project", ROOT, "--out", tmp_path / str(n), "--lang", "lb", "--when", "7.12., 14 Auer")
        assert r.exit_code == 0, r.output
        built.append((tmp_path / str(n) / "poster-lb.pdf").read_bytes())
    assert built[0] == built[1]


def test_poster_needs_the_campaign_url(cli, tmp_path):
    project = _starter(cli, tmp_path, "no-url")
    _edit(project / "kit.toml", 'url = "https://www.example.org/w4r"', "# no url")
    r = cli("poster", "--project", project, "--lang", "en")
    assert r.exit_code == 1
    assert ("kit.toml:13: [campaign] url: missing; add url = \"https://...\" (the section's campaign page, "
            "which the poster's QR code opens)") in r.stderr.splitlines()
    assert not (project / "dist/poster-en.pdf").exists()
    _edit(project / "kit.toml", "# no url", 'url = "ftp://example.org/' + "w" * 400 + '"')
    r = cli("validate", "--project", project)
    assert "kit.toml:18: [campaign] url: 'ftp://example.org/" in r.stderr
    _edit(project / "kit.toml", "ftp://", "https://")
    r = cli("validate", "--project", project)
    assert r.exit_code == 1 and ("kit.toml:18: [campaign] url: too long to print under its QR code (3 lines of "
                                 "56 mm at 7 pt); use a shorter address") in r.stderr.splitlines()
    _edit(project / "kit.toml", "w" * 400, "w" * 1200)
    r = cli("validate", "--project", project)
    assert r.exit_code == 1 and re.search(r"^kit.toml:18: \[campaign\] url: the poster's QR code would need "
                                          r"\d+×\d+ modules, below 0.35 mm each at 36 mm; use a shorter address$",
                                          r.stderr, re.M)


# --------------------------------------------------------------------------- validate

def test_validate_lists_every_problem_of_successes_yaml(cli, tmp_path):
    project = _starter(cli, tmp_path, "bad-successes")
    (project / "successes.yaml").write_text(
        "- year: 2023\n"
        "  name: Rita Karassartova\n"
        "  country: {fr: Kirghizistan, en: Kyrgyzstan}\n"
        "  outcom: {fr: a, en: b, lb: c}\n"
        "  actions: 400 000\n"
        "  actions_qualifier: roughly\n"
        "- yeer: 2022\n"
        "  name: Someone\n"
        "  country: {fr: X, en: X, lb: X}\n"
        "  outcome: {fr: a, en: b, lb: c}\n"
        "  photo: missing.jpg\n"
        "  photo_credit: ✓ Photographer\n", encoding="utf-8")
    r = cli("validate", "--project", project)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "successes.yaml:3: country: no text for 'lb'; add it",
        "successes.yaml:4: outcom: unknown field 'outcom'; did you mean 'outcome'?",
        "successes.yaml:5: actions: must be a whole number of actions such as 400000 (no spaces or dots), "
        "not '400 000'",
        "successes.yaml:6: actions_qualifier: 'roughly' is not one of exact, more_than, about, nearly",
        "successes.yaml:7: yeer: unknown field 'yeer'; did you mean 'year'?",
        "successes.yaml:11: photo: 'missing.jpg' does not exist",
        "6 problems found.",
    ]


def test_validate_checks_postage_zones(cli, tmp_path):
    project = _starter(cli, tmp_path, "bad-postage")
    toml = project / "kit.toml"
    _edit(toml, 'currency = "EUR"', 'currency = "EURO"')
    _edit(toml, 'price = 1.40, countries = ["TÜRKİYE"]', 'price = "cheap", countries = ["TÜRKİYE"]')
    _edit(toml, '{ name = { fr = "Reste du monde", en = "Rest of the world", lb = "Rescht vun der Welt" }, price = 1.75 },',
          '{ name = { fr = "Monde", en = "World" }, price = 1.75, countries = ["Türkiye"] },\n'
          '  { name = "Far", price = 2, countrys = ["X"] },\n  { name = "Farther", price = 3 },')
    _edit(toml, 'send = "direct"', 'send = "post"')
    r = cli("validate", "--project", project)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[:-1] == [
        "kit.toml:43: [postage] currency: 'EURO' is not a currency code; use an ISO 4217 code such as \"EUR\" or \"CHF\"",
        "kit.toml:45: [postage] zones[1].price: must be a number such as 1.40, not the text 'cheap'",
        "kit.toml:46: [postage] zones[2].countries: 'Türkiye' is already in zone 1; a country belongs to one zone",
        "kit.toml:46: [postage] zones[2].name: no name for 'lb'; add lb = \"...\"",
        "kit.toml:47: [postage] zones[3].countrys: unknown key 'countrys'; did you mean 'countries'?; a zone has "
        "name, price and countries",
        "kit.toml:48: [postage] zones[4].countries: a second zone without countries; only one zone can be the rest "
        "of the world",
        "kit.toml:50: [postage] send: 'post' is not a way to send letters; use \"direct\" (writers post them) or "
        "\"section\" (the section collects and posts them)",
    ]


def test_a_zone_with_a_wrong_price_or_countries_is_one_message(cli, example_copy):
    # The zone is there, only its price is wrong: its countries are not also "in no zone".
    toml = example_copy / "kit.toml"
    _edit(toml, "price = 1.75 }", "price = -1 }")
    r = cli("validate", "--project", example_copy)
    assert r.exit_code == 1
    assert [line for line in r.stderr.splitlines() if not line.startswith("warning:")] == [
        "kit.toml:45: [postage] zones[2].price: -1 is not a plausible price for a letter",
        "1 problem found."]
    # Countries that cannot be read do not make the zone a second rest of the world.
    _edit(toml, "price = -1 }", "price = 1.75 }")
    _edit(toml, 'countries = ["BELARUS", "TÜRKİYE"]', 'countries = "BELARUS, TÜRKİYE"')
    r = cli("validate", "--project", example_copy)
    assert r.exit_code == 1
    assert [line for line in r.stderr.splitlines() if not line.startswith("warning:")] == [
        'kit.toml:44: [postage] zones[1].countries: must be a list of countries as written on envelopes, '
        'e.g. ["BELARUS", "TÜRKİYE"]',
        "1 problem found."]


def test_validate_names_a_case_whose_country_has_no_postage_zone(cli, tmp_path):
    project = _starter(cli, tmp_path, "no-zone")
    _edit(project / "kit.toml",
          '  { name = { fr = "Reste du monde", en = "Rest of the world", lb = "Rescht vun der Welt" }, price = 1.75 },\n',
          "")
    _edit(project / "kit.toml", 'countries = ["TÜRKİYE"]', 'countries = ["BELARUS"]')
    r = cli("validate", "--project", project)
    assert r.exit_code == 1
    assert ("cases/sebnem-korur-fincanci.yaml:36: addressee.address: 'TÜRKİYE' is in no [postage] zone, so the "
            "advice page has no stamp price for it; add it to a zone's countries in kit.toml, or add a zone "
            "without countries (the rest of the world)") in r.stderr.splitlines()


def test_validate_lists_texts_too_long_and_characters_the_fonts_lack_in_one_run(cli, kit):
    # A character the fonts lack does not stop the lay-out in memory: one run lists both
    # kinds of problem, and a name written once is named once, not once per language.
    _set_guidance(kit, '{fr: "' + "Pas de politique. " * 80 + '", en: "No ✓ politics.", lb: "Keng Politik."}')
    _edit(kit / "successes.yaml", "Rita Karassartova", "Rita ☃ Karassartova")
    r = cli("validate", "--project", kit)
    assert r.exit_code == 1
    fonts = "replace it or set [brand] font_regular/font_bold to fonts that have it"
    assert r.stderr.splitlines() == [
        f"cases/sebnem-korur-fincanci.yaml:44: solidarity.guidance [en]: the fonts cannot draw '✓' (U+2713 CHECK MARK); "
        f"{fonts}",
        "cases/sebnem-korur-fincanci.yaml:44: solidarity.guidance [fr]: too long for the back of the solidarity "
        "card (30 mm); shorten it",
        f"successes.yaml:7: name: the fonts cannot draw '☃' (U+2603 SNOWMAN); {fonts}",
        "3 problems found.",
    ]


def test_a_guidance_without_a_campaign_language_is_named_and_nothing_is_written(cli, kit):
    _set_guidance(kit, '{fr: "Pas de politique.", en: "No politics."}')
    message = ("cases/sebnem-korur-fincanci.yaml:44: solidarity.guidance: no text for 'lb' (add it, or build with "
               "--allow-incomplete)")
    r = cli("validate", "--project", kit)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [message, "1 problem found."]
    r = cli("build", "--project", kit)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [message, "1 problem found; nothing was written."]
    assert not (kit / "dist").exists()


def test_validate_decodes_success_photos(cli, tmp_path):
    project = _starter(cli, tmp_path, "bad-photo")
    (project / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    with open(project / "successes.yaml", "a", encoding="utf-8") as fh:
        fh.write('  photo: broken.jpg\n  photo_credit: "© Someone"\n')
    r = cli("validate", "--project", project)
    assert r.exit_code == 1
    [line] = [ln for ln in r.stderr.splitlines() if ln.startswith("successes.yaml:")]
    assert line == ("successes.yaml:15: photo: 'broken.jpg' is not a readable JPEG or PNG image; export it again "
                    "as JPEG or PNG")
