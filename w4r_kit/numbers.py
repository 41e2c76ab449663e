"""Numbers and plurals as each language writes them (Babel/CLDR): 12 345 / 12,345 / 12.345,
"1 lettre" / "2 lettres". The words live in the strings files as `<key>_one`, `<key>_other`
(and any other CLDR category a language needs); the category is the language's own rule."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

from .strings import Words


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def number(words: Words, value: float) -> str:
    """1234.5 -> '1 234,5' (fr), '1,234.5' (en), '1.234,5' (lb); whole numbers without decimals."""
    return format_decimal(value, format="#,##0.##", locale=words.texts["locale"])


class Count(int):
    """A whole number that a label writes the way its language writes numbers ('1 234' in fr), as
    `{n}` and as the `#` of `{n, plural, one {# sheet} other {# sheets}}`, which it chooses by."""

    locale: str

    def __new__(cls, value: int, locale: str) -> "Count":
        self = super().__new__(cls, value)
        self.locale = locale
        return self

    def __format__(self, spec: str) -> str:
        return format_decimal(int(self), format="#,##0", locale=self.locale) if not spec else super().__format__(spec)

    __str__ = lambda self: format(self, "")  # noqa: E731


def count(words: Words, value: int) -> Count:
    """`value` for a label: `words.get("review_read", signatures=count(words, 12))`."""
    return Count(value, words.texts["locale"])


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """English for the terminal: '1 sheet', '2 sheets', '0 sheets' (`nouns` where -s is wrong)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def plural_key(words: Words, key: str, n: float) -> str:
    """The `<key>_<category>` of `n` in the language, falling back to `<key>_other`."""
    category = _locale(words.texts["locale"]).plural_form(n)
    candidate = f"{key}_{category}"
    return candidate if candidate in words.texts else f"{key}_other"


def plural(words: Words, key: str, n: float, **values: object) -> str:
    """The plural form of `key` for `n`, with {n} written as the language writes numbers."""
    return words.get(plural_key(words, key, n), n=number(words, n), **values)
