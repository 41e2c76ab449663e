"""Results stage (SPEC §12): what was issued and what came back -> per-group figures,
a total, a fair ranking and the prize winners.

`compute(kit, registry)` is the one function the CLI (`w4r-kit results`) and the web
staff page call; `compute_ledger(config, ledger)` does the arithmetic on plain rows, so
it is tested without a database. `build_results` writes dist/results/.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .model import KitConfig, ResultsConfig
from .tables import table_bytes

RESULTS_DIR = "results"
CERTIFICATES_DIR = "certificates"
COUNTED_SCANS = ("read", "set")      # "review": not counted until staff set it (`returns set`)
CSV_COLUMNS = ("group_id", "group_name", "lang", "sheets_issued", "sheets_returned", "signatures",
               "consent_yes", "letters", "online", "total", "rank",
               # after the columns SPEC §12 names: what explains the rank
               "tied", "winner", "ranking", "members", "per_member")


# --------------------------------------------------------------------------- the rows

@dataclass(frozen=True)
class Issued:
    """One sheet handed out (registry `sheets` joined with its pack)."""

    sheet_id: str
    group_id: str
    group_name: str
    lang: str
    case: str
    audience: str = "adult"


@dataclass(frozen=True)
class Scanned:
    """What was read (or settled by staff) for one returned sheet."""

    sheet_id: str
    signatures: int
    consent_yes: int = 0
    status: str = "read"


@dataclass(frozen=True)
class HandCount:
    """Letters and signatures counted by hand for a group (`returns add`)."""

    group_id: str
    case: str | None
    letters: int = 0
    signatures: int = 0
    members: int | None = None


@dataclass(frozen=True)
class Online:
    """Online signatures from the petition's export; group None = unattributed."""

    group_id: str | None
    sheet_id: str | None
    case: str | None
    count: int


@dataclass
class Ledger:
    """Everything the results are computed from, as plain rows."""

    issued: list[Issued] = field(default_factory=list)
    scanned: list[Scanned] = field(default_factory=list)
    counts: list[HandCount] = field(default_factory=list)
    online: list[Online] = field(default_factory=list)
    masters: list[HandCount] = field(default_factory=list)
    """Signatures read from photocopied master sheets: per case, no group (group_id "")."""


# --------------------------------------------------------------------------- the figures

@dataclass(frozen=True)
class Figures:
    """Signatures (paper), consent yes, letters, online signatures."""

    signatures: int = 0
    consent_yes: int = 0
    letters: int = 0
    online: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.signatures + other.signatures, self.consent_yes + other.consent_yes,
                       self.letters + other.letters, self.online + other.online)

    def total(self, rule: ResultsConfig) -> float:
        return self.signatures * rule.signatures + self.letters * rule.letters + self.online * rule.online


@dataclass(frozen=True)
class GroupResult:
    group_id: str
    group_name: str
    lang: str
    audience: str
    sheets_issued: int
    sheets_returned: int
    figures: Figures
    by_case: dict[str, Figures]
    total: float
    members: int | None = None
    score: float | None = None
    """What is ranked: the total, or the total per member; None = not ranked."""
    rank: int | None = None
    tied: bool = False
    winner: bool = False
    ranking: str = "all"
    """Which ranking the rank is in: "all", an audience or a language."""

    @property
    def returned_anything(self) -> bool:
        f = self.figures
        return bool(self.sheets_returned or f.signatures or f.letters or f.online)


@dataclass(frozen=True)
class Results:
    rule: ResultsConfig
    groups: list[GroupResult]
    """In ranking order: ranked groups by rank (then name), then the others by name."""
    by_case: dict[str, Figures]
    totals: Figures
    unattributed_online: int
    to_review: int
    """Returned sheets read with doubt and not yet settled (`returns set`)."""
    sheets_issued: int
    sheets_returned: int
    without_case: Figures = Figures()
    """Counted for a group as a whole (no case): in the totals and per group, not per case."""
    without_group: dict[str, Figures] = field(default_factory=dict)
    """Per case, signatures on photocopied master sheets (no group): in the per-case figures
    and the totals, never in a group's ranking."""

    @property
    def winners(self) -> list[GroupResult]:
        return [g for g in self.groups if g.winner]

    @property
    def participants(self) -> list[GroupResult]:
        return [g for g in self.groups if g.returned_anything]

    @property
    def total(self) -> float:
        return self.totals.total(self.rule)

    @property
    def has_ties(self) -> bool:
        return any(g.tied for g in self.groups)


def compute_ledger(config: KitConfig, ledger: Ledger) -> Results:
    """The figures of every group that was issued sheets, ranked by the [results] rule."""
    rule = config.results
    sheets_of: dict[str, list[Issued]] = defaultdict(list)
    sheet_by_id = {}
    for sheet in ledger.issued:
        sheets_of[sheet.group_id].append(sheet)
        sheet_by_id[sheet.sheet_id] = sheet

    # One reading per sheet, as the registry decides it: staff's latest setting, else the
    # first reading, else a reading still waiting for review.
    reading: dict[str, Scanned] = {}
    for scan in ledger.scanned:
        if scan.sheet_id not in sheet_by_id:
            continue
        known = reading.get(scan.sheet_id)
        if known is None or scan.status == "set" or known.status == "review":
            reading[scan.sheet_id] = scan
    to_review = sum(1 for s in reading.values() if s.status not in COUNTED_SCANS)

    scanned: dict[tuple[str, str], Figures] = defaultdict(Figures)
    returned: Counter[str] = Counter()
    for sid, scan in reading.items():
        if scan.status in COUNTED_SCANS:
            sheet = sheet_by_id[sid]
            scanned[sheet.group_id, sheet.case] += Figures(scan.signatures, scan.consent_yes)
            returned[sheet.group_id] += 1

    hand_letters: dict[tuple[str, str | None], int] = Counter()
    hand_signatures: dict[tuple[str, str | None], int] = Counter()
    members: dict[str, int] = {}
    for count in ledger.counts:
        hand_letters[count.group_id, count.case] += count.letters
        hand_signatures[count.group_id, count.case] += count.signatures
        if count.members:
            members[count.group_id] = count.members            # the latest size given wins

    online: dict[tuple[str, str | None], int] = Counter()
    unattributed = 0
    for row in ledger.online:
        if row.group_id is None:
            unattributed += row.count
        else:
            online[row.group_id, row.case] += row.count

    groups = []
    without_case = Figures()
    for gid, sheets in sheets_of.items():
        name = sheets[-1].group_name
        lang = Counter(s.lang for s in sheets).most_common(1)[0][0]
        audience = Counter(s.audience for s in sheets).most_common(1)[0][0]
        cases = list(dict.fromkeys(s.case for s in sheets))
        extra = [c for (g, c) in (*hand_letters, *hand_signatures, *online) if g == gid and c and c not in cases]
        cases += list(dict.fromkeys(extra))
        any_scan = any(g == gid for g, _ in scanned)
        by_case = {}
        for case in cases:
            paper = scanned.get((gid, case))
            # The return form is the group's own tally of the sheets it sent: once those sheets
            # are scanned, the scan counts and the hand count of that case would count them twice.
            signatures = paper.signatures if paper else hand_signatures[gid, case]
            by_case[case] = Figures(signatures, paper.consent_yes if paper else 0,
                                    hand_letters[gid, case], online[gid, case])
        figures = sum(by_case.values(), Figures())
        # Counts given for the group as a whole (no case).
        whole = Figures(0 if any_scan else hand_signatures[gid, None], 0, hand_letters[gid, None], online[gid, None])
        figures += whole
        without_case += whole
        total = figures.total(rule)
        groups.append(GroupResult(gid, name, lang, audience, len(sheets), returned[gid], figures, by_case,
                                  total, members.get(gid)))

    groups = _rank(groups, rule)
    by_case_total: dict[str, Figures] = defaultdict(Figures)
    for g in groups:
        for case, fig in g.by_case.items():
            by_case_total[case] += fig
    without_group: dict[str, Figures] = defaultdict(Figures)
    for count in ledger.masters:
        without_group[count.case or ""] += Figures(count.signatures, 0, count.letters)
    for case, fig in without_group.items():
        if case:
            by_case_total[case] += fig
    # The season's totals include what no group can claim (online signatures without a
    # tracking code, signatures on photocopied masters): they were made.
    totals = (sum((g.figures for g in groups), Figures()) + sum(without_group.values(), Figures())
              + Figures(online=unattributed))
    return Results(rule, groups, dict(by_case_total), totals, unattributed, to_review,
                   sum(g.sheets_issued for g in groups), sum(g.sheets_returned for g in groups), without_case,
                   dict(without_group))


def _rank(groups: list[GroupResult], rule: ResultsConfig) -> list[GroupResult]:
    """Standard competition ranking (1, 2, 2, 4) within each ranking of the prize scope.

    Only groups that returned something are ranked. Per member, a group that gave no size
    cannot be compared fairly and stays unranked (its figures are still listed)."""
    from dataclasses import replace

    def score(g: GroupResult) -> float | None:
        if not g.returned_anything:
            return None
        if rule.per_member:
            return g.total / g.members if g.members else None
        return g.total

    def ranking_of(g: GroupResult) -> str:
        return {"all": "all", "audience": g.audience, "lang": g.lang}[rule.prize_scope]

    scored = [replace(g, score=score(g), ranking=ranking_of(g)) for g in groups]
    out = []
    for ranking in sorted({g.ranking for g in scored}):
        members = [g for g in scored if g.ranking == ranking]
        ranked = [g for g in members if g.score is not None]
        scores = Counter(g.score for g in ranked)
        for g in ranked:
            rank = 1 + sum(1 for other in ranked if other.score > g.score)
            out.append(replace(g, rank=rank, tied=scores[g.score] > 1,
                               winner=rank <= rule.prize_top and g.total >= rule.prize_min and g.total > 0))
        out += [g for g in members if g.score is None]
    ranked_first = sorted(out, key=lambda g: (g.ranking, g.rank is None, g.rank or 0, g.group_name.casefold(),
                                              g.group_id))
    return ranked_first


# --------------------------------------------------------------------------- output

def number(value: float) -> str:
    """A figure as CSV writes it: whole numbers without '.0'."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def results_csv(results: Results) -> bytes:
    """results.csv: one row per group that was issued sheets (SPEC §12)."""
    rows = [(g.group_id, g.group_name, g.lang, g.sheets_issued, g.sheets_returned, g.figures.signatures,
             g.figures.consent_yes, g.figures.letters, g.figures.online, number(g.total), g.rank or "",
             "yes" if g.tied else "", "yes" if g.winner else "", g.ranking, g.members or "",
             number(g.total / g.members) if g.members else "")
            for g in results.groups]
    return table_bytes(CSV_COLUMNS, rows, "csv")


XLSX_WIDTHS = (22, 36, 6, 14, 16, 11, 12, 9, 9, 9, 6, 6, 8, 10, 9, 11)


def results_xlsx(results: Results) -> bytes:
    """The same table as results.csv, as a spreadsheet (numbers as numbers)."""
    rows = [(g.group_id, g.group_name, g.lang, g.sheets_issued, g.sheets_returned, g.figures.signatures,
             g.figures.consent_yes, g.figures.letters, g.figures.online, g.total, g.rank,
             "yes" if g.tied else None, "yes" if g.winner else None, g.ranking, g.members,
             round(g.total / g.members, 2) if g.members else None)
            for g in results.groups]
    return table_bytes(CSV_COLUMNS, rows, "xlsx", sheet_title="results", widths=XLSX_WIDTHS)


# --------------------------------------------------------------------------- documents

def as_of_date() -> "dt.date":
    """The date printed on the results: the build time (SOURCE_DATE_EPOCH when set)."""
    import datetime as dt
    from .layout.document import build_time
    return dt.datetime.fromtimestamp(build_time(), dt.timezone.utc).date()


def report_pdf(kit, results: Results, lang: str) -> bytes:
    """results-<lang>.pdf: figures, rule and prize, ranking, charts per case and per group."""
    from .assemble import context, metadata
    from .layout import results_report
    from .layout.document import Document
    ctx = context(kit, lang)
    cfg = kit.config
    title = ctx.words.get("results_title") + " — " + ctx.words.get(
        "results_subtitle", title=cfg.campaign.title.get(lang, ""), year=cfg.campaign.year, section=cfg.section.name)
    meta = metadata(kit, ctx, title)
    from dataclasses import replace
    meta = replace(meta, subject=ctx.words.get("results_subject", title=cfg.campaign.title.get(lang, ""),
                                               year=cfg.campaign.year, section=cfg.section.name))
    doc = Document(ctx, meta)
    names = {c.id: c.name for c in kit.cases}
    results_report.draw(doc, ctx, results, names, as_of_date())
    return doc.finish()


def certificate_pdf(kit, results: Results, group: GroupResult) -> bytes:
    """certificates/<group-id>.pdf in the group's language (the first campaign language if it
    has no words for it)."""
    from .assemble import context, metadata
    from .layout import certificate
    from .layout.context import Context
    from .layout.document import Document
    lang = group.lang if group.lang in kit.words else kit.config.campaign.languages[0]
    base = context(kit, lang)
    ctx = Context(base.config, base.words, base.fonts, certificate.Landscape(base.geometry.paper,
                                                                              base.geometry.bleed), lang)
    title = f"{ctx.words.get('cert_title')} — {group.group_name}"
    doc = Document(ctx, metadata(kit, ctx, title))
    certificate.draw(doc, ctx, group, results, as_of_date())
    return doc.finish()


@dataclass(frozen=True)
class Written:
    files: list[Path]
    results: Results
    certificates: int

    def summary(self) -> str:
        r = self.results
        folder = self.files[0].parent if self.files else ""
        from .numbers import counted
        lines = [f"wrote results.csv, results.xlsx, {counted(len(self.files) - 2 - self.certificates, 'report')} "
                 f"and {counted(self.certificates, 'certificate')} to {folder}",
                 f"{len(r.participants)} of {counted(len(r.groups), 'group')} returned something; "
                 f"{counted(len(r.winners), 'prize winner')}" + (" (ties share a rank)" if r.has_ties else "")]
        if r.unattributed_online:
            lines.append(f"{counted(r.unattributed_online, 'online signature')} unattributed (counted in the "
                         "totals only)")
        if r.to_review:
            lines.append(f"{counted(r.to_review, 'sheet')} still to review: 'w4r-kit returns set' settles "
                         f"{'it' if r.to_review == 1 else 'them'}")
        return "\n".join(lines)


@dataclass(frozen=True)
class PublicRow:
    """What a public ranking page may show: no contact, no sheet ids, no consent figures."""

    rank: int
    tied: bool
    group_name: str
    total: float
    winner: bool
    ranking: str


def public_ranking(results: Results) -> list[PublicRow]:
    """The ranked groups with their names and totals only (SPEC §12: a public ranking page)."""
    return [PublicRow(g.rank, g.tied, g.group_name, g.total, g.winner, g.ranking) for g in results.groups if g.rank]


def compute(kit, registry) -> Results:
    """The results of the campaign in `kit`, from the registry: the one function the CLI and
    the web staff page call."""
    from .returns.ledger import read_ledger
    return compute_ledger(kit.config, read_ledger(registry, kit.config))


def build_results(project, langs: list[str] | None = None) -> Written:
    """`w4r-kit results`: everything under OUT/results/, written all at once or not at all."""
    from .errors import KitError, Problem
    from .load import load_project
    from .output import write_all
    from .registry import Registry
    kit = load_project(project, allow_incomplete=True)
    campaign = list(kit.config.campaign.languages)
    unknown = [lang for lang in langs or [] if lang not in campaign]
    if unknown:
        raise KitError(*[Problem("kit.toml", 0, "--lang", f"'{lang}' is not one of the campaign languages "
                                 f"({', '.join(campaign)})") for lang in unknown])
    with Registry.open(project) as reg:
        results = compute(kit, reg)
    docs = render_all(kit, results, project.out, list(dict.fromkeys(langs or campaign)))
    return Written(write_all(docs), results, len(results.participants))


def render_all(kit, results: Results, out: Path, langs: list[str]) -> dict[Path, bytes]:
    """Every results file in memory (CSV, XLSX, one report per language, one certificate per
    group that returned anything); a text too long for its box is a KitError."""
    from .errors import KitError, Problem
    from .layout.overflow import Overflow
    folder = out / RESULTS_DIR
    docs: dict[Path, bytes] = {folder / "results.csv": results_csv(results),
                               folder / "results.xlsx": results_xlsx(results)}
    for lang in langs:
        try:
            docs[folder / f"results-{lang}.pdf"] = report_pdf(kit, results, lang)
        except Overflow as exc:
            raise KitError(Problem("", 0, f"results-{lang}.pdf", exc.message)) from None
    for group in results.participants:
        try:
            docs[folder / CERTIFICATES_DIR / f"{group.group_id}.pdf"] = certificate_pdf(kit, results, group)
        except Overflow as exc:
            raise KitError(Problem("", 0, f"group '{group.group_id}'", exc.message)) from None
    return docs
