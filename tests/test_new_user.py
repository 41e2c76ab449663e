"""What a new user trips on: each input here once ended in a traceback, a silent gap, a
second message for one mistake or a fix that did not work. Messages are checked verbatim.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyphen
import pytest
import yaml

from conftest import Cli
from pdfcheck import outline, reader, text
from test_bad_input import append, edit, fails, translate_starter_extras

CASE = "cases/sebnem-korur-fincanci.yaml"
FR_WORDS = "letter_templates/fr/strings.yaml"
EN_WORDS = "letter_templates/en/strings.yaml"
DICTIONARIES = ", ".join(sorted(pyphen.LANGUAGES))


def set_word(project: Path, file: str, key: str, value: str) -> None:
    path = project / file
    source = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", source)
    assert n == 1, key
    path.write_text(new, encoding="utf-8")


def add_language(project: Path, lang: str, letter: bool = True, translate: bool = False) -> None:
    """A new campaign language made the way the README says: files only, no code."""
    edit(project, "kit.toml", 'languages = ["fr", "en", "lb"]', f'languages = ["fr", "en", "lb", "{lang}"]')
    edit(project, "kit.toml", 'lb = "Bréifmarathon" }', f'lb = "Bréifmarathon", {lang} = "Schrijfmarathon" }}')
    translate_starter_extras(project, lang)
    (project / "letter_templates" / lang).mkdir()
    shutil.copy(project / EN_WORDS, project / "letter_templates" / lang / "strings.yaml")
    if letter:
        shutil.copy(project / "letter_templates/en/letter.j2", project / "letter_templates" / lang / "letter.j2")
    if translate:                  # the English texts, as a stand-in translation
        path = project / CASE
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for holder in (data, data["addressee"], data["solidarity"]):
            for value in holder.values():
                if isinstance(value, dict) and "en" in value:
                    value[lang] = value["en"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --------------------------------------------------------------------------- crashes

@pytest.mark.parametrize("value", ["tr_TR", "vi", "fre_FR", "frnch"])
def test_hyphenation_dictionary_pyphen_lacks(cli, kit, value):
    set_word(kit, FR_WORDS, "hyphenation", value)
    assert fails(cli, kit) == [
        f"{FR_WORDS}:8: hyphenation: no hyphenation dictionary '{value}'; use one of {DICTIONARIES}, "
        'or "" for none (text set ragged-right)']


def test_hyphenation_neighbours_that_work(cli, kit):
    set_word(kit, FR_WORDS, "hyphenation", "fr")             # a dictionary name without region
    set_word(kit, EN_WORDS, "hyphenation", '""')              # ragged-right
    r = cli("validate", "--project", kit)
    assert r.exit_code == 0, r.output


def test_words_may_not_drop_placeholders_the_system_needs(cli, kit):
    set_word(kit, FR_WORDS, "sheet_footer", '"{group} — feuille {k} / {n}"')
    set_word(kit, EN_WORDS, "return_by", '"Please send it back to: {address}"')
    set_word(kit, EN_WORDS, "contact_line", '"{email}"')       # optional: dropping the website is fine
    assert fails(cli, kit) == [
        f"{EN_WORDS}:75: return_by: must keep {{date}}: the tool fills in what it stands for "
        '(in English: "Please return by {date} to: {address}")',
        f"{FR_WORDS}:78: sheet_footer: must keep {{sheet_id}}: the tool fills in what it stands for "
        '(in English: "{group} — sheet {k} / {n} — {sheet_id}")']


@pytest.mark.parametrize("setup, target, message", [
    ("file", "afile", "afile: is a file, not a folder; give 'w4r-kit init' the name of a new folder"),
    ("file", "afile/kit", "afile/kit: cannot be created: afile is a file, not a folder; choose another place"),
    ("file", "afile/a/b", "afile/a/b: cannot be created: afile is a file, not a folder; choose another place"),
    ("full", "full", "full: already exists and is not empty; choose a new folder"),
])
def test_init_onto_something_in_the_way(cli, tmp_path, monkeypatch, setup, target, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("notes\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("mine\n")
    r = cli("init", target)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [message, "1 problem found; nothing was written."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "full"]      # no staging left
    assert (tmp_path / "afile").read_text() == "notes\n"


# --------------------------------------------------------------------------- validate == build

def test_missing_letter_template_of_a_new_language_is_listed_with_the_rest(cli, kit):
    add_language(kit, "nl", letter=False)
    edit(kit, "kit.toml", 'paper = "A4"', 'paper = "A5"')
    lines = fails(cli, kit, args=("--allow-incomplete",))
    assert "kit.toml:21: [print] paper: 'A5' is not a paper size; use one of A4, Letter" in lines
    assert ("letter_templates/nl/letter.j2: no letter template for 'nl'; add letter_templates/nl/letter.j2 "
            "(copy one from 'w4r-kit init')") in lines


def test_validate_allow_incomplete_refuses_what_build_refuses(cli, kit):
    add_language(kit, "nl")
    lines = fails(cli, kit, args=("--allow-incomplete",))
    assert [line for line in lines if not line.startswith("warning: ")] == [
        "cases: [nl]: no case is complete in this language; nothing to build (translate at least one case, "
        "or leave the language out with --lang)"]


# --------------------------------------------------------------------------- one mistake, one message

def test_misspelt_required_key_is_one_problem(cli, kit):
    edit(kit, "kit.toml", "languages = ", "langauges = ")
    assert fails(cli, kit) == ["kit.toml:16: [campaign] langauges: unknown key 'langauges' in [campaign]; "
                               "did you mean 'languages'?"]


def test_unquoted_no_in_a_new_language_is_one_problem(cli, kit):
    add_language(kit, "nl", translate=True)
    set_word(kit, "letter_templates/nl/strings.yaml", "choice_no", "No")
    assert fails(cli, kit) == ["letter_templates/nl/strings.yaml:67: choice_no: must be a text, but YAML read "
                               "true/false (false; YAML reads unquoted yes, no, on, off that way); put the text in "
                               "quotes"]


@pytest.mark.parametrize("name, fix", [
    ("x (copie).yaml", "delete this file, or rename it to NEW-ID.yaml and set id: NEW-ID in it (lowercase "
                       "letters, digits and '-')"),
    ("sebnem-copy.yaml", "delete this file, or set id: sebnem-copy in it"),
])
def test_copied_case_file_gets_a_fix_that_works(cli, kit, name, fix):
    shutil.copy(kit / CASE, kit / "cases" / name)
    assert fails(cli, kit) == [f"cases/{name}:1: id: 'sebnem-korur-fincanci' is already the id of "
                               f"cases/sebnem-korur-fincanci.yaml; this file looks like a copy of it: {fix}"]
    # The fix works: following it, the project validates.
    if "NEW-ID" in fix:
        (kit / "cases" / name).rename(kit / "cases/new-id.yaml")
        edit(kit, "cases/new-id.yaml", "id: sebnem-korur-fincanci", "id: new-id")
    else:
        edit(kit, f"cases/{name}", "id: sebnem-korur-fincanci", "id: sebnem-copy")
    assert cli("validate", "--project", kit).exit_code == 0


@pytest.mark.parametrize("option, message", [
    (["--lang", "fr,nl"], "--lang: 'nl' is not one of the campaign languages (fr, en, lb); choose from those, "
                          "or add it to [campaign] languages in kit.toml"),
    (["--lang", "de"], "--lang: 'de' is not one of the campaign languages (fr, en, lb); choose from those, "
                       "or add it to [campaign] languages in kit.toml"),
    (["--lang", "ent"], "--lang: 'ent' is not one of the campaign languages (fr, en, lb); did you mean 'en'?; "
                        "choose from those, or add it to [campaign] languages in kit.toml"),
])
def test_wrong_lang_option_is_one_message(cli, kit, option, message):
    assert fails(cli, kit, args=option) == [message]


def test_lang_option_with_a_comma_means_two_languages(cli, kit):
    r = cli("validate", "--project", kit, "--lang", "fr,en")
    assert r.exit_code == 0, r.output


# --------------------------------------------------------------------------- the real thing and place

def test_tab_in_yaml_says_tab(cli, kit):
    edit(kit, CASE, "\ncountry:", "\n\tcountry:")
    assert fails(cli, kit) == [f"{CASE}:3: contains a tab character; YAML indents with spaces only: "
                               "replace the tab by spaces"]


def test_file_that_is_not_utf8_names_line_and_byte(cli, kit):
    path = kit / EN_WORDS
    path.write_bytes(path.read_bytes().replace("Privacy:".encode(), "Privacy \xe9:".encode("cp1252")))
    assert fails(cli, kit) == [f"{EN_WORDS}:69: is not UTF-8 text: byte 0xE9 ('é' in Windows-1252 or "
                               "Latin-1) at column 11; save the file as UTF-8"]


@pytest.mark.parametrize("written", ["31/01/2027", "31.01.2027", "2027-1-31", '"31/01/2027"', '"2027-01-31"'])
def test_return_by_written_as_a_date_toml_cannot_read(cli, kit, written):
    edit(kit, "kit.toml", "return_by = 2027-01-31", f"return_by = {written}")
    (line,) = fails(cli, kit)
    assert line.startswith(f"kit.toml:17: [campaign] return_by: '{written.strip(chr(34))}' is ")
    assert line.endswith("; write return_by = 2027-01-31 (year-month-day, no quotes)")


def test_every_undefined_template_name_is_reported_with_a_did_you_mean(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text(
        "{{ case.age }} {{ case.nam }}\n\n{% if case.addressee.titel %}{{ signature }}{% endif %}\n",
        encoding="utf-8")
    assert fails(cli, kit) == [
        "letter_templates/en/letter.j2:1: undefined variable 'case.age'; case has id, name, name_in_text, subject, "
        "group, pronoun, country, theme, headline, ask, addressee",
        "letter_templates/en/letter.j2:1: undefined variable 'case.nam'; did you mean 'case.name'?",
        "letter_templates/en/letter.j2:3: undefined variable 'case.addressee.titel'; did you mean "
        "'case.addressee.title'?"]


def test_character_problem_in_a_story_names_the_storys_line(cli, kit):
    edit(kit, CASE, "she was arrested", "she was ✓ arrested")
    assert fails(cli, kit) == [f"{CASE}:19: story [en]: the fonts cannot draw '✓' (U+2713 CHECK MARK); "
                               "replace it or set [brand] font_regular/font_bold to fonts that have it"]


def test_photo_path_is_relative_to_cases_and_the_message_says_so(cli, kit):
    shutil.copy(Path(__file__).parent.parent / "examples/previews/case-sheet-fr.png", kit / "portrait.png")
    append(kit, CASE, 'photo: "./portrait.png"\nphoto_credit: "© Amnesty"\n')
    assert fails(cli, kit) == [
        f"{CASE}:54: photo: './portrait.png' does not exist: a photo path is relative to the cases/ folder, "
        "so it points to cases/portrait.png; the file is at portrait.png: write photo: ../portrait.png"]


# --------------------------------------------------------------------------- words that agree

def test_plurals_follow_each_languages_rules(kit, starter_once):
    from w4r_kit.errors import Problems
    from w4r_kit.project import Project
    from w4r_kit.strings import load_words
    project = Project.at(starter_once)
    got = {lang: [load_words(project, lang, Problems()).get("collector_sheets", sheets=n, total=n)
                  for n in (0, 1, 2)] for lang in ("fr", "en", "lb")}
    assert got == {
        "fr": ["0 feuille par cas, 0 feuille dans ce paquet", "1 feuille par cas, 1 feuille dans ce paquet",
               "2 feuilles par cas, 2 feuilles dans ce paquet"],
        "en": ["0 sheets per case, 0 sheets in this pack", "1 sheet per case, 1 sheet in this pack",
               "2 sheets per case, 2 sheets in this pack"],
        "lb": ["0 Blieder pro Fall, 0 Blieder an dësem Pak", "1 Blat pro Fall, 1 Blat an dësem Pak",
               "2 Blieder pro Fall, 2 Blieder an dësem Pak"]}


def test_plural_category_a_language_lacks(cli, kit):
    set_word(kit, EN_WORDS, "collector_sheets", '"{sheets, plural, one {# sheet} few {# sheets}} per case, '
                                                '{total} sheets in this pack"')
    assert fails(cli, kit) == [
        f"{EN_WORDS}:92: collector_sheets: {{sheets, plural, ...}} needs an 'other {{...}}' option",
        f"{EN_WORDS}:92: collector_sheets: {{sheets, plural, ...}}: few is not a plural category of this "
        "language; use one, other (or =0, =1 for exact numbers)"]


def test_one_sheet_is_printed_in_the_singular(cli, kit):
    (kit / "groups.csv").write_text("id,name,lang,sheets\nklass-1,Klass 1,lb,1\nclasse-2,Classe 2,fr,1\n"
                                    "class-3,Class 3,en,2\n", encoding="utf-8")
    r = cli("signatures", "--groups", kit / "groups.csv", "--project", kit)
    assert r.exit_code == 0, r.output
    packs = kit / "dist/signatures"
    assert "1 Blat pro Fall, 1 Blat an dësem Pak" in text(packs / "klass-1.pdf")
    assert "1 feuille par cas, 1 feuille dans ce paquet" in text(packs / "classe-2.pdf")
    assert "2 sheets per case, 2 sheets in this pack" in text(packs / "class-3.pdf")


@pytest.mark.parametrize("lang, person, group", [
    ("en", ["HER STORY", "what happens to her closely", "HIS STORY", "what happens to him closely"],
     ["THEIR STORY", "what happens to them closely"]),
    ("fr", ["SON HISTOIRE", "ce qui lui arrive"], ["LEUR HISTOIRE", "ce qui leur arrive"]),
    ("lb", ["wat mat hir geschitt", "wat mat him geschitt"], ["wat mat hinnen geschitt"]),
])
def test_words_agree_with_a_cases_subject_and_pronouns(example_kit, lang, person, group):
    content = " ".join(text(example_kit[lang]).split())
    for words in person + group:
        assert words in content, words


@pytest.mark.parametrize("lang, said", [
    ("fr", ["au sujet des Défenseur·e·s des terres de la Nation Wet’suwet’en", "au sujet d’Oqba Hashad",
            "droits d’Oqba Hashad", "au sujet de Maryia Kalesnikava"]),
    ("en", ["writing to you about the Wet’suwet’en Land Defenders", "the rights of the Wet’suwet’en Land Defenders",
            "writing to you about Oqba Hashad"]),
])
def test_a_cases_name_inside_a_sentence_takes_the_article_and_elision_its_language_wants(example_kit, lang, said):
    """The default letters put a case's name in running text: a group's name with its article
    (name_in_text), and in French "de" contracted or elided before it."""
    content = " ".join(text(example_kit[lang]).split())
    for words in said:
        assert words in content, words
    if lang == "fr":
        assert "au sujet de Oqba" not in content and "au sujet de Défenseur" not in content


def test_french_de_contracts_and_elides_as_french_does():
    from w4r_kit.templates import french_de
    assert [french_de(x) for x in ("les Défenseur·e·s", "le peuple ogoni", "la communauté", "l’équipe",
                                   "Oqba Hashad", "Éric", "Yves", "Yasmine", "Hamid", "Le Pen")] == [
        "des Défenseur·e·s", "du peuple ogoni", "de la communauté", "de l’équipe", "d’Oqba Hashad", "d’Éric",
        "d’Yves", "de Yasmine", "de Hamid", "de Le Pen"]


def test_unknown_subject_is_named(cli, kit):
    append(kit, CASE, "subject: groupe\n")
    edit(kit, CASE, "\nsubject: person\n", "\n")
    assert fails(cli, kit) == [f"{CASE}:53: subject: 'groupe' must be 'person' (one person) or 'group' "
                               "(several people, a community); did you mean 'group'?"]


def test_starter_shows_name_per_language_subject_pronouns_and_the_section(starter_once):
    case = (starter_once / CASE).read_text(encoding="utf-8")
    assert "subject: person\npronouns: {fr: elle, en: she, lb: si}\n" in case
    assert 'name: {fr: "...", en: "...", lb: "..."}' in case
    assert "Luxembourg" not in case and "amnesty.lu" not in case
    assert "Amnesty International — Your Section" in case


# --------------------------------------------------------------------------- a new language, no code

@pytest.fixture(scope="module")
def dutch(tmp_path_factory) -> Path:
    """The starter with Dutch added through files only, built once."""
    root = tmp_path_factory.mktemp("dutch")
    project = root / "kit"
    assert Cli()("init", project).exit_code == 0
    edit(project, CASE, 'name: "Şebnem Korur Fincancı"', "name: \"Şebnem 'Şebo' Korur Fincancı\"")
    edit(project, CASE, 'en: "A forensic doctor', "en: 'A \"forensic\" doctor")
    edit(project, CASE, 'calling for an investigation."', "calling for an investigation.'")
    add_language(project, "nl", translate=True)
    words = project / "letter_templates/nl/strings.yaml"
    words.write_text(words.read_text(encoding="utf-8").replace('quotes: "“”"', 'quotes: "„”"')
                     .replace("space_before_colon: none", "space_before_colon: narrow"), encoding="utf-8")
    r = Cli()("build", "--project", project)
    assert r.exit_code == 0, r.output
    return project / "dist"


def test_a_new_language_gets_its_typography_from_its_words_file(dutch):
    # Lines joined with a space; U+202F and U+00A0 stay (str.split() would take them for spaces).
    nl, en, fr = (re.sub(r"[ ]*\r?\n", " ", text(dutch / f"kit-{lang}.pdf")) for lang in ("nl", "en", "fr"))
    assert "A „forensic” doctor" in nl and "A “forensic” doctor" in en
    # the space before ':' that the Dutch words file asks for (text extraction gives it as a space)
    assert "return by 31 January 2027 to : " in nl and "return by 31 January 2027 to: " in en
    assert "Şebnem ’Şebo’ Korur Fincancı" in nl                 # apostrophe key
    assert "Comment ça marche\u202f?" in fr and "« propagande terroriste »" in fr


def test_bookmarks_use_the_pages_apostrophes(dutch):
    titles = [title for _, title, _ in outline(dutch / "kit-en.pdf")]
    assert "Şebnem ’Şebo’ Korur Fincancı" in titles


def test_font_subset_tags_differ_between_fonts_and_files(dutch):
    """reportlab named every subset AAAAAA+: merged files then clashed. A tag now stands for one
    font's exact subset, so a name shared by two files means the same glyphs."""
    seen: dict[str, bytes] = {}
    for lang in ("fr", "en", "nl"):
        r = reader(dutch / f"kit-{lang}.pdf")
        fonts = {str(font["/BaseFont"]): font.get_object() for page in r.pages
                 for font in page["/Resources"]["/Font"].values()}
        tags = [name.split("+")[0] for name in fonts]
        assert len(set(tags)) == len(tags) and all(re.fullmatch(r"/[A-Z]{6}", t) for t in tags), fonts
        assert "/AAAAAA" not in tags
        for name, font in fonts.items():
            chars = font["/ToUnicode"].get_data()
            assert seen.setdefault(name, chars) == chars, (lang, name)
    assert len({name.split("+")[0] for name in seen}) == len(seen)
    regular = [name for name in seen if name.endswith("NotoSans-Regular")]
    assert len(regular) >= 2                       # fr and en differ (é, ç, « »), so do their tags


def test_unclosed_plural_choice_is_one_message(cli, kit):
    set_word(kit, EN_WORDS, "collector_sheets", '"{sheets, plural, one {# sheet} other {# sheets} per case"')
    assert fails(cli, kit) == [f"{EN_WORDS}:92: collector_sheets: the {{sheets, plural, ...}} choice does not "
                               "close: every option needs its text in { } and the choice a final }"]


def test_typography_keys_are_checked(cli, kit):
    set_word(kit, FR_WORDS, "quotes", '"«"')
    set_word(kit, FR_WORDS, "space_before_colon", "thin")
    assert fails(cli, kit) == [
        f"{FR_WORDS}:13: quotes: '«' must be two characters, the opening and the closing quotation mark, "
        'e.g. "«»", "“”" or "„“"',
        f"{FR_WORDS}:15: space_before_colon: 'thin' is not a kind of space; use one of none, no-break, narrow"]
