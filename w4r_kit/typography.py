"""A language's typography, read from its words file (strings.yaml), never from code.

Four keys say how plain text becomes printed text: `apostrophe` replaces a straight ',
`quotes` holds the opening and closing marks that replace "straight quotes", and
`space_inside_quotes`, `space_before_colon`, `space_before_punctuation` (; ! ?) each say
which space goes there: none, no-break (U+00A0) or narrow (U+202F, no-break too). A new
language gets its own rules by writing them in its strings.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SPACES = {"none": "", "no-break": "\u00a0", "narrow": "\u202f"}
KEYS = ("apostrophe", "quotes", "space_inside_quotes", "space_before_colon", "space_before_punctuation")


@dataclass(frozen=True)
class Typography:
    apostrophe: str = "\u2019"
    quotes: str = "\u201c\u201d"        # opening, closing
    inside_quotes: str = ""
    before_colon: str = ""
    before_punctuation: str = ""

    @classmethod
    def of(cls, texts: dict[str, str]) -> Typography:
        """From a words catalog (checked by `problems`); a missing key keeps the plain default."""
        quotes = texts.get("quotes", "")
        return cls(apostrophe=texts.get("apostrophe", "\u2019") or "'",
                   quotes=quotes if len(quotes) == 2 else "",
                   inside_quotes=SPACES.get(texts.get("space_inside_quotes", "none"), ""),
                   before_colon=SPACES.get(texts.get("space_before_colon", "none"), ""),
                   before_punctuation=SPACES.get(texts.get("space_before_punctuation", "none"), ""))

    @staticmethod
    def problems(texts: dict[str, str]) -> dict[str, str]:
        """key -> what is wrong with it, for the typography keys of a catalog."""
        out = {}
        if "quotes" in texts and len(texts["quotes"]) != 2:
            out["quotes"] = (f"'{texts['quotes']}' must be two characters, the opening and the closing "
                             "quotation mark, e.g. \"«»\", \"“”\" or \"„“\"")
        if "apostrophe" in texts and len(texts["apostrophe"]) > 1:
            out["apostrophe"] = "must be one character, e.g. \"’\""
        for key in KEYS[2:]:
            if key in texts and texts[key] not in SPACES:
                out[key] = f"'{texts[key]}' is not a kind of space; use one of {', '.join(SPACES)}"
        return out


_WORD_BEFORE = r"(?<=[\w)\]{close}])"


@lru_cache(maxsize=64)
def _rules(t: Typography) -> tuple[tuple[re.Pattern, str], ...]:
    rules = []
    close = re.escape(t.quotes[1]) if t.quotes else ""
    for chars, space in ((";!?", t.before_punctuation), (":", t.before_colon)):
        if space:
            rules.append((re.compile(rf"\s+([{chars}])" + ("(?=\\s|$)" if chars == ":" else "")), space + r"\1"))
            # ... also where none was typed (not in 12:30 or https://)
            rules.append((re.compile(_WORD_BEFORE.format(close=close) + rf"([{chars}])(?=\s|$)"), space + r"\1"))
    if t.quotes and t.inside_quotes:
        opening, closing = (re.escape(q) for q in t.quotes)
        rules.append((re.compile(rf"{opening}\s*"), t.quotes[0] + t.inside_quotes))
        rules.append((re.compile(rf"\s*{closing}"), t.inside_quotes + t.quotes[1]))
    return tuple(rules)


_QUOTED = re.compile(r'"([^"\n]+)"')


@lru_cache(maxsize=4096)   # labels repeat on every sheet of a batch
def typeset(text: str, t: Typography) -> str:
    """Plain text -> the language's printed text: apostrophes, quotation marks, spaces."""
    if t.apostrophe != "'":
        text = text.replace("'", t.apostrophe)
    if t.quotes:
        text = _QUOTED.sub(lambda m: t.quotes[0] + m[1] + t.quotes[1], text)
    for pattern, repl in _rules(t):
        text = pattern.sub(repl, text)
    return text
