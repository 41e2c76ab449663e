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
