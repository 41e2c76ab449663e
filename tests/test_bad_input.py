"""Bad input, one small broken project each (SPEC §9).

Every test starts from the starter project of `w4r-kit init`, already built once,
breaks one thing, then runs `validate` and `build` as a section would. Each must
exit 1 with the exact message (messages are part of the interface), print no
traceback, and leave the earlier outputs byte for byte as they were.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from conftest import Cli
from pdfcheck import outline, page_texts, text

CASE = "cases/sebnem-korur-fincanci.yaml"
FONT_HINT = "replace it or set [brand] font_regular/font_bold to fonts that have it"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The starter project, built once: every test starts from a copy of it."""
    target = tmp_path_factory.mktemp("built") / "kit"
    cli = Cli()
    assert cli("init", target).exit_code == 0
    r = cli("build", "--project", target)
    assert r.exit_code == 0, r.output
    return target


@pytest.fixture()
def kit(built, tmp_path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(built, target, symlinks=True)
    return target


def edit(project: Path, name: str, old: str, new: str) -> None:
    """Replace `old` (which must be there, once) in one file of the project."""
    path = project / name
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{old!r} in {name}"
    path.write_text(source.replace(old, new), encoding="utf-8")


def append(project: Path, name: str, text: str) -> None:
    with open(project / name, "a", encoding="utf-8") as fh:
        fh.write(text)


def outputs(project: Path) -> dict[str, bytes]:
    """Every file under dist/, hidden temporary files included."""
    dist = project / "dist"
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


def fails(cli, project: Path, *expected: str, commands=("validate", "build"), args=()) -> list[str]:
    """Run each command: exit 1, every expected line on stderr, no traceback, outputs untouched.

    Returns the problem lines of the last command.
    """
    before = outputs(project)
    lines: list[str] = []
    for command in commands:
        r = cli(command, "--project", project, *args)
        assert r.exit_code == 1, (command, r.output)
        assert "Traceback" not in r.output and "internal error" not in r.output, r.output
        lines = r.stderr.splitlines()
        for line in expected:
            assert line in lines, f"{command}: {line!r} not in\n{r.stderr}"
        assert lines[-1].endswith("found." if command == "validate" else "found; nothing was written."), lines
        assert outputs(project) == before, command
    return lines[:-1]


# --------------------------------------------------------------------------- YAML and case files

def test_yaml_that_does_not_parse(cli, kit):
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: ["Şebnem Korur Fincancı"')
    fails(cli, kit, f"{CASE}:3: is not valid YAML: did not find expected ',' or ']' in a flow sequence "
                    "that began on line 2 (check indentation, colons and quotes)")


def test_yaml_key_twice(cli, kit):
    append(kit, CASE, 'name: "Other"\n')
    fails(cli, kit, f"{CASE}:54: is not valid YAML: key 'name' appears twice (first on line 2) "
                    "(check indentation, colons and quotes)")


def test_case_file_that_is_not_a_mapping(cli, kit):
    (kit / CASE).write_text("- id: sebnem-korur-fincanci\n- name: x\n", encoding="utf-8")
    fails(cli, kit, f"{CASE}:1: must be a mapping of fields (id: ..., name: ...), not a list")


def test_case_file_not_utf8(cli, kit):
    (kit / CASE).write_bytes((kit / CASE).read_text(encoding="utf-8").encode("utf-16"))
    fails(cli, kit, f"{CASE}:1: is UTF-16 text; save it as UTF-8 (in the editor's 'Save as': encoding UTF-8)")


def test_character_yaml_does_not_allow(cli, kit):
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: "Şebnem\x1f Korur Fincancı"')
    fails(cli, kit, f"{CASE}:2: contains U+001F (an invisible control character), which YAML does not allow; "
                    "remove it")


def test_a_key_with_a_terminal_escape_stays_on_one_line(cli, kit):
    append(kit, CASE, '"\\e[31mred\\nline": x\n')
    fails(cli, kit, f"{CASE}:54: \\x1b[31mred line: unknown field '\\x1b[31mred line'")


def test_unknown_key_is_one_problem_with_did_you_mean(cli, kit):
    edit(kit, CASE, "headline:", "headlin:")
    lines = fails(cli, kit, f"{CASE}:5: headlin: unknown field 'headlin'; did you mean 'headline'?")
    assert len(lines) == 1, lines           # not also "headline: missing"


def test_unknown_key_far_from_any_field(cli, kit):
    append(kit, CASE, "notes: internal\n")
    fails(cli, kit, f"{CASE}:54: notes: unknown field 'notes'")


@pytest.mark.parametrize("old, new, line, field, kind", [
    ('name: "Şebnem Korur Fincancı"', "name: 12", 2, "name", "a number (12)"),
    ('name: "Şebnem Korur Fincancı"', "name: 2024-01-01", 2, "name", "a date (2024-01-01)"),
    ('theme: {fr: "Justice", en: "Justice", lb: "Gerechtegkeet"}', 'theme: {fr: "Justice", en: "Justice", lb: no}',
     4, "theme.lb", "true/false (false; YAML reads unquoted yes, no, on, off that way)"),
])
def test_wrong_type(cli, kit, old, new, line, field, kind):
    edit(kit, CASE, old, new)
    fails(cli, kit, f"{CASE}:{line}: {field}: must be a text, but YAML read {kind}; put it in quotes")


def test_addressee_that_is_not_a_mapping(cli, kit):
    source = (kit / CASE).read_text(encoding="utf-8")
    start, end = source.index("addressee:\n"), source.index("solidarity:")
    (kit / CASE).write_text(source[:start] + 'addressee: "The Minister"\n' + source[end:], encoding="utf-8")
    fails(cli, kit, f"{CASE}:33: addressee: must be a mapping with name, title, address and salutation")


def test_case_id_that_differs_from_its_file_name(cli, kit):
    edit(kit, CASE, "id: sebnem-korur-fincanci", "id: sebnem-fincanci")
    fails(cli, kit, f"{CASE}:1: id: 'sebnem-fincanci' differs from the file name; rename the file to "
                    "sebnem-fincanci.yaml or set id: sebnem-korur-fincanci")


def test_copied_case_whose_id_was_not_changed(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/second.yaml")
    fails(cli, kit, "cases/second.yaml:1: id: 'sebnem-korur-fincanci' is already the id of "
                    "cases/sebnem-korur-fincanci.yaml; this file looks like a copy of it: delete this file, "
                    "or set id: second in it")


def test_two_cases_with_one_id(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/sebnem-korur-fincanci.yml")
    fails(cli, kit, "cases/sebnem-korur-fincanci.yml:1: id: two cases have the id 'sebnem-korur-fincanci' "
                    "(also cases/sebnem-korur-fincanci.yaml)")


# --------------------------------------------------------------------------- kit.toml

def test_kit_toml_that_is_not_toml(cli, kit):
    edit(kit, "kit.toml", 'paper = "A4"', "paper = A4")
    fails(cli, kit, "kit.toml:21: is not valid TOML: Invalid value (column 9); check quotes, brackets and '=' "
                    '(texts need "quotes")')


def test_unknown_section_and_key_with_did_you_mean(cli, kit):
    edit(kit, "kit.toml", "[signatures]", "[signature]")
    edit(kit, "kit.toml", "duplex = false", "duplexx = false")
    fails(cli, kit, "kit.toml:23: [print] duplexx: unknown key 'duplexx' in [print]; did you mean 'duplex'?",
          "kit.toml:34: [signature]: unknown section [signature]; did you mean 'signatures'?")


@pytest.mark.parametrize("old, new, expected", [
    ('primary = "#FFFF00"', 'primary = "yellow"',
     'kit.toml:26: [brand] primary: \'yellow\' is not a colour; write it as #RRGGBB, e.g. "#FFFF00"'),
    ('text = "#000000"', 'text = "#00000"',
     'kit.toml:27: [brand] text: \'#00000\' is not a colour; write it as #RRGGBB, e.g. "#FFFF00"'),
    ('paper = "A4"', 'paper = "A5"', "kit.toml:21: [print] paper: 'A5' is not a paper size; use one of A4, Letter"),
    ('paper = "A4"', 'paper = "letter"',
     "kit.toml:21: [print] paper: 'letter' is not a paper size; use one of A4, Letter (write 'Letter')"),
    ("rows = 15", "rows = 40", "kit.toml:35: [signatures] rows: 40 rows do not fit a sheet; use 1 to 25"),
])
def test_bad_values(cli, kit, old, new, expected):
    edit(kit, "kit.toml", old, new)
    fails(cli, kit, expected)


def test_return_by_in_the_past_is_a_warning(cli, kit):
    edit(kit, "kit.toml", "return_by = 2027-01-31", "return_by = 2020-01-31")
    warning = ("warning: kit.toml:17: [campaign] return_by: 2020-01-31 is in the past; "
               "sheets would ask for a date already gone")
    for command in ("validate", "build"):
        r = cli(command, "--project", kit, "--lang", "en")
        assert r.exit_code == 0, r.output
        assert warning in r.stderr.splitlines()


def translate_starter_extras(project: Path, lang: str) -> None:
    """The starter's postage zones and successes.yaml in `lang` (copied from en)."""
    import yaml
    edit(project, "kit.toml", 'lb = "Europa" }', f'lb = "Europa", {lang} = "Europa" }}')
    edit(project, "kit.toml", 'lb = "Rescht vun der Welt" }', f'lb = "Rescht vun der Welt", {lang} = "Rest der Welt" }}')
    successes = yaml.safe_load((project / "successes.yaml").read_text(encoding="utf-8"))
    for entry in successes:
        for value in entry.values():
            if isinstance(value, dict) and "en" in value:
                value[lang] = value["en"]
    (project / "successes.yaml").write_text(yaml.safe_dump(successes, allow_unicode=True), encoding="utf-8")


def _add_language(project: Path, lang: str, *case_files: str) -> None:
    """Campaign language `lang` with a title, and the cases' texts in it (copied from en)."""
    import yaml
    edit(project, "kit.toml", 'languages = ["fr", "en", "lb"]', f'languages = ["fr", "en", "lb", "{lang}"]')
    edit(project, "kit.toml", 'lb = "Bréifmarathon" }', f'lb = "Bréifmarathon", {lang} = "Briefmarathon" }}')
    translate_starter_extras(project, lang)
    for case_file in case_files:
        data = yaml.safe_load((project / case_file).read_text(encoding="utf-8"))
        for mapping in (data, data["addressee"], data["solidarity"]):
            for value in mapping.values():
                if isinstance(value, dict) and "en" in value:
                    value[lang] = value["en"]
        (project / case_file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_language_without_words(cli, kit):
    _add_language(kit, "de", CASE)
    fails(cli, kit, "letter_templates/de/strings.yaml: no printed words for language 'de'; copy "
                    "letter_templates/en/strings.yaml (from 'w4r-kit init') to letter_templates/de/strings.yaml "
                    "and translate it")


def test_language_without_a_letter_template_is_reported_once(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    _add_language(kit, "de", CASE, "cases/second-case.yaml")
    (kit / "letter_templates/de").mkdir()
    shutil.copy(kit / "letter_templates/en/strings.yaml", kit / "letter_templates/de/strings.yaml")
    lines = fails(cli, kit)
    assert lines == ["letter_templates/de/letter.j2: no letter template for 'de'; add letter_templates/de/letter.j2 "
                     "(copy one from 'w4r-kit init')"]


def test_config_problems_do_not_hide_case_problems(cli, kit):
    edit(kit, "kit.toml", "[print]", "[prnt]")
    edit(kit, "kit.toml", 'primary = "#FFFF00"', 'primary = "jaune"')
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    edit(kit, "cases/second-case.yaml", "theme:", "them:")
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: "Şebnem Korur Fincancı ✓"')
    (kit / "letter_templates/en/letter.j2").write_text("{{ case.nom }}\n", encoding="utf-8")
    lines = fails(cli, kit)
    assert lines == [
        "kit.toml:20: [prnt]: unknown section [prnt]; did you mean 'print'?",
        'kit.toml:26: [brand] primary: \'jaune\' is not a colour; write it as #RRGGBB, e.g. "#FFFF00"',
        f"{CASE}:2: name: the fonts cannot draw '✓' (U+2713 CHECK MARK); {FONT_HINT}",
        "cases/second-case.yaml:4: them: unknown field 'them'; did you mean 'theme'?",
        "letter_templates/en/letter.j2:1: undefined variable 'case.nom'; case has id, name, name_in_text, subject, "
        "group, pronoun, country, theme, headline, ask, addressee",
    ]


def test_broken_kit_toml_still_lists_case_problems(cli, kit):
    edit(kit, "kit.toml", 'paper = "A4"', "paper = ")
    edit(kit, CASE, "headline:", "headlin:")
    lines = fails(cli, kit)
    assert lines == ["kit.toml:21: is not valid TOML: Invalid value (column 19); check quotes, brackets and '=' "
                     '(texts need "quotes")',
                     f"{CASE}:5: headlin: unknown field 'headlin'; did you mean 'headline'?"]
    r = cli("list", "--project", kit)
    assert r.exit_code == 1 and r.stderr.splitlines()[:2] == lines


# --------------------------------------------------------------------------- translations

def test_missing_translation_and_allow_incomplete(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    edit(kit, "cases/second-case.yaml", 'name: "Şebnem Korur Fincancı"', 'name: "Second Case"')
    edit(kit, "cases/second-case.yaml", ', lb: "Gerechtegkeet"}', "}")
    fails(cli, kit, "cases/second-case.yaml:4: theme: no text for 'lb' (add it, or build with --allow-incomplete)")
    r = cli("build", "--project", kit, "--allow-incomplete")
    assert r.exit_code == 0, r.output
    assert "warning: cases/second-case.yaml:4: [lb]: no text for theme; case skipped in this language " \
        "(--allow-incomplete)" in r.stderr.splitlines()
    assert "Second Case" in text(kit / "dist/kit-en.pdf")
    assert "Second Case" not in text(kit / "dist/kit-lb.pdf")
    assert "Şebnem Korur Fincancı" in text(kit / "dist/kit-lb.pdf")


# --------------------------------------------------------------------------- letter templates

def test_template_syntax_error_is_reported_once_with_its_line(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    (kit / "letter_templates/en/letter.j2").write_text("Dear reader,\n\n{% if case.name %}\n{{ case.name }\n",
                                                       encoding="utf-8")
    lines = fails(cli, kit, "letter_templates/en/letter.j2:4: template syntax error: unexpected '}'")
    assert len(lines) == 1, lines


def test_undefined_variable(cli, kit):
    (kit / "letter_templates/fr/letter.j2").write_text("Bonjour,\n\n{{ case.adressee.name }}\n", encoding="utf-8")
    fails(cli, kit, "letter_templates/fr/letter.j2:3: undefined variable 'case.adressee'; did you mean "
                    "'case.addressee'?")


@pytest.mark.parametrize("expression, attribute", [
    ("''.__class__.__mro__[1].__subclasses__()", "__class__"),
    ("lang.__class__", "__class__"),
    ("case.name.format.__globals__", "__globals__"),
    ("cycler.__init__.__globals__", "__init__"),
])
def test_templates_cannot_reach_python_internals(cli, kit, expression, attribute):
    (kit / "letter_templates/en/letter.j2").write_text(f"x\n{{{{ {expression} }}}}\n", encoding="utf-8")
    lines = fails(cli, kit)
    assert len(lines) == 1
    assert lines[0].startswith("letter_templates/en/letter.j2:2: "), lines
    assert attribute in lines[0] or "undefined" in lines[0], lines


@pytest.mark.parametrize("expression, message", [
    ("case.items", "prints a function or object, not a text; remove it"),
    ("case.addressee.address", "prints a list or mapping as Python writes it; use e.g. "
                               "{{ case.addressee.address | join(', ') }}"),
])
def test_template_printing_python_objects(cli, kit, expression, message):
    (kit / "letter_templates/en/letter.j2").write_text(f"x\n{{{{ {expression} }}}}\n", encoding="utf-8")
    fails(cli, kit, f"letter_templates/en/letter.j2:2: template error: {message}")


def test_include_or_extends_of_a_missing_template(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text('x\n\n{% include "en/closing.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates/fr/letter.j2").write_text('{% extends "fr/base.j2" %}\n', encoding="utf-8")
    hint = "names are relative to letter_templates/ (e.g. 'en/part.j2'), or '!default/en/letter.j2' for the package default"
    fails(cli, kit, f"letter_templates/en/letter.j2:3: no template 'en/closing.j2' to include or extend; {hint}",
          f"letter_templates/fr/letter.j2:1: no template 'fr/base.j2' to include or extend; {hint}")


def test_error_inside_an_included_template_names_that_template(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text('x\n\n{% include "en/closing.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates/en/closing.j2").write_text("Yours,\n{{ signature }}\n", encoding="utf-8")
    (kit / "letter_templates/lb/letter.j2").write_text('x\n\n{% include "lb/closing.j2" %}\n', encoding="utf-8")
    (kit / "letter_templates/lb/closing.j2").write_text("Merci,\n\n{{ case.name \n", encoding="utf-8")
    fails(cli, kit, "letter_templates/en/closing.j2:2: undefined variable 'signature'; "
                    "templates may use case, section, campaign, lang",
          "letter_templates/lb/closing.j2:3: template syntax error: unexpected end of template, "
          "expected 'end of print statement'.")


# --------------------------------------------------------------------------- paths

def _photo(kit: Path, value: str) -> None:
    append(kit, CASE, f'photo: "{value}"\nphoto_credit: "© Amnesty International"\n')


@pytest.mark.parametrize("value, message", [
    ("nope.jpg", "'nope.jpg' does not exist: a photo path is relative to the cases/ folder, so it points to "
                 "cases/nope.jpg"),
    ("../../outside.jpg", "'../../outside.jpg' leads outside the project directory; copy the file into the project"),
    ("/etc/hostname", "'/etc/hostname' is an absolute path; give a path relative to the cases/ folder"),
    ("link.jpg", "'link.jpg' is a link to {outside}, outside the project directory; copy the file itself into "
                 "the project"),
    ("folder.jpg", "'folder.jpg' is not a file"),
    ("notes.jpg", "'notes.jpg' is not a readable JPEG or PNG image; export it again as JPEG or PNG"),
    ("photo.gif", "'photo.gif' must be a JPEG or PNG image"),
])
def test_bad_photo_paths(cli, kit, value, message):
    outside = kit.parent / "outside.jpg"
    Image.new("RGB", (30, 40), "blue").save(outside)
    (kit / "cases/link.jpg").symlink_to(outside)
    (kit / "cases/folder.jpg").mkdir()
    (kit / "cases/notes.jpg").write_text("not a picture")
    Image.new("RGB", (30, 40), "blue").save(kit / "cases/photo.gif")
    _photo(kit, value)
    fails(cli, kit, f"{CASE}:54: photo: " + message.format(root=kit.resolve(), outside=outside.resolve()))


def test_photo_without_credit(cli, kit):
    Image.new("RGB", (30, 40), "blue").save(kit / "cases/p.jpg")
    append(kit, CASE, "photo: p.jpg\n")
    fails(cli, kit, f'{CASE}:54: photo_credit: a photo needs a credit; add photo_credit: "© ..."')


@pytest.mark.parametrize("key, value, message", [
    ("logo", "../logo.png", "'../logo.png' leads outside the project directory; copy the file into the project"),
    ("logo", "logo.png", "'logo.png' is not a readable JPEG or PNG image; export it again as JPEG or PNG"),
    ("font_regular", "fonts/Missing.ttf", "'fonts/Missing.ttf' does not exist"),
    ("font_regular", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "'/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' is an absolute path; give a path relative to the project"),
    ("font_bold", "fonts/Broken.ttf", "'fonts/Broken.ttf' cannot be used as a font (Not a recognized TrueType "
                                      "font: version=0x00000000); use a TrueType (.ttf) file"),
    ("font_bold", "fonts/Font.otf", "must be a TrueType font file (.ttf); OpenType/CFF (.otf) is not supported"),
])
def test_bad_logo_and_font_paths(cli, kit, key, value, message):
    (kit / "logo.png").write_text("not a picture")
    (kit / "fonts").mkdir()
    (kit / "fonts/Broken.ttf").write_bytes(b"\0" * 64)
    (kit / "fonts/Font.otf").write_bytes(b"OTTO" + b"\0" * 60)
    lines = {"logo": 11, "font_regular": 28, "font_bold": 29}
    table = "section" if key == "logo" else "brand"
    edit(kit, "kit.toml", {"logo": '# logo = "logo.png"', "font_regular": '# font_regular = "fonts/MyFont-Regular.ttf"',
                           "font_bold": '# font_bold = "fonts/MyFont-Bold.ttf"'}[key], f'{key} = "{value}"')
    fails(cli, kit, f"kit.toml:{lines[key]}: [{table}] {key}: {message.format(root=kit.resolve())}")


# --------------------------------------------------------------------------- petition URLs

@pytest.mark.parametrize("url", ["ftp://www.amnesty.lu/petition", "javascript:alert(1)", "www.amnesty.lu/petition",
                                 "https://"])
def test_petition_url_that_is_not_a_web_address(cli, kit, url):
    edit(kit, CASE, '"https://www.example.org/w4r/sebnem-korur-fincanci"', f'"{url}"')
    fails(cli, kit, f"{CASE}:48: petition_url: '{url}' is not a web address; it must start with https:// "
                    "(or http://)")


def test_petition_url_too_dense_for_its_qr_code(cli, kit):
    long_url = "https://www.amnesty.lu/w4r/2024/" + "sebnem-korur-fincanci-" * 12
    edit(kit, CASE, '"https://www.example.org/w4r/sebnem-korur-fincanci"', f'"{long_url}"')
    lines = fails(cli, kit)
    assert len(lines) == 1
    assert lines[0].startswith(f"{CASE}:48: petition_url: with tracking parameters the QR code needs ")
    assert lines[0].endswith("below the 0.35 mm that scans reliably; shorten the URL or the [petition] "
                             "tracking parameters")


def test_petition_url_too_long_for_any_qr_code(cli, kit):
    edit(kit, CASE, '"https://www.example.org/w4r/sebnem-korur-fincanci"',
         '"https://www.amnesty.lu/' + "x" * 3000 + '"')
    lines = fails(cli, kit)
    assert lines[0].startswith(f"{CASE}:48: petition_url: too long for a QR code: ")


# --------------------------------------------------------------------------- characters the fonts cannot draw

def test_character_the_fonts_cannot_draw_is_named_once(cli, kit):
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: "Şebnem ✓ Korur Fincancı"')
    lines = fails(cli, kit, f"{CASE}:2: name: the fonts cannot draw '✓' (U+2713 CHECK MARK); {FONT_HINT}")
    assert len(lines) == 1, lines      # not per language, not again for the letter that quotes the name


def test_a_whole_name_in_another_script_is_one_problem(cli, kit):
    edit(kit, CASE, '  en: "End the judicial', '  en: "منال End the judicial')
    lines = fails(cli, kit)
    assert lines == [f"{CASE}:30: ask [en]: the fonts cannot draw 'م' (U+0645 ARABIC LETTER MEEM), "
                     "'ن' (U+0646 ARABIC LETTER NOON), 'ا' (U+0627 ARABIC LETTER ALEF), 'ل' (U+0644 ARABIC "
                     "LETTER LAM); replace them or set [brand] font_regular/font_bold to fonts that have them"]


@pytest.mark.parametrize("escape", ["\\u0007", "\\0"])      # the default font maps U+0000 to a glyph
def test_control_character(cli, kit, escape):
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', f'name: "Şebnem{escape} Korur Fincancı"')
    code = "0007" if escape.endswith("7") else "0000"
    fails(cli, kit, f"{CASE}:2: name: the fonts cannot draw U+{code} (an invisible control character); {FONT_HINT}")


def test_character_in_a_template_words_or_kit_toml(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text("Hello,\n\n☎ {{ case.name }}\n", encoding="utf-8")
    edit(kit, "letter_templates/fr/strings.yaml", "col_signature: Signature\n", "col_signature: Signature ✍\n")
    edit(kit, "kit.toml", 'email = "contact@example.org"', 'email = "contact@example.org ✉"')
    fails(cli, kit, "kit.toml:9: [section] email: the fonts cannot draw '✉' (U+2709 ENVELOPE); " + FONT_HINT,
          "letter_templates/en/letter.j2:3: letter [en]: the fonts cannot draw '☎' (U+260E BLACK TELEPHONE); "
          + FONT_HINT,
          f"letter_templates/fr/strings.yaml:{_line(kit, 'letter_templates/fr/strings.yaml', 'col_signature:')}: "
          "col_signature [fr]: the fonts cannot draw '✍' (U+270D WRITING HAND); " + FONT_HINT)


def _line(project: Path, name: str, start: str) -> int:
    lines = (project / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


# --------------------------------------------------------------------------- text too long for its box

def test_text_too_long_is_reported_in_every_language_in_one_run(cli, kit):
    long = " ".join(["an ask that goes on"] * 60)
    for lang, start in (("fr", '  fr: "Mettez fin'), ("en", '  en: "End the'), ("lb", '  lb: "Maacht dem')):
        edit(kit, CASE, start, f'  {lang}: "{long}"\n  x{lang}: "')
    source = (kit / CASE).read_text(encoding="utf-8")
    (kit / CASE).write_text("\n".join(l for l in source.splitlines() if not l.startswith("  x")) + "\n",
                            encoding="utf-8")
    lines = fails(cli, kit)
    assert lines == [f"{CASE}:{line}: ask [{lang}]: too long for the demand on the case sheet (30 mm at 9.5 pt); "
                     "shorten it" for line, lang in ((29, "fr"), (30, "en"), (31, "lb"))]


def test_problems_in_several_cases_and_artefacts_are_all_listed(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/second-case.yaml")
    edit(kit, "cases/second-case.yaml", "id: sebnem-korur-fincanci", "id: second-case")
    edit(kit, "cases/second-case.yaml", '  en: "A forensic doctor', '  en: "' + "A very long headline " * 40)
    edit(kit, CASE, '    en: "Write a card', '    en: "' + "Write many cards " * 60)
    edit(kit, "kit.toml", 'consent = true', 'consent = true\nprivacy_notice = { en = "' + "We keep it safe. " * 60 + '" }')
    lines = fails(cli, kit)
    assert lines == [
        "kit.toml:38: [signatures] privacy_notice [en]: too long for the signature sheet (16 mm at 6.5 pt); shorten it",
        f"{CASE}:42: solidarity.note [en]: too long for the case sheet; shorten it",
        "cases/second-case.yaml:7: headline [en]: too long for the case sheet; keep it to one sentence",
    ]


def test_a_long_title_stops_each_artefact_at_its_first_line(cli, kit):
    # A document is laid out up to its first text that does not fit: the title is in every
    # header, so it is the one problem listed until it is fixed.
    edit(kit, "kit.toml", 'en = "Write for Rights"', 'en = "' + "Write for Rights " * 12 + '"')
    lines = fails(cli, kit)
    assert lines == ["kit.toml:15: [campaign] title [en]: too long for the cover even at 24 pt; shorten it"]


def test_long_petition_url_does_not_fit_under_its_qr_code(cli, kit):
    edit(kit, CASE, '"https://www.example.org/w4r/sebnem-korur-fincanci"',
         '"https://www.amnesty.lu/w4r/2024/' + "sebnem-korur-fincanci-" * 4 + '"')
    lines = fails(cli, kit)
    assert lines == [f"{CASE}:48: petition_url: too long to print under its QR code (3 lines of 46 mm at 7 pt); "
                     "use a shorter address"]


def test_long_name_is_reported_not_shrunk_to_nothing(cli, kit):
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: "' + "Şebnem Korur Fincancı " * 12 + '"')
    lines = fails(cli, kit)
    assert lines == [f"{CASE}:2: name: too long for the band of the case sheet even at 17 pt; shorten it"]


def test_long_label_in_words_is_reported_with_its_file(cli, kit):
    name = "letter_templates/lb/strings.yaml"
    line = _line(kit, name, "how_title:")
    source = (kit / name).read_text(encoding="utf-8").splitlines()
    source[line - 1] = 'how_title: "' + "Wéi geet dat? " * 20 + '"'
    (kit / name).write_text("\n".join(source) + "\n", encoding="utf-8")
    fails(cli, kit, f"{name}:{line}: how_title [lb]: too long for its line even at 6.5 pt; shorten it")


def test_long_letter_names_its_template(cli, kit):
    (kit / "letter_templates/en/letter.j2").write_text(("word " * 300 + "\n\n") * 25, encoding="utf-8")
    fails(cli, kit, "letter_templates/en/letter.j2: letter [en]: the letter body is longer than three pages; "
                    "shorten the template")


def test_long_story_flows_onto_continuation_pages(cli, kit):
    paragraph = "This paragraph is part of a long story that must flow on and never be cut. " * 12
    edit(kit, CASE, "  en: |\n    At home,", "  en: |\n" + f"    {paragraph}\n\n" * 8 + "    At home,")
    r = cli("build", "--project", kit, "--lang", "en")
    assert r.exit_code == 0, r.output
    pages = page_texts(kit / "dist/kit-en.pdf")
    sheet = next(page for _, title, page in outline(kit / "dist/kit-en.pdf") if title == "Case sheet")
    assert "(continued)" in pages[sheet + 1] or "continued" in pages[sheet + 1].lower()
    content = " ".join(re.sub("\ufffe\\s*", "", " ".join(pages)).split())      # pdfium marks hyphenation with U+FFFE
    assert content.count("must flow on and never be cut.") == 8 * 12
    assert "Şebnem refuses to be intimidated." in content


# --------------------------------------------------------------------------- photos

def _case_sheet_page(pdf: Path) -> int:
    return next(page for _, title, page in outline(pdf) if title == "Case sheet")


def _pixel_at_photo_centre(pdf: Path) -> tuple[int, int, int]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[_case_sheet_page(pdf)].render(scale=2).to_pil().convert("RGB")      # the case sheet
    finally:
        doc.close()
    mm = 72 / 25.4 * 2
    return image.getpixel((int((18 + 29) * mm), int((42 + 36) * mm)))


def _save_16bit_grey(path: Path) -> None:
    import numpy as np
    Image.fromarray(np.full((80, 60), 0x8080, dtype=np.uint16)).save(path)


@pytest.mark.parametrize("name, make, expected", [
    ("cmyk.jpg", lambda p: Image.new("CMYK", (60, 80), (0, 255, 255, 0)).save(p), (255, 0, 0)),
    ("alpha.png", lambda p: Image.new("RGBA", (60, 80), (0, 0, 255, 0)).save(p), (255, 255, 255)),
    ("half.png", lambda p: Image.new("RGBA", (60, 80), (0, 0, 0, 128)).save(p), (127, 127, 127)),
    ("grey16.png", _save_16bit_grey, (128, 128, 128)),
    ("palette.png", lambda p: Image.new("P", (60, 80), 0).save(p, transparency=0), (255, 255, 255)),
    ("webp-named.jpg", lambda p: Image.new("RGB", (60, 80), (0, 128, 0)).save(p, format="WEBP", lossless=True),
     (0, 128, 0)),
])
def test_odd_photo_formats_print_as_they_look(cli, kit, name, make, expected):
    make(kit / "cases" / name)
    _photo(kit, name)
    r = cli("build", "--project", kit, "--lang", "en")
    assert r.exit_code == 0, r.output
    got = _pixel_at_photo_centre(kit / "dist/kit-en.pdf")
    assert all(abs(a - b) <= 3 for a, b in zip(got, expected)), got


def test_phone_photo_is_turned_the_way_it_was_taken(tmp_path):
    from w4r_kit.images import embeddable
    exif = Image.Exif()
    exif[0x0112] = 6                  # "rotate 90° clockwise to display"
    Image.new("RGB", (80, 60), "red").save(tmp_path / "phone.jpg", exif=exif)
    with Image.open(embeddable(tmp_path / "phone.jpg")) as image:
        assert image.size == (60, 80)
    Image.new("RGB", (80, 60), "red").save(tmp_path / "plain.jpg")
    assert embeddable(tmp_path / "plain.jpg") == tmp_path / "plain.jpg"      # embedded as it is


def test_photo_with_too_many_pixels_is_refused_before_decoding(cli, kit, recwarn):
    Image.new("1", (12_000, 9_000)).save(kit / "cases/huge.png")     # 108 Mpx, a few kB on disk
    _photo(kit, "huge.png")
    fails(cli, kit, f"{CASE}:54: photo: 'huge.png' has too many pixels (more than 60 million); scale it to at "
                    "most 2400 px on its long side")
    assert not [w for w in recwarn if "DecompressionBomb" in type(w.message).__name__]


def test_truncated_photo_is_refused(cli, kit):
    Image.effect_noise((300, 400), 60).convert("RGB").save(kit / "cases/cut.jpg", quality=90)
    data = (kit / "cases/cut.jpg").read_bytes()
    (kit / "cases/cut.jpg").write_bytes(data[: len(data) // 2])
    _photo(kit, "cut.jpg")
    lines = fails(cli, kit)
    assert len(lines) == 1
    assert lines[0].startswith(f"{CASE}:54: photo: 'cut.jpg' is damaged (")
    assert lines[0].endswith("); export it again as JPEG or PNG")


def test_large_photo_is_scaled_down(cli, kit):
    Image.effect_noise((3600, 4800), 40).convert("RGB").save(kit / "cases/big.jpg", quality=95)
    _photo(kit, "big.jpg")
    r = cli("build", "--project", kit, "--lang", "en")
    assert r.exit_code == 0, r.output
    from pypdf import PdfReader
    page = PdfReader(str(kit / "dist/kit-en.pdf")).pages[_case_sheet_page(kit / "dist/kit-en.pdf")]
    sizes = [(x["/Width"], x["/Height"]) for x in page["/Resources"]["/XObject"].values()
             if x.get_object()["/Subtype"] == "/Image" for x in [x.get_object()]]
    assert sizes == [(1800, 2400)]


# --------------------------------------------------------------------------- writing the outputs

def test_out_folder_that_cannot_be_created(cli, kit):
    (kit / "afile").write_text("")
    fails(cli, kit, f"{kit.resolve()}/afile/sub: cannot write the output: a part of the path is a file, "
                    "not a folder; choose another --out folder", commands=("build",),
          args=("--out", kit / "afile/sub"))


def test_folder_in_the_way_of_an_output(cli, kit):
    shutil.rmtree(kit / "dist")
    (kit / "dist/kit-lb.pdf").mkdir(parents=True)
    fails(cli, kit, f"{kit.resolve()}/dist/kit-lb.pdf: cannot write the output: a folder is in the way of the "
                    "output file; move it or choose another --out folder", commands=("build",))
    assert sorted(p.name for p in (kit / "dist").iterdir()) == ["kit-lb.pdf"]


def test_disk_full_while_writing(cli, kit, monkeypatch):
    real_fsync = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:           # the second of three PDFs
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    edit(kit, CASE, 'name: "Şebnem Korur Fincancı"', 'name: "Şebnem Korur Fincancı (new)"')
    fails(cli, kit, f"{(kit / 'dist').resolve()}: cannot write the output: the disk is full; free some space "
                    "and run again", commands=("build",))


def test_interrupted_write_leaves_nothing_behind(cli, kit, monkeypatch):
    before = outputs(kit)
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt
    monkeypatch.setattr(os, "fsync", fsync)
    r = cli("build", "--project", kit)
    assert r.exit_code == 130
    assert "interrupted; nothing was written." in r.stderr
    assert outputs(kit) == before


# --------------------------------------------------------------------------- validate

def test_validate_lists_every_problem_in_a_stable_order(cli, kit):
    shutil.copy(kit / CASE, kit / "cases/another-case.yaml")
    edit(kit, "cases/another-case.yaml", "id: sebnem-korur-fincanci", "id: another-case")
    edit(kit, "cases/another-case.yaml", 'name: "Şebnem Korur Fincancı"', "name: 7")
    edit(kit, CASE, "petition_url:", "petition_link:")
    edit(kit, "kit.toml", "rows = 15", "rows = 0")
    edit(kit, "letter_templates/en/strings.yaml", "locale: ", "locale_: ")
    runs = [cli("validate", "--project", kit) for _ in range(2)]
    assert runs[0].exit_code == 1 and runs[0].stderr == runs[1].stderr
    lines = runs[0].stderr.splitlines()
    assert lines[0] == "kit.toml:35: [signatures] rows: 0 rows do not fit a sheet; use 1 to 25"
    assert lines[1] == "cases/another-case.yaml:2: name: must be a text, but YAML read a number (7); put it in quotes"
    assert lines[2] == f"{CASE}:48: petition_link: unknown field 'petition_link'; did you mean 'petition_url'?"
    assert lines[3].startswith("letter_templates/en/strings.yaml")
    assert lines[-1] == f"{len(lines) - 1} problems found."
