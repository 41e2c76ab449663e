"""The whole kit of the example project, as users see it (SPEC §6, §10)."""
from __future__ import annotations

import pytest

from pdfcheck import fonts, outline, page_sizes, page_texts, qr_codes, reader, text

NAMES = ["Đặng Đình Bạch", "Joel Paredes", "Kyung Seok Park", "Manahel al-Otaibi", "Maryia Kalesnikava",
         "Neth Nahara", "Oqba Hashad", "Şebnem Korur Fincancı", "Wet’suwet’en Land Defenders"]
# A case's name may differ per language (name: {fr: ..., en: ...}).
NAMES_IN = {"fr": NAMES[:-1] + ["Défenseur·e·s des terres de la Nation Wet’suwet’en"], "en": NAMES, "lb": NAMES}
ADDRESSEES = ["Lương Cường", "Sergio Lello Sánchez", "Oh Se-hoon", "Alyaksandr Lukashenka", "Yılmaz Tunç",
              "João Lourenço", "Mohamed Shawky Ayyad", "David Eby", "Salman bin Abdulaziz Al Saud"]
LANGS = ("fr", "en", "lb")
A4 = (595.28, 841.89)
BASE = "https://www.amnesty.lu/w4r/2024/{case}?utm_source=amnesty-lu&utm_medium=print&utm_campaign=w4r-2024"


@pytest.mark.parametrize("lang", LANGS)
def test_every_name_and_addressee_is_printed_exactly(example_kit, lang):
    content = text(example_kit[lang])
    for name in NAMES_IN[lang] + ADDRESSEES:
        assert name in content, name
    assert "Марыя Калеснікава" in content          # Cyrillic in the story text


@pytest.mark.parametrize("lang", LANGS)
def test_pages_are_a4(example_kit, lang):
    assert page_sizes(example_kit[lang]) == {A4}


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_cover_every_case_and_artefact(example_kit, lang):
    entries = outline(example_kit[lang])
    top = [title for level, title, _ in entries if level == 0]
    assert top[1:] == NAMES_IN[lang]
    per_case = [title for level, title, _ in entries if level == 1]
    assert len(per_case) == 4 * len(NAMES)
    expected = {"fr": ["Fiche", "Lettre type", "Papier à lettre", "Feuilles de signatures"],
                "en": ["Case sheet", "Model letter", "Writing paper", "Signature sheets"],
                "lb": ["Fiche", "Modellbréif", "Bréifpabeier", "Ënnerschrëfteblieder"]}[lang]
    assert per_case[:4] == expected
    pages = [page for _, _, page in entries]
    assert pages == sorted(pages) and pages[0] == 0


def test_outline_points_at_the_right_pages(example_kit):
    path = example_kit["en"]
    texts = page_texts(path)
    for level, title, page in outline(path):
        if level == 0 and title in NAMES:
            # "Her story", "His story", "Their story": the words agree with the case's pronouns
            assert title in texts[page] and any(f"{p} STORY" in texts[page] for p in ("HER", "HIS", "THEIR"))
        if title == "Model letter":
            assert texts[page].startswith("Your name and address")


@pytest.mark.parametrize("lang", LANGS)
def test_metadata(example_kit, lang):
    r = reader(example_kit[lang])
    meta = r.metadata
    assert meta.author == "Amnesty International Luxembourg"
    title = {"fr": "Marathon des lettres 2024", "en": "Write for Rights 2024", "lb": "Bréifmarathon 2024"}[lang]
    assert meta.title == title
    assert "Amnesty International Luxembourg" in meta.subject
    assert str(r.trailer["/Root"]["/Lang"]).startswith(lang)


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_and_no_base14_font(example_kit, lang):
    found = fonts(example_kit[lang])
    assert found and all(found.values()), found
    assert all("NotoSans" in name for name in found), found


def test_case_sheet_and_signature_qr_codes_carry_their_tracking(example_kit):
    path = example_kit["fr"]
    entries = outline(path)
    case_pages = {title: page for level, title, page in entries if level == 0}
    for name, case in (("Đặng Đình Bạch", "dang-dinh-bach"), ("Şebnem Korur Fincancı", "sebnem-korur-fincanci")):
        first = case_pages[name]
        assert qr_codes(path, first) == [BASE.format(case=case) + "&utm_content=kit-case"]
        sheet = [p for level, t, p in entries if t == "Feuilles de signatures" and p > first][0]
        assert qr_codes(path, sheet) == [BASE.format(case=case) + "&utm_content=kit-1"]


def test_every_page_with_a_qr_code_decodes(example_kit):
    path = example_kit["lb"]
    found = [url for page in range(len(page_texts(path))) for url in qr_codes(path, page)]
    # one on each case sheet, one on each signature sheet
    assert len(found) == 2 * len(NAMES)
    assert all(url.startswith("https://www.amnesty.lu/w4r/2024/") and "utm_source=amnesty-lu" in url
               for url in found)


def test_french_typography_and_dates(example_kit):
    content = text(example_kit["fr"])
    assert "31 janvier 2025" in content
    assert "Comment ça marche\u202f?" in content
    assert "31. Januar" not in content
    assert "31. Januar 2025" in text(example_kit["lb"])
    assert "31 January 2025" in text(example_kit["en"])


def test_addresses_to_be_confirmed_are_marked(example_kit):
    assert "[address to be confirmed]" in text(example_kit["en"])
    assert "[adresse à confirmer]" in text(example_kit["fr"])
