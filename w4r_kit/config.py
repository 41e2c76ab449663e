"""Load stage: kit.toml -> KitConfig.

Every table and key is declared here with its type; unknown keys are reported
with a "did you mean" suggestion, never ignored. All problems of the file are
collected, then raised together.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import Problems, closest, did_you_mean
from .model import (AUDIENCES, DEFAULT_TRACKING, PAPERS, PRIZE_SCOPES, SEND_WAYS, SIGNATURE_COLUMNS, BrandConfig,
                    CampaignConfig, KitConfig, PetitionConfig, PostageConfig, PostageZone, PrintConfig,
                    RegistryConfig, ResultsConfig, SectionConfig, SignatureConfig, country_key)
from .project import Project, inside
from .yamlload import not_utf8

# table -> allowed keys; `True` marks a required key.
SCHEMA: dict[str, dict[str, bool]] = {
    "section": {"name": True, "short": True, "address": False, "email": False,
                "website": False, "logo": False},
    "campaign": {"year": True, "title": True, "languages": True, "return_by": False,
                 "return_address": False, "url": False},
    "print": {"paper": False, "bleed_mm": False, "duplex": False},
    "brand": {"primary": False, "text": False, "font_regular": False, "font_bold": False},
    "petition": {"tracking": False},
    "signatures": {"rows": False, "columns": False, "consent": False, "privacy_notice": False,
                   "audience": False},
    "registry": {"url": False},
    # kit extras: the advice page's postage table and where letters go
    "postage": {"currency": False, "zones": False, "send": False, "send_by": False, "send_to": False,
                "suspended": False},
    # [results]: returns and results (SPEC §12)
    "results": {"signatures": False, "letters": False, "online": False, "per_member": False,
                "prize_top": False, "prize_scope": False, "prize_min": False, "prize": False,
                "public_ranking": False},
}
ZONE_KEYS = ("name", "price", "countries")
MAX_PRICE = 1000
REQUIRED_TABLES = ("section", "campaign")
TRACKING_FIELDS = ("section", "year", "case", "lang", "group", "sheet", "sheet_id")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]+)*$")
MAX_ROWS = 25          # more rows than this no longer fit a page at a writable height
MAX_BLEED_MM = 10


_DATE_WRITTEN = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})\s*(#.*)?$")


def _written_date(line: str) -> tuple[str, str, str] | None:
    """(key, value, ISO date) for `return_by = 31/01/2027` or `2027-1-31`: a date in a form
    TOML does not read. Day first unless that cannot be (01/31/2027)."""
    m = _DATE_WRITTEN.match(line)
    if not m:
        return None
    parts = [int(x) for x in re.split(r"[/.-]", m[2])]
    if parts[0] > 31:                              # 2027-1-31, 2027/01/31
        year, month, day = parts
    else:
        day, month, year = parts if parts[1] <= 12 else (parts[1], parts[0], parts[2])
    try:
        return m[1], m[2], dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def toml_lines(text: str) -> dict[str, int]:
    """Map 'table' and 'table.key' to their 1-based line: tomllib keeps no positions."""
    lines: dict[str, int] = {}
    table = ""
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        m = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", s)
        if m:
            table = m.group(1)
            lines.setdefault(table, n)
            continue
        m = re.match(r"^([A-Za-z0-9_-]+)(\.[A-Za-z0-9_.-]+)?\s*=", s)
        if m:
            lines.setdefault(f"{table}.{m.group(1)}" if table else m.group(1), n)
    return lines


class _Reader:
    """Typed access to one table, reporting problems with file, line and field."""

    def __init__(self, problems: Problems, file: Path, lines: dict[str, int], table: str,
                 data: dict[str, Any]) -> None:
        self.p, self.file, self.lines, self.table, self.data = problems, file, lines, table, data

    def line(self, key: str | None = None) -> int:
        return self.lines.get(f"{self.table}.{key}" if key else self.table,
                              self.lines.get(self.table, 0))

    def error(self, key: str, message: str) -> None:
        self.p.add(message, self.file, self.line(key), f"[{self.table}] {key}")

    def warn(self, key: str, message: str) -> None:
        self.p.warn(message, self.file, self.line(key), f"[{self.table}] {key}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any, what: str) -> Any:
        if key not in self.data:
            if SCHEMA[self.table].get(key) and not self.misspelt(key):
                self.p.add(f"missing; add {key} = {what}", self.file, self.line(), f"[{self.table}] {key}")
            return default
        value = self.data[key]
        # bool is an int in Python; a TOML `true` is never a valid number here.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
            iso = _written_date(f"{key} = {value}") if kind is dt.date and isinstance(value, str) else None
            if iso or (kind is dt.date and isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\d$", value)):
                self.error(key, f"'{value}' is a text, not a date; write {key} = "
                           f"{iso[2] if iso else value} (year-month-day, no quotes)")
                return default
            self.error(key, f"must be {what}, not {_describe(value)}")
            return default
        return value

    def text(self, key: str, default: str = "") -> str:
        return self.get(key, str, default, "a text in quotes").strip()

    def lines_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [], 'a list of lines, e.g. ["line 1", "line 2"]')
        if not all(isinstance(v, str) for v in value):
            self.error(key, "must be a list of texts in quotes")
            return ()
        return tuple(v.strip() for v in value)

    def translations(self, key: str, languages: tuple[str, ...]) -> dict[str, str]:
        value = self.get(key, (dict, str), {}, '{fr = "...", en = "...", lb = "..."}')
        if isinstance(value, str):           # one text for every language
            return {lang: value for lang in languages}
        out = {}
        for lang, text in value.items():
            if not isinstance(text, str):
                self.error(f"{key}.{lang}", f"must be a text in quotes, not {_describe(text)}")
            else:
                out[lang] = text.strip()
        return out

    def path(self, project: Project, key: str) -> Path | None:
        value = self.text(key)
        if not value:
            return None
        path, why = inside(project.root, project.root, value)
        if path is None:
            self.error(key, why)
        return path

    def misspelt(self, key: str) -> bool:
        """True when an unknown key is a typo of `key` ('langauges'): reported as that, once."""
        allowed = SCHEMA[self.table]
        return any(closest(str(k), [a for a in allowed if a not in self.data]) == key
                   for k in self.data if k not in allowed)

    def unknown_keys(self) -> None:
        allowed = SCHEMA[self.table]
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown key '{key}' in [{self.table}]{did_you_mean(key, allowed)}")


def _tuple(kind):
    return kind if isinstance(kind, tuple) else (kind,)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def load_config(project: Project, problems: Problems, today: dt.date | None = None) -> KitConfig | None:
    """Read and check kit.toml; problems go to `problems`, None when unusable."""
    file = project.config_file
    raw = b""
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        problems.add(*not_utf8(raw, exc), file, raw[:exc.start].count(b"\n") + 1)
        return None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(m.group(1)) if m else 0
        date = _written_date(text.splitlines()[line - 1]) if 0 < line <= len(text.splitlines()) else None
        if date:
            key, value, iso = date
            tables = [t for n, t in ((n, re.match(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]", raw_line))
                                     for n, raw_line in enumerate(text.splitlines()[:line], 1)) if t]
            problems.add(f"'{value}' is not a date TOML can read; write {key} = {iso} (year-month-day, "
                         "no quotes)", file, line, f"[{tables[-1][1]}] {key}" if tables else key)
            return None
        what = str(exc).replace(m.group(0), f"(column {m.group(2)})") if m else str(exc)
        problems.add(f"is not valid TOML: {what}; check quotes, brackets and '=' (texts need \"quotes\")",
                     file, line)
        return None
    lines = toml_lines(text)

    for table in data:
        if table not in SCHEMA:
            problems.add(f"unknown section [{table}]{did_you_mean(table, SCHEMA)}", file,
                         lines.get(table, 0), f"[{table}]")
        elif not isinstance(data[table], dict):
            problems.add(f"must be a [{table}] section, not a single value", file,
                         lines.get(table, 0), f"[{table}]")
    # A misspelt section ([campain]) is one problem, reported as that; not also a missing one.
    misspelt = {closest(str(table), [t for t in SCHEMA if t not in data]) for table in data if table not in SCHEMA}
    for table in REQUIRED_TABLES:
        if table not in data and table not in misspelt:
            problems.add(f"missing [{table}] section; see 'w4r-kit init' for an example", file, 0, f"[{table}]")
    if not all(isinstance(data.get(table), dict) for table in REQUIRED_TABLES):
        return None

    def reader(table: str) -> _Reader:
        r = _Reader(problems, file, lines, table, data.get(table, {}) if isinstance(data.get(table), dict) else {})
        r.unknown_keys()
        return r

    s = reader("section")
    short = s.text("short")
    if short and not _SLUG.match(short):
        s.error("short", f"'{short}' must be a slug: lowercase letters, digits and '-' (used in tracking codes)")
    section = SectionConfig(name=s.text("name"), short=short, address=s.lines_list("address"),
                            email=s.text("email"), website=s.text("website"), logo=s.path(project, "logo"))
    if "logo" in s.data and section.logo is not None and section.logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        s.error("logo", "must be a PNG or JPEG image")

    c = reader("campaign")
    languages = tuple(c.get("languages", list, [], '["fr", "en", "lb"]'))
    if "languages" in c.data and not languages:
        c.error("languages", 'must list at least one language, e.g. ["fr", "en", "lb"]')
    for lang in languages:
        if not isinstance(lang, str) or not _LANG.match(lang):
            c.error("languages", f"{lang!r} is not a language code like 'fr' or 'lb'")
    languages = tuple(l for l in languages if isinstance(l, str))
    if len(set(languages)) != len(languages):
        c.error("languages", "lists a language twice")
    year = c.get("year", int, 0, "a year, e.g. 2026")
    if year and not 2000 <= year <= 2100:
        c.error("year", f"{year} is not a plausible campaign year")
    title = c.translations("title", languages)
    for lang in languages:
        if "title" in c.data and lang not in title:
            c.error(f"title.{lang}", f"no title for '{lang}'; add {lang} = \"...\"")
    return_by = c.get("return_by", dt.date, None, "a date without quotes, e.g. 2027-01-31")
    if isinstance(return_by, dt.datetime):
        return_by = return_by.date()
    if return_by and return_by < (today or dt.date.today()):
        c.warn("return_by", f"{return_by.isoformat()} is in the past; sheets would ask for a date already gone")
    campaign_url = c.text("url")
    if campaign_url:
        why = web_address_problem(campaign_url)
        if why:
            c.error("url", why)
            campaign_url = ""
    campaign = CampaignConfig(year=year, title=title, languages=languages, return_by=return_by,
                              return_address=c.lines_list("return_address"), url=campaign_url)

    p = reader("print")
    paper = p.get("paper", str, "A4", '"A4" or "Letter"')
    if paper not in PAPERS:
        match = {x.lower(): x for x in PAPERS}.get(str(paper).lower())
        p.error("paper", f"'{paper}' is not a paper size; use one of {', '.join(PAPERS)}"
                + (f" (write '{match}')" if match else ""))
        paper = "A4"
    bleed = p.get("bleed_mm", (int, float), 0, "a number of millimetres, e.g. 3")
    if not 0 <= bleed <= MAX_BLEED_MM:
        p.error("bleed_mm", f"{bleed} is out of range; use 0 (no bleed) up to {MAX_BLEED_MM} mm (3 is usual)")
        bleed = 0
    print_cfg = PrintConfig(paper=paper, bleed_mm=float(bleed),
                            duplex=p.get("duplex", bool, False, "true or false"))

    b = reader("brand")
    colours = {}
    for key, default in (("primary", BrandConfig.primary), ("text", BrandConfig.text)):
        value = b.text(key, default)
        if not _COLOUR.match(value):
            b.error(key, f"'{value}' is not a colour; write it as #RRGGBB, e.g. \"#FFFF00\"")
            value = default
        colours[key] = value.upper()
    brand = BrandConfig(primary=colours["primary"], text=colours["text"],
                        font_regular=b.path(project, "font_regular"), font_bold=b.path(project, "font_bold"))
    for key in ("font_regular", "font_bold"):
        path = getattr(brand, key)
        if path is not None and path.suffix.lower() not in (".ttf",):
            b.error(key, "must be a TrueType font file (.ttf); OpenType/CFF (.otf) is not supported")

    t = reader("petition")
    tracking = t.get("tracking", dict, dict(DEFAULT_TRACKING), "a table of query parameters")
    clean_tracking = {}
    for name, template in tracking.items():
        if not isinstance(template, (str, int)) or isinstance(template, bool):
            t.error(f"tracking.{name}", "must be a text in quotes")
            continue
        for fieldname in re.findall(r"{([^{}]*)}", str(template)):
            if fieldname not in TRACKING_FIELDS:
                t.error(f"tracking.{name}", f"unknown placeholder {{{fieldname}}}; use "
                        + ", ".join(f"{{{f}}}" for f in TRACKING_FIELDS) + did_you_mean(fieldname, TRACKING_FIELDS))
        clean_tracking[str(name)] = str(template)
    petition = PetitionConfig(tracking=clean_tracking)

    g = reader("signatures")
    rows = g.get("rows", int, 15, "a whole number of rows, e.g. 15")
    if not 1 <= rows <= MAX_ROWS:
        g.error("rows", f"{rows} rows do not fit a sheet; use 1 to {MAX_ROWS}")
        rows = 15
    audience = g.get("audience", str, "adult", '"adult" or "youth"')
    if audience not in AUDIENCES:
        g.error("audience", f"'{audience}' is not an audience; use one of {', '.join(AUDIENCES)}")
        audience = "adult"
    columns = None
    if "columns" in g.data:
        cols = [str(c) if isinstance(c, (list, dict)) else c
                for c in g.get("columns", list, [], 'a list such as ["name", "email", "signature"]')]
        for col in cols:
            if col not in SIGNATURE_COLUMNS:
                g.error("columns", f"unknown column {col!r}; choose from {', '.join(SIGNATURE_COLUMNS)}"
                        + did_you_mean(str(col), SIGNATURE_COLUMNS))
        if cols and "signature" not in cols:
            g.error("columns", "must include 'signature'")
        if audience == "youth" and set(cols) & {"name", "email", "city", "country"}:
            g.error("columns", "youth sheets collect no contact data; use first_name, age and signature")
        columns = tuple(c for c in cols if c in SIGNATURE_COLUMNS) or None
    signatures = SignatureConfig(rows=rows, audience=audience, columns=columns,
                                 consent=g.get("consent", bool, True, "true or false"),
                                 privacy_notice=g.translations("privacy_notice", languages))

    r = reader("registry")
    registry = RegistryConfig(url=r.text("url"))
    if registry.url and "://" not in registry.url:
        r.error("url", f"'{registry.url}' is not a database URL; use sqlite:///registry.sqlite or "
                "postgresql://user:password@host/dbname")

    postage = _postage(reader("postage"), text, languages, today)
    results = _results(reader("results"), languages)

    return KitConfig(section=section, campaign=campaign, print=print_cfg, brand=brand,
                     petition=petition, signatures=signatures, registry=registry, postage=postage,
                     results=results, lines=lines)


# --------------------------------------------------------------------------- kit extras

def web_address_problem(url: str) -> str:
    """Why `url` cannot be printed as a link (QR code), or ""."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{url}' is not a web address; it must start with https:// (or http://)"
    if any(ch.isspace() for ch in url):
        return "contains a space; encode it as %20"
    return ""


def _zone_lines(text: str, start: int) -> list[int]:
    """The line of each inline table of `zones = [ {...}, {...} ]`, which starts on line `start`."""
    out, depth = [], 0
    for n, raw in enumerate(text.splitlines()[start - 1:], start):
        code = raw.split("#", 1)[0]
        for ch in code:
            if ch == "{":
                if depth == 0:
                    out.append(n)
                depth += 1
            elif ch == "}":
                depth -= 1
        if n > start and "]" in code and depth == 0 and code.rstrip().endswith("]"):
            break
    return out


def _postage(r: _Reader, text: str, languages: tuple[str, ...], today: dt.date | None) -> PostageConfig:
    """[postage]: currency, zones (name per language, price, countries), and where letters go."""
    from babel.numbers import is_currency
    currency = r.text("currency", "EUR").upper()
    if not is_currency(currency):
        r.error("currency", f"'{currency}' is not a currency code; use an ISO 4217 code such as \"EUR\" or \"CHF\"")
        currency = "EUR"
    send = r.get("send", str, "direct", '"direct" or "section"')
    if send not in SEND_WAYS:
        r.error("send", f"'{send}' is not a way to send letters; use \"direct\" (writers post them) or "
                "\"section\" (the section collects and posts them)")
        send = "direct"
    send_by = r.get("send_by", dt.date, None, "a date without quotes, e.g. 2026-12-20")
    if isinstance(send_by, dt.datetime):
        send_by = send_by.date()
    if send_by and send_by < (today or dt.date.today()):
        r.warn("send_by", f"{send_by.isoformat()} is in the past; the advice page would ask for a date already gone")
    zones_raw = r.get("zones", list, [], '[{name = {fr = "...", en = "..."}, price = 1.40, countries = ["..."]}, ...]')
    lines = _zone_lines(text, r.line("zones")) if "zones" in r.data else []
    zones: list[PostageZone] = []
    seen: dict[str, int] = {}
    catch_all = 0
    unread = False
    for i, raw in enumerate(zones_raw):
        line = lines[i] if i < len(lines) else r.line("zones")
        field = f"[postage] zones[{i + 1}]"

        def error(message: str, key: str = "") -> None:
            r.p.add(message, r.file, line, f"{field}.{key}" if key else field)

        if not isinstance(raw, dict):
            error(f"must be a table such as {{name = \"Europe\", price = 1.40}}, not {_describe(raw)}")
            unread = True
            continue
        for key in raw:
            if key not in ZONE_KEYS:
                error(f"unknown key '{key}'{did_you_mean(key, ZONE_KEYS)}; a zone has name, price and countries", key)
        name = raw.get("name")
        names: dict[str, str] = {}
        if isinstance(name, str) and name.strip():
            names = {lang: name.strip() for lang in languages}
        elif isinstance(name, dict):
            names = {lang: t.strip() for lang, t in name.items() if isinstance(t, str) and t.strip()}
            for lang in languages:
                if lang not in names:
                    error(f"no name for '{lang}'; add {lang} = \"...\"", "name")
        else:
            error('missing; add name = {fr = "...", en = "...", lb = "..."}', "name")
        price = raw.get("price")
        if isinstance(price, bool) or not isinstance(price, (int, float)):
            error("missing; add price = 1.40 (a number, without the currency)" if price is None else
                  f"must be a number such as 1.40, not {_describe(price)}", "price")
            price = None
        elif not 0 <= price <= MAX_PRICE:
            error(f"{price} is not a plausible price for a letter", "price")
            price = None
        countries = raw.get("countries", [])
        if not isinstance(countries, list) or not all(isinstance(c, str) and c.strip() for c in countries):
            error('must be a list of countries as written on envelopes, e.g. ["BELARUS", "TÜRKİYE"]', "countries")
            unread = True          # which countries the zone covers is unknown: not a rest of the world
            continue
        if not countries:
            catch_all += 1
            if catch_all == 2:
                error("a second zone without countries; only one zone can be the rest of the world", "countries")
        for country in countries:
            key = country_key(country)
            if key in seen:
                error(f"'{country.strip()}' is already in zone {seen[key]}; a country belongs to one zone", "countries")
            seen.setdefault(key, i + 1)
        # A zone whose price or name is wrong is still the zone of its countries: its own
        # message stops the build, and its countries are not also "in no zone" (price 0 is
        # never printed).
        zones.append(PostageZone(names, float(price) if price is not None else 0.0,
                                 tuple(c.strip() for c in countries), line))
    return PostageConfig(currency=currency, zones=tuple(zones), send=send, send_by=send_by,
                         send_to=r.lines_list("send_to"), suspended=r.lines_list("suspended"),
                         zones_unread=unread)


# --------------------------------------------------------------------------- results

MAX_WEIGHT = 1000


def _results(r: _Reader, languages: tuple[str, ...]) -> ResultsConfig:
    """[results]: the weights of the total and the prize rule (SPEC §12)."""
    default = ResultsConfig()
    weights = {}
    for key in ("signatures", "letters", "online"):
        value = r.get(key, (int, float), getattr(default, key), "a number of points, e.g. 1")
        if not 0 <= value <= MAX_WEIGHT:
            r.error(key, f"{value} is out of range; use 0 (not counted) up to {MAX_WEIGHT} points")
            value = getattr(default, key)
        weights[key] = float(value)
    top = r.get("prize_top", int, default.prize_top, "a whole number of winners, e.g. 3")
    if top < 0:
        r.error("prize_top", f"{top} winners? use 0 (no prize) or more")
        top = default.prize_top
    scope = r.get("prize_scope", str, default.prize_scope, '"all", "audience" or "lang"')
    if scope not in PRIZE_SCOPES:
        r.error("prize_scope", f"'{scope}' is not a prize scope; use one of {', '.join(PRIZE_SCOPES)}"
                + did_you_mean(scope, PRIZE_SCOPES))
        scope = default.prize_scope
    minimum = r.get("prize_min", (int, float), default.prize_min, "a total, e.g. 1")
    if minimum < 0:
        r.error("prize_min", f"{minimum} is negative; use 0 or more")
        minimum = default.prize_min
    prize = r.translations("prize", languages) if "prize" in r.data else {}
    for lang in languages:
        if prize and lang not in prize:
            r.p.add(f"no prize text for '{lang}'; add {lang} = \"...\" (it is printed on the results and the "
                    "winners' certificates)", r.file, r.line("prize"), f"[results] prize.{lang}")
    if weights and not any(weights.values()):
        r.error("signatures", "signatures, letters and online are all 0: nothing would count; give one of them points")
    return ResultsConfig(**weights, per_member=r.get("per_member", bool, False, "true or false"),
                         prize_top=top, prize_scope=scope, prize_min=float(minimum),
                         prize=prize, public_ranking=r.get("public_ranking", bool, False, "true or false"))
