"""Property-based tests: random text and random structures never crash w4r-kit.

Whatever a section puts in its files, the result is either a correct PDF or a
clean list of problems (exit 1, `file:line: field: message`, no traceback).
Random text in any script either prints exactly (the PDF's text contains it) or
is refused with the characters the fonts lack named as U+XXXX.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import tomllib
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli
from w4r_kit.layout.text import typeset
from pdfcheck import page_texts

CASE = "cases/sebnem-korur-fincanci.yaml"
# Fixed examples in the test run (~15 s); W4R_FUZZ_EXAMPLES=500 explores at random, for hours if asked.
_EXPLORE = int(os.environ.get("W4R_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_EXPLORE or 25, deadline=None, derandomize=not _EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROBLEM_LINE = re.compile(r"^(warning: )?[\w./-]+(:\d+)?: \S")
SUMMARY = re.compile(r"^\d+ problems? found(\.|; nothing was written\.)$")


@pytest.fixture(scope="module")
def starter_project(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "kit"
    assert Cli()("init", target).exit_code == 0
    return target


class Scratch:
    """A fresh copy of the starter project for each example."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def __enter__(self) -> Path:
        self.dir = tempfile.TemporaryDirectory()
        target = Path(self.dir.name) / "kit"
        shutil.copytree(self.source, target)
        return target

    def __exit__(self, *exc) -> None:
        self.dir.cleanup()


def assert_clean(result) -> list[str]:
    """Exit 0, or exit 1 with nothing but well-formed problem lines; never a crash."""
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    lines = result.stderr.splitlines()
    if result.exit_code == 1:
        assert SUMMARY.match(lines[-1]), lines
        for line in lines[:-1]:
            assert PROBLEM_LINE.match(line), line
    return lines


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


# --------------------------------------------------------------------------- random text

_PRINTABLE = ("L", "M", "N", "P", "S", "Zs")
# Mostly scripts the default fonts cover (Latin, Greek, Cyrillic, Vietnamese, punctuation), so
# many examples must print; the rest of Unicode, so many must be refused by name.
covered = st.characters(min_codepoint=0x20, max_codepoint=0x52F, categories=_PRINTABLE) | \
    st.characters(min_codepoint=0x1E00, max_codepoint=0x20BF, categories=_PRINTABLE)
anything = st.characters(categories=_PRINTABLE + ("Cc", "Cf", "Co"), codec="utf-8")
texts = st.text(covered, min_size=1, max_size=30) | st.text(covered | anything, min_size=1, max_size=30)


def _missing(text: str) -> set[str]:
    from w4r_kit.layout.fonts import load_fonts
    return set(load_fonts().missing(text))


@FUZZ
@given(text=texts)
def test_random_text_prints_exactly_or_is_refused_by_code_point(cli, starter_project, text):
    with Scratch(starter_project) as kit:
        data = yaml.safe_load((kit / CASE).read_text(encoding="utf-8"))
        data["name"] = text
        data["story"]["en"] = f"Story: {text}"
        (kit / CASE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        r = cli("case", "sebnem-korur-fincanci", "--lang", "en", "--project", kit)
        lines = assert_clean(r)
        # As YAML reads it back (it reads U+0085 and U+2028 as line breaks, for one).
        name = nfc(yaml.safe_load((kit / CASE).read_text(encoding="utf-8"))["name"])
        missing = _missing(name)
        if r.exit_code == 0:
            assert not missing
            content = "\n".join(page_texts(kit / "dist/sebnem-korur-fincanci-en.pdf"))
            # Printed with the typography of the language ('it's' -> 'it’s'). pdfium spells ligature
            # characters out ('ﬀ' -> 'ff'): compare compatibility forms, any run of spaces as one.
            def same(text: str) -> str:
                return " ".join(unicodedata.normalize("NFKC", text).split())
            assert same(typeset(name, "en")) in same(content), (name, content[:300])
        elif not name:
            assert "cases/sebnem-korur-fincanci.yaml:1: name: missing; add 'name: ...'" in lines
        else:
            assert missing, lines
            for ch in missing:
                assert f"U+{ord(ch):04X}" in r.stderr, (ch, lines)
            assert all("the fonts cannot draw" in line for line in lines[:-1]), lines


# --------------------------------------------------------------------------- random structures

scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**12) | st.floats(allow_nan=True)
           | st.text(max_size=20) | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))
structures = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=8) | st.integers(0, 9), inner, max_size=4),
                          max_leaves=12)
CASE_FIELDS = ("id", "name", "country", "theme", "headline", "story", "ask", "photo", "photo_credit",
               "addressee", "solidarity", "petition_url", "extra")


@FUZZ
@given(field=st.sampled_from(CASE_FIELDS), sub=st.sampled_from(("", "en", "name", "address", "title")),
       value=structures)
def test_random_values_in_a_case_file(cli, starter_project, field, sub, value):
    with Scratch(starter_project) as kit:
        data = yaml.safe_load((kit / CASE).read_text(encoding="utf-8"))
        if sub and isinstance(data.get(field), dict):
            data[field][sub] = value
        else:
            data[field] = value
        (kit / CASE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert_clean(cli("validate", "--project", kit, "--lang", "en"))


@FUZZ
@given(document=structures | st.text(max_size=200))
def test_random_documents_as_case_file_and_words(cli, starter_project, document):
    with Scratch(starter_project) as kit:
        text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True)
        (kit / CASE).write_text(text, encoding="utf-8")
        (kit / "letter_templates/en/strings.yaml").write_text(text, encoding="utf-8")
        assert_clean(cli("validate", "--project", kit))


def toml_value(value) -> str:
    """A TOML literal for a Python value (strings as JSON strings, which TOML reads the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}"
                               for k, v in value.items() if v is not None) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def toml_document(tables: dict) -> str:
    out = []
    for table, keys in tables.items():
        if not isinstance(keys, dict):
            out.append(f"{table} = {toml_value(keys)}")
            continue
        out.append(f"[{table}]")
        out += [f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}" for k, v in keys.items() if v is not None]
    return "\n".join(out) + "\n"


KIT_KEYS = [(table, key) for table, keys in {
    "section": ("name", "short", "address", "email", "website", "logo"),
    "campaign": ("year", "title", "languages", "return_by", "return_address"),
    "print": ("paper", "bleed_mm", "duplex"), "brand": ("primary", "text", "font_regular", "font_bold"),
    "petition": ("tracking",), "signatures": ("rows", "columns", "consent", "privacy_notice", "audience"),
    "extra": ("key",)}.items() for key in keys]


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(KIT_KEYS), structures), min_size=1, max_size=3))
def test_random_values_in_kit_toml(cli, starter_project, changes):
    with Scratch(starter_project) as kit:
        tables = tomllib.loads((kit / "kit.toml").read_text(encoding="utf-8"))
        for (table, key), value in changes:
            tables.setdefault(table, {})[key] = value
        (kit / "kit.toml").write_text(toml_document(tables), encoding="utf-8")
        assert_clean(cli("validate", "--project", kit, "--lang", "en"))


@FUZZ
@given(text=st.text(max_size=300) | st.binary(max_size=300))
def test_random_bytes_as_kit_toml(cli, starter_project, text):
    with Scratch(starter_project) as kit:
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        (kit / "kit.toml").write_bytes(data)
        assert_clean(cli("validate", "--project", kit))


cells = st.text(max_size=12) | st.sampled_from(["fr", "en", "lb", "2", "0", "youth", "adult",
                                                "sebnem-korur-fincanci", "x"])


@FUZZ
@given(header=st.permutations(["id", "name", "lang", "sheets", "cases", "audience", "contact"]),
       rows=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=4),
       separator=st.sampled_from([",", ";"]))
def test_random_groups_files(cli, starter_project, header, rows, separator):
    import csv
    import io
    with Scratch(starter_project) as kit:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator)
        writer.writerow(header)
        writer.writerows(rows)
        (kit / "groups.csv").write_text(out.getvalue(), encoding="utf-8")
        assert_clean(cli("signatures", "--groups", kit / "groups.csv", "--project", kit))
