"""More of what a new user trips on: a file the tool could not read ending in an internal
error, one mistake giving two messages, problems of one file listed over several runs, a
message pointing at the wrong line. Messages are checked verbatim.
"""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from pdfcheck import text
from test_bad_input import append, edit, fails
from test_new_user import EN_WORDS, FR_WORDS, add_language, set_word

CASE = "cases/sebnem-korur-fincanci.yaml"


# --------------------------------------------------------------------------- files that cannot be read

@pytest.mark.parametrize("name, content, where", [
    # Windows-1252 'é' in the language's letter
    ("letter.j2", "Dear reader,\n\nJe t\xe9l\xe9phone {{ case.name }}.\n".encode("cp1252"),
     "letter_templates/en/letter.j2:3: is not UTF-8 text: byte 0xE9 ('é' in Windows-1252 or Latin-1) at column 5"),
    # garbage (an image saved under the name of a case's own letter)
    ("sebnem-korur-fincanci.j2", b"\x00\x01ok\n\x89PNG\r\n\x1a\n\xff\xd8",
     "letter_templates/en/sebnem-korur-fincanci.j2:2: is not UTF-8 text: byte 0x89 ('‰' in Windows-1252 or "
     "Latin-1) at column 1"),
])
def test_letter_template_that_is_not_utf8_names_line_and_byte(cli, kit, name, content, where):
    (kit / "letter_templates/en" / name).write_bytes(content)
    message = f"{where}; save the file as UTF-8"
    assert fails(cli, kit) == [message]
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--project", kit)
    assert r.exit_code == 1 and r.stderr.splitlines() == [message, "1 problem found; nothing was written."]


def test_included_template_that_is_not_utf8_names_its_own_line(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text('{% include "en/part.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates/en/part.j2").write_bytes("Hello,\nJe t\xe9l\xe9phone.\n".encode("cp1252"))
    assert fails(cli, kit) == ["letter_templates/en/part.j2:2: is not UTF-8 text: byte 0xE9 ('é' in "
                               "Windows-1252 or Latin-1) at column 5; save the file as UTF-8"]


# --------------------------------------------------------------------------- one run lists them all

def test_every_problem_of_one_case_file_in_one_run(cli, kit):
    """A misspelt field hides nothing else of the file, and is not also 'missing' or untranslated."""
    add_language(kit, "nl", letter=True)
    edit(kit, CASE, "\nheadline:\n", "\nheadlin:\n")
    edit(kit, CASE, "she was arrested", "she was ✓ arrested")
    edit(kit, CASE, 'petition_url: "https://', 'petition_url: "ftp://')
    append(kit, CASE, 'photo: "missing.jpg"\nphoto_credit: "© Amnesty"\n')
    no_text = "no text for 'nl' (add it, or build with --allow-incomplete)"
    assert fails(cli, kit) == [
        f"{CASE}:3: country: {no_text}",
        f"{CASE}:4: theme: {no_text}",
        f"{CASE}:5: headlin: unknown field 'headlin'; did you mean 'headline'?",
        f"{CASE}:9: story: {no_text}",
        f"{CASE}:19: story [en]: the fonts cannot draw '✓' (U+2713 CHECK MARK); replace it or set [brand] "
        "font_regular/font_bold to fonts that have it",
        f"{CASE}:28: ask: {no_text}",
        f"{CASE}:35: addressee.title: {no_text}",
        f"{CASE}:37: addressee.salutation: {no_text}",
        f"{CASE}:40: solidarity.note: {no_text}",
        f"{CASE}:44: solidarity.guidance: {no_text}",
        f"{CASE}:48: petition_url: 'ftp://www.example.org/w4r/sebnem-korur-fincanci' is not a web address; "
        "it must start with https:// (or http://)",
        f"{CASE}:54: photo: 'missing.jpg' does not exist: a photo path is relative to the cases/ folder, so it "
        "points to cases/missing.jpg"]


def test_a_field_with_a_problem_is_not_also_untranslated(cli, kit):
    edit(kit, CASE, '  title: {fr: "Ministre', '  titel: {fr: "Ministre')
    edit(kit, CASE, 'theme: {fr: "Justice", en: "Justice", lb: "Gerechtegkeet"}', "theme: {fr: 12, en: Justice}")
    assert fails(cli, kit) == [
        f"{CASE}:4: theme: no text for 'lb' (add it, or build with --allow-incomplete)",
        f"{CASE}:4: theme.fr: must be a text, but YAML read a number (12); put it in quotes",
        f"{CASE}:35: addressee.titel: unknown field 'titel'; did you mean 'title'?"]


# --------------------------------------------------------------------------- signatures: the groups' languages

def test_signatures_checks_only_the_languages_and_cases_its_groups_use(cli, kit):
    """A campaign language no group uses (Dutch, words and letter there, no case translated yet)
    is no reason to refuse the run, nor do its warnings name options signatures lacks."""
    add_language(kit, "nl")
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    edit(kit, "cases/second-case.yaml", 'theme: {fr: "Justice", ', "theme: {")
    groups = kit / "groups.csv"
    groups.write_text("id,name,lang,sheets\nclasse-1,Classe 1,fr,1\nclass-2,Class 2,en,1\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", kit)
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == ["warning: cases/second-case.yaml:4: [fr]: no text for theme; the case is "
                                     "left out of the 'fr' packs"]
    r = cli("signatures", "--groups", groups, "--case", "sebnem-korur-fincanci", "--project", kit)
    assert r.exit_code == 0 and r.stderr == "", r.output          # the case left out is not asked for
    groups.write_text("id,name,lang,sheets\nclasse-1,Classe 1,fr,1\nklas-2,Klas 2,nl,1\n", encoding="utf-8")
    r = cli("signatures", "--groups", groups, "--project", kit)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"{groups.name}:3: lang: no case is complete in 'nl', so group 'klas-2' would get no sheets; translate a "
        "case into 'nl' ('w4r-kit list' shows what each lacks), or give the group another language",
        "1 problem found; nothing was written."]


# --------------------------------------------------------------------------- one mistake, one message

def test_misspelt_required_section_is_one_problem(cli, kit):
    edit(kit, "kit.toml", "\n[campaign]\n", "\n[campain]\n")
    assert fails(cli, kit) == ["kit.toml:13: [campain]: unknown section [campain]; did you mean 'campaign'?"]


def test_misspelt_placeholder_is_one_problem_with_a_did_you_mean(cli, kit):
    set_word(kit, FR_WORDS, "sheet_footer", '"{group} — feuille {k} / {n} — {sheetid}"')
    set_word(kit, EN_WORDS, "sheet_footer", '"{group} — sheet {k} / {n} — {sheet_id} {x}"')
    assert fails(cli, kit) == [
        f"{EN_WORDS}:78: sheet_footer: unknown placeholder {{x}}; this label may use only {{group}}, {{k}}, "
        "{n}, {sheet_id}",
        f"{FR_WORDS}:78: sheet_footer: unknown placeholder {{sheetid}}; did you mean {{sheet_id}}?"]


# --------------------------------------------------------------------------- the right line

def test_character_the_fonts_lack_names_the_values_own_line(cli, kit):
    """As in a case file's story: the line the character is on (a language's text, a label folded over lines)."""
    edit(kit, "successes.yaml", "the human rights defender was acquitted", "the ✓ defender was acquitted")
    edit(kit, EN_WORDS, "This kit holds", "This ✓ kit holds")
    lacks = "the fonts cannot draw '✓' (U+2713 CHECK MARK); replace it or set [brand] font_regular/font_bold " \
            "to fonts that have it"
    assert fails(cli, kit) == [f"{EN_WORDS}:24: cover_intro [en]: {lacks}", f"successes.yaml:11: outcome [en]: {lacks}"]


# --------------------------------------------------------------------------- paths

def test_photo_path_from_the_project_gets_the_path_from_cases(cli, kit):
    (kit / "img").mkdir()
    shutil.copy(ROOT / "examples/previews/case-sheet-fr.png", kit / "img/p.png")
    append(kit, CASE, 'photo: "img/p.png"\nphoto_credit: "© Amnesty"\n')
    assert fails(cli, kit) == [
        f"{CASE}:54: photo: 'img/p.png' does not exist: a photo path is relative to the cases/ folder, so it points "
        "to cases/img/p.png; the file is at img/p.png: write photo: ../img/p.png"]
    edit(kit, CASE, 'photo: "img/p.png"', f'photo: "{(kit / "img/p.png").resolve()}"')
    assert fails(cli, kit) == [
        f"{CASE}:54: photo: '{(kit / 'img/p.png').resolve()}' is an absolute path; give a path relative to the "
        "cases/ folder; the file is at img/p.png: write photo: ../img/p.png"]
    edit(kit, CASE, f'photo: "{(kit / "img/p.png").resolve()}"', 'photo: "../img/p.png"')     # the fix works
    assert cli("validate", "--project", kit).exit_code == 0


@pytest.mark.parametrize("key, value, message", [
    ("logo", "logo.png", "kit.toml:11: [section] logo: 'logo.png' does not exist"),
    ("font_regular", "./fonts/../fonts/Regular.ttf",
     "kit.toml:28: [brand] font_regular: './fonts/../fonts/Regular.ttf' does not exist (looked for fonts/Regular.ttf)"),
])
def test_missing_logo_or_font_is_named_relative_to_the_project(cli, kit, key, value, message):
    commented = {"logo": '# logo = "logo.png"', "font_regular": '# font_regular = "fonts/MyFont-Regular.ttf"'}
    edit(kit, "kit.toml", commented[key], f'{key} = "{value}"')
    assert fails(cli, kit) == [message]


# --------------------------------------------------------------------------- values checked like the rest

def test_misspelt_language_key_is_named(cli, kit):
    edit(kit, CASE, "\n  fr: |\n", "\n  fre: |\n")
    edit(kit, CASE, '  title: {fr: "Ministre', '  title: {Fr: "Ministre')
    assert fails(cli, kit) == [
        f"{CASE}:10: story.fre: unknown language 'fre' (the campaign's are fr, en, lb); did you mean 'fr'?",
        f"{CASE}:35: addressee.title.Fr: unknown language 'Fr' (the campaign's are fr, en, lb); did you mean 'fr'?"]


def test_pronoun_values_are_checked_and_capitals_do_not_matter(cli, kit):
    edit(kit, CASE, "pronouns: {fr: elle, en: she, lb: si}", "pronouns: {fr: Elle, en: shee, lb: si}")
    assert fails(cli, kit) == [
        f"{CASE}:53: pronouns.en: 'shee' is not one of the pronouns the 'en' words and letters agree with "
        "(she, he, they); use one of them, or leave it out for neutral words; did you mean 'she'?"]
    edit(kit, CASE, "en: shee", "en: She")
    r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--project", kit)
    assert r.exit_code == 0, r.output
    assert "HER STORY" in text(kit / "dist/sebnem-korur-fincanci-en.pdf")


@pytest.mark.parametrize("value, read", [
    ("2024-01-01", "a date (2024-01-01)"),
    ("~", "nothing (an empty value, or ~)"),
    ("", "nothing (an empty value, or ~)"),
])
def test_words_say_what_yaml_read_in_the_users_terms(cli, kit, value, read):
    set_word(kit, EN_WORDS, "choice_no", value)
    assert fails(cli, kit) == [f"{EN_WORDS}:67: choice_no: must be a text, but YAML read {read}; put the text "
                               "in quotes"]


def test_success_year_says_what_yaml_read_in_the_users_terms(cli, kit):
    edit(kit, "successes.yaml", "- year: 2023", "- year: 2023-06-14")
    assert fails(cli, kit) == ["successes.yaml:6: year: must be a year such as 2023, not a date (2023-06-14)"]
