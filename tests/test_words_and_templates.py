"""Printed words per language and the letter-template lookup (SPEC §5, STYLE §3, §6)."""
from __future__ import annotations

import re

import yaml

from conftest import ROOT
from pdfcheck import outline, page_texts

PACKAGE = ROOT / "w4r_kit"
CATALOGS = {lang: yaml.safe_load((PACKAGE / "data" / "strings" / f"{lang}.yaml").read_text(encoding="utf-8"))
            for lang in ("fr", "en", "lb")}


def test_shipped_catalogs_have_the_same_keys_and_only_texts():
    keys = set(CATALOGS["en"])
    for lang, catalog in CATALOGS.items():
        assert set(catalog) == keys, lang
        assert all(isinstance(v, str) for v in catalog.values()), lang


def test_every_label_used_in_code_exists():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""(?:\bw|words)\.get\(\s*f?["']([a-z_0-9{}]+)["']""", path.read_text()))
    used = {key for key in used if "{" not in key}
    assert used, "the pattern found no labels"
    assert used <= set(CATALOGS["en"]), used - set(CATALOGS["en"])


def test_starter_catalogs_match_the_package():
    for lang, catalog in CATALOGS.items():
        starter = yaml.safe_load((PACKAGE / "data" / "starter" / "letter_templates" / lang / "strings.yaml")
                                 .read_text(encoding="utf-8"))
        assert starter == catalog


def test_a_project_overrides_one_label(cli, starter):
    (starter / "letter_templates" / "en" / "strings.yaml").write_text('sheet_title: "Sign for freedom"\n',
                                                                     encoding="utf-8")
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--project", starter)
    assert r.exit_code == 0, r.output
    texts = page_texts(starter / "dist" / "sebnem-korur-fincanci-en.pdf")
    assert "Sign for freedom — Şebnem Korur Fincancı" in texts[3]
    assert "Full name" in texts[3]                    # other labels keep their defaults


def test_per_case_letter_template_wins(example_kit):
    path = example_kit["fr"]
    entries = outline(path)
    texts = page_texts(path)
    letter_pages = {}
    case = None
    for level, title, page in entries:
        if level == 0:
            case = title
        elif title == "Lettre type":
            letter_pages[case] = texts[page]
    assert "musicienne condamnée en 2021" in (ROOT / "letter_templates" / "fr" / "maryia-kalesnikava.j2").read_text(
        encoding="utf-8")
    assert "musicienne condamnée en 2021" in letter_pages["Maryia Kalesnikava"]
    assert "Je vous écris au sujet de Joel Paredes" in letter_pages["Joel Paredes"]


def test_a_project_template_can_extend_the_default(cli, starter):
    (starter / "letter_templates" / "en" / "letter.j2").write_text(
        '{% extends "!default/en/letter.j2" %}\n', encoding="utf-8")
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--sheets", 0, "--project", starter)
    assert r.exit_code == 0, r.output
    assert "I am writing to you about Şebnem Korur Fincancı" in page_texts(
        starter / "dist" / "sebnem-korur-fincanci-en.pdf")[1]


def test_a_new_language_needs_only_files(cli, starter):
    kit = starter / "kit.toml"
    kit.write_text(kit.read_text(encoding="utf-8").replace('languages = ["fr", "en", "lb"]',
                                                           'languages = ["fr", "en", "lb", "de"]')
                   .replace('lb = "Bréifmarathon" }', 'lb = "Bréifmarathon", de = "Briefmarathon" }'),
                   encoding="utf-8")
    de = starter / "letter_templates" / "de"
    de.mkdir()
    catalog = (starter / "letter_templates" / "en" / "strings.yaml").read_text(encoding="utf-8")
    catalog = catalog.replace("locale: en_GB", "locale: de").replace("sheet_title: Petition", "sheet_title: Petition (de)")
    (de / "strings.yaml").write_text(catalog, encoding="utf-8")
    (de / "letter.j2").write_text("Sehr geehrte Damen und Herren, {{ case.ask }}\n\nMit freundlichen Grüßen\n",
                                  encoding="utf-8")
    case = starter / "cases" / "sebnem-korur-fincanci.yaml"
    text = case.read_text(encoding="utf-8")
    for field in ("country", "theme", "headline", "ask"):
        text = re.sub(rf"^({field}:\s*\{{)", rf'\1de: "{field} auf Deutsch", ', text, count=1, flags=re.M)
    case.write_text(text, encoding="utf-8")
    r = cli("build", "--project", starter, "--lang", "de")
    assert r.exit_code == 1
    assert "story: no text for 'de'" in r.stderr            # the case still lacks de texts
    assert "addressee.title: no text for 'de'" in r.stderr


def _words(project, lang):
    from w4r_kit.errors import Problems
    from w4r_kit.project import Project
    from w4r_kit.strings import load_words
    problems = Problems(project)
    words = load_words(Project.at(project, None), lang, problems)
    return words, [str(p) for p in problems.items]


def test_every_printed_count_agrees_with_its_number(kit):
    from w4r_kit.numbers import count
    printed = {}
    for lang in ("fr", "en", "lb"):
        w, problems = _words(kit, lang)
        assert problems == []
        one = {key: count(w, 1) for key in ("pages", "read", "review", "blank", "other", "duplicate")}
        printed[lang] = [w.get("review_summary", date="1.12.", **one),
                         w.get("review_read", signatures=count(w, 1), yes=count(w, 1), no=count(w, 0)),
                         w.get("results_sheets", returned=count(w, 1), issued=count(w, 1)),
                         w.get("results_sheets", returned=count(w, 2), issued=count(w, 1200)),
                         w.get("actions_more_than", n=count(w, 1)),
                         w.get("collector_sheets", sheets=count(w, 1), total=count(w, 3))]
    assert printed["fr"] == [
        "Scan du 1.12. : 1 page — 1 feuille lue, 1 à vérifier, 1 blanche, 1 qui n’est pas une feuille de signatures, "
        "1 scannée deux fois.", "Lu : 1 signature (1 oui, 0 non)", "1 feuille revenue sur 1 distribuée",
        "2 feuilles revenues sur 1.200 distribuées", "plus de 1 action", "1 feuille par cas, 3 feuilles dans ce paquet"]
    assert printed["en"] == [
        "Scan of 1.12.: 1 page — 1 sheet read, 1 to review, 1 blank, 1 not a signature sheet, 1 scanned twice.",
        "Read: 1 signature (1 yes, 0 no)", "1 of 1 sheet issued came back", "2 of 1,200 sheets issued came back",
        "more than 1 action", "1 sheet per case, 3 sheets in this pack"]
    assert printed["lb"] == [
        "Scan vum 1.12.: 1 Säit — 1 Blat gelies, 1 fir ze kontrolléieren, 1 eidel, 1 keen Ënnerschrëftsblat, "
        "1 zweemol gescannt.", "Gelies: 1 Ënnerschrëft (1 jo, 0 nee)", "1 vun 1 ausgedeelte Blat ass zréckkomm",
        "2 vun 1.200 ausgedeelte Blieder sinn zréckkomm", "méi wéi 1 Aktioun", "1 Blat pro Fall, 3 Blieder an dësem Pak"]


def test_the_review_file_says_1_page_and_1_signature(kit, tmp_path):
    import io
    from PIL import Image
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    from w4r_kit.returns.review import review_pdf
    from w4r_kit.returns.scan import PageResult, ScanResult
    jpeg = io.BytesIO()
    Image.new("RGB", (100, 141), "white").save(jpeg, "JPEG")
    page = PageResult("scan.pdf", 1, "review", sheet_id="k3f9q2a", case="sebnem-korur-fincanci", signatures=1,
                      consent_yes=1, consent_no=0, image_jpeg=jpeg.getvalue(), image_size=(100, 141))
    path = tmp_path / "review.pdf"
    path.write_bytes(review_pdf(load_project(Project.at(kit, None)), [page], ScanResult([page])))
    text = " ".join(" ".join(page_texts(path)).split())
    assert ": 1 page — 0 feuille lue, 1 à vérifier, 0 blanche," in text      # French: 0 and 1 are singular
    assert "Lu : 1 signature (1 oui, 0 non)" in text


def test_a_new_language_gives_its_own_plural_forms(kit):
    pl = kit / "letter_templates" / "pl"
    pl.mkdir()
    catalog = (kit / "letter_templates" / "en" / "strings.yaml").read_text(encoding="utf-8")
    catalog = catalog.replace("locale: en_GB", "locale: pl").replace("hyphenation: en_GB", "hyphenation: pl_PL")
    (pl / "strings.yaml").write_text(catalog + 'results_groups_few: "{n} grupy"\nresults_groups_many: "{n} grup"\n'
                                     'results_score_few: "{n} punkty"\n', encoding="utf-8")
    from w4r_kit.numbers import plural
    w, problems = _words(kit, "pl")
    assert problems == []
    assert [plural(w, "results_groups", n) for n in (3, 5, 22)] == ["3 grupy", "5 grup", "22 grupy"]
    assert plural(w, "results_score", 4) == "4 punkty"
    # A category the language does not have is named as such, with the forms it has.
    (kit / "letter_templates" / "fr" / "strings.yaml").write_text('results_groups_few: "{n} groupes"\n', encoding="utf-8")
    _, problems = _words(kit, "fr")
    assert problems == ["letter_templates/fr/strings.yaml:1: results_groups_few: 'few' is not a plural category of "
                        "this language; its forms of 'results_groups' are results_groups_one, results_groups_many, "
                        "results_groups_other"]


def test_a_solidarity_line_in_another_language_takes_that_languages_typography(cli, kit):
    """A language of the project's own (nl, not shipped with the package) prints its quotes on the
    card fronts of every kit, and a campaign language's words file counts when built alone."""
    nl = kit / "letter_templates" / "nl"
    nl.mkdir()
    (nl / "strings.yaml").write_text('locale: nl\nquotes: "„”"\n', encoding="utf-8")
    (kit / "letter_templates" / "en" / "strings.yaml").write_text('quotes: "«»"\n', encoding="utf-8")
    case = kit / "cases" / "sebnem-korur-fincanci.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "\npetition_url:", '\n  message: {nl: \'Je bent "niet" alleen.\', en: \'You are "not" alone.\'}\npetition_url:'),
        encoding="utf-8")
    r = cli("build", "--project", kit, "--lang", "fr", "--sheets", "0")
    assert r.exit_code == 0, r.output
    path = kit / "dist" / "kit-fr.pdf"
    front = " ".join(page_texts(path)[[p for _, t, p in outline(path) if t == "Cartes de solidarité"][0]].split())
    assert front.count("Je bent „niet” alleen.") == 4 and front.count("You are «not» alone.") == 4


def test_results_chart_labels_take_the_projects_typography(kit):
    from reportlab.graphics.shapes import String
    from w4r_kit.assemble import context
    from w4r_kit.layout import charts
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    (kit / "letter_templates" / "fr" / "strings.yaml").write_text('quotes: "‹›"\nspace_inside_quotes: none\n',
                                                                  encoding="utf-8")
    ctx = context(load_project(Project.at(kit, None), ["fr"]), "fr")
    drawings = [charts.bar_chart(ctx, [charts.Bar('Club "Esch"', (3, 1, 0))], 400),
                charts.legend(ctx, ('papier "A"', "lettres", "en ligne"), 400)]

    def strings(node):
        for child in getattr(node, "contents", []):
            yield from ([child.text] if isinstance(child, String) else strings(child))
    printed = [text for d in drawings for text in strings(d)]
    assert "Club ‹Esch›" in printed and "papier ‹A›" in printed


def test_a_template_or_words_file_linked_out_of_the_project_is_refused_unread(cli, kit, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET\n", encoding="utf-8")
    fr = kit / "letter_templates" / "fr"
    (fr / "sebnem-korur-fincanci.j2").symlink_to(secret)
    (fr / "part.j2").symlink_to(secret)
    (kit / "letter_templates" / "en" / "sebnem-korur-fincanci.j2").write_text(
        '{% include "fr/part.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates" / "lb" / "strings.yaml").unlink()
    (kit / "letter_templates" / "lb" / "strings.yaml").symlink_to(secret)
    link = f"is a link to {secret.resolve()}, outside the project directory; copy the file itself into the project"
    for command in (("validate",), ("build", "--sheets", "0")):
        r = cli(*command, "--project", kit)
        assert r.exit_code == 1 and "SECRET" not in r.output, r.output
        assert r.stderr.splitlines()[:-1] == [f"letter_templates/fr/part.j2: {link}",
                                              f"letter_templates/fr/sebnem-korur-fincanci.j2: {link}",
                                              f"letter_templates/lb/strings.yaml: {link}"]
    assert not (kit / "dist").exists()
