"""The validated data a kit is made of: frozen dataclasses, no I/O.

Loaders (`config`, `cases`, `strings`) build these; layout code only reads them.
Translatable values are `dict[lang, str]`, already NFC-normalised.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
    registry: RegistryConfig = RegistryConfig()
    results: ResultsConfig = ResultsConfig()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """'table' and 'table.key' -> line in kit.toml, for messages."""

    def line(self, table: str, key: str = "") -> int:
        return self.lines.get(f"{table}.{key}", self.lines.get(table, 0)) if key else self.lines.get(table, 0)

    @property
    def return_address(self) -> tuple[str, ...]:
        return self.campaign.return_address or (self.section.name, *self.section.address)


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
