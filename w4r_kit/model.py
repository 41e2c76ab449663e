"""The validated data a kit is made of: frozen dataclasses, no I/O.

Loaders (`config`, `cases`, `strings`) build these; layout code only reads them.
Translatable values are `dict[lang, str]`, already NFC-normalised.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

Text = dict[str, str]          # language -> text

AMNESTY_YELLOW = "#FFFF00"

# Signature-sheet columns a section may choose from (SPEC §4), in a sensible order.
SIGNATURE_COLUMNS = ("name", "first_name", "age", "email", "city", "country", "signature")
AUDIENCE_COLUMNS = {
    "adult": ("name", "email", "city", "signature"),
    "youth": ("first_name", "age", "signature"),
}
AUDIENCES = tuple(AUDIENCE_COLUMNS)
SUBJECTS = ("person", "group")
# The pronouns the package's words and letters agree with, per language; a project's words add
# those their {pronoun, select, ...} choices name (a language without either is not checked).
PRONOUNS = {"fr": ("elle", "il", "iel", "elles", "ils", "iels"), "en": ("she", "he", "they"), "lb": ("si", "hien", "hatt")}
PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class SectionConfig:
    name: str
    short: str
    address: tuple[str, ...] = ()
    email: str = ""
    website: str = ""
    logo: Path | None = None


@dataclass(frozen=True)
class CampaignConfig:
    year: int
    title: Text
    languages: tuple[str, ...]
    return_by: dt.date | None = None
    return_address: tuple[str, ...] = ()
    url: str = ""
    """The section's campaign page: the event poster's QR code opens it."""


@dataclass(frozen=True)
class PrintConfig:
    paper: str = "A4"
    """A4 or Letter."""
    bleed_mm: float = 0.0
    """0 = trimmed pages; > 0 adds bleed, crop marks, TrimBox and BleedBox."""
    duplex: bool = False
    """Every case starts on a right-hand page."""


@dataclass(frozen=True)
class BrandConfig:
    primary: str = AMNESTY_YELLOW
    text: str = "#000000"
    font_regular: Path | None = None
    font_bold: Path | None = None


DEFAULT_TRACKING = {
    "utm_source": "{section}",
    "utm_medium": "print",
    "utm_campaign": "w4r-{year}",
    "utm_content": "{group}-{sheet}",
}


@dataclass(frozen=True)
class PetitionConfig:
    tracking: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TRACKING))


@dataclass(frozen=True)
class SignatureConfig:
    rows: int = 15
    audience: str = "adult"
    columns: tuple[str, ...] | None = None
    """None: the audience's default columns."""
    consent: bool = True
    privacy_notice: Text = field(default_factory=dict)
    """Per language; empty: the default notice of the strings catalog."""

    def columns_for(self, audience: str) -> tuple[str, ...]:
        if audience == self.audience and self.columns:
            return self.columns
        return AUDIENCE_COLUMNS[audience]

    def consent_for(self, audience: str) -> bool:
        # Youth sheets collect no contact data, so there is nothing to consent to.
        return self.consent and audience == "adult"


# --- kit extras: postage (the advice page) -------------------------------------------
SEND_WAYS = ("direct", "section")


def country_key(name: str) -> str:
    """A country name compared without case or accents: TÜRKİYE, Türkiye and TURKIYE are one."""
    import unicodedata
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class PostageZone:
    """One postage zone: its name per language, the price of a standard letter, and the
    destination countries as written on the envelope's last line (none: every other one)."""

    name: Text
    price: float
    countries: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class PostageConfig:
    currency: str = "EUR"
    """ISO 4217 code; prices are written by Babel the way each language writes money."""
    zones: tuple[PostageZone, ...] = ()
    send: str = "direct"
    """direct: writers post their letters themselves; section: the section collects and posts them."""
    send_by: dt.date | None = None
    """With send = "section": when letters must reach the section (default: [campaign] return_by)."""
    send_to: tuple[str, ...] = ()
    """With send = "section": where (default: the return address)."""
    suspended: tuple[str, ...] = ()
    """Countries mail cannot be sent to at the moment: e-mail or the embassy instead."""
    zones_unread: bool = False
    """A zone's countries could not be read (its own error): which zone a country is in is unknown."""

    def zone_for(self, country: str) -> PostageZone | None:
        """The zone of a destination country (the envelope's last line), else the catch-all zone."""
        key = country_key(country)
        for zone in self.zones:
            if any(country_key(c) == key for c in zone.countries):
                return zone
        return next((z for z in self.zones if not z.countries), None)

PRIZE_SCOPES = ("all", "audience", "lang")
"""Who competes with whom for the prize: everyone, each audience, each language."""


@dataclass(frozen=True)
class ResultsConfig:
    """How the season's figures become a total and a ranking (SPEC §12, kit.toml [results])."""

    signatures: float = 1.0
    """Points per signature collected on paper (scanned sheets and hand counts)."""
    letters: float = 1.0
    """Points per letter written."""
    online: float = 1.0
    """Points per online signature attributed to the group through its sheets' QR codes."""
    per_member: bool = False
    """true: rank by total per member where a group gave its size (returns add --members)."""
    prize_top: int = 3
    """The N best totals win; groups tied at the N-th place all win."""
    prize_scope: str = "all"
    """"all", "audience" (adults and schools separately) or "lang" (each language separately)."""
    prize_min: float = 1.0
    """A group needs at least this total to win."""
    prize: Text = field(default_factory=dict)
    """What the winners get, per language (printed on the results and their certificates)."""
    public_ranking: bool = False
    """true: the self-service page shows the ranking (group names, ranks, totals) at /ranking."""


@dataclass(frozen=True)
class RegistryConfig:
    url: str = ""
    """SQLAlchemy URL of the registry (SPEC §11); "": registry.sqlite at the project root."""


@dataclass(frozen=True)
class KitConfig:
    section: SectionConfig
    campaign: CampaignConfig
    print: PrintConfig = PrintConfig()
    brand: BrandConfig = BrandConfig()
    petition: PetitionConfig = PetitionConfig()
    signatures: SignatureConfig = SignatureConfig()
    postage: PostageConfig = PostageConfig()
    registry: RegistryConfig = RegistryConfig()
    results: ResultsConfig = ResultsConfig()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """'table' and 'table.key' -> line in kit.toml, for messages."""

    def line(self, table: str, key: str = "") -> int:
        return self.lines.get(f"{table}.{key}", self.lines.get(table, 0)) if key else self.lines.get(table, 0)

    @property
    def return_address(self) -> tuple[str, ...]:
        return self.campaign.return_address or (self.section.name, *self.section.address)

    @property
    def send_by(self) -> dt.date | None:
        return self.postage.send_by or self.campaign.return_by

    @property
    def send_to(self) -> tuple[str, ...]:
        return self.postage.send_to or self.return_address


@dataclass(frozen=True)
class Addressee:
    name: str
    title: Text
    address: tuple[str, ...]
    salutation: Text
    email: str = ""


@dataclass(frozen=True)
class Solidarity:
    address: tuple[str, ...]
    note: Text = field(default_factory=dict)
    guidance: Text = field(default_factory=dict)
    """The rules for cards, per kit language ("no religious images", "first name only")."""
    cards: bool = True
    """False: the person accepts no cards, so the kit prints none."""
    message: Text = field(default_factory=dict)
    """The solidarity line on the card fronts, in the languages the person reads (any codes)."""


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    country: Text
    theme: Text
    headline: Text
    story: Text
    ask: Text
    addressee: Addressee
    petition_url: str
    photo: Path | None = None
    photo_credit: str = ""
    solidarity: Solidarity | None = None
    file: Path | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """field path -> line in the YAML file, for messages."""
    names: Text = field(default_factory=dict)
    """The name per language when it differs between languages (`name: {fr: ..., en: ...}`);
    empty when `name` is one text for all."""
    subject: str = "person"
    """"person" or "group": whether the texts speak of one person or of several."""
    pronouns: Text = field(default_factory=dict)
    """The pronoun its texts use, per language ({fr: elle, en: she, lb: si}); may be empty."""
    names_in_text: Text = field(default_factory=dict)
    """The name inside a sentence, where a language wants an article ({fr: "les Défenseur·e·s …",
    en: "the … Land Defenders"}); by default the name itself."""
    broken: frozenset[str] = field(default_factory=frozenset, compare=False, repr=False)
    """The fields of a case file with problems ('headline' for a misspelt 'headlin'): such a
    case is never built, but its other fields are still checked, so one run lists them all."""

    def name_in(self, lang: str) -> str:
        """The name printed in `lang`."""
        return self.names.get(lang) or self.name

    def name_in_text(self, lang: str) -> str:
        """The name as it stands in a sentence of `lang` (letters)."""
        return self.names_in_text.get(lang) or self.name_in(lang)

    def pronoun(self, lang: str) -> str:
        return self.pronouns.get(lang, "")

    @property
    def has_cards(self) -> bool:
        """Solidarity cards are printed for a case with a solidarity address that accepts cards."""
        return bool(self.solidarity and self.solidarity.cards and self.solidarity.address)

    def grammar(self, lang: str) -> dict[str, str]:
        """What words of `lang` agree with: {subject, pronoun} for {x, select, ...} choices."""
        return {"subject": self.subject, "pronoun": self.pronoun(lang)}

    def for_lang(self, lang: str) -> Case:
        """This case as the pages of `lang` show it (its name in that language)."""
        return replace(self, name=self.name_in(lang)) if self.names else self


@dataclass(frozen=True)
class Group:
    """One group that collects signatures (a class, a school, a local group)."""

    id: str
    name: str
    lang: str
    sheets: int
    cases: tuple[str, ...] = ()
    audience: str = "adult"
    contact: str = ""
    line: int = 0
    file: Path | None = None
    """The groups CSV it came from, for messages."""


# --- kit extras: the successes page ---------------------------------------------------
ACTIONS_QUALIFIERS = ("exact", "more_than", "about", "nearly")


@dataclass(frozen=True)
class Success:
    """One example of a successful action (successes.yaml), printed on the successes page."""

    year: int
    name: Text
    country: Text
    outcome: Text
    """What happened, per language."""
    actions: int | None = None
    """How many actions (letters, messages, signatures) were taken, if known."""
    actions_qualifier: str = "exact"
    """exact, more_than, about or nearly: how the number is to be read."""
    quote: Text = field(default_factory=dict)
    photo: Path | None = None
    photo_credit: str = ""
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    shared_name: bool = False
    """True when `name` is one text for every language (`name: Rita Karassartova`)."""
