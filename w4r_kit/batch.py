"""Assemble stage for signature batches (SPEC §8 `signatures`): one pack per group —
the collector's page, every case's sheets, the return form — and the manifest.

Each group's PDF is staged to disk as soon as it is rendered (memory stays flat
however many groups there are); all files are renamed into place together at the
end. With --jobs N, groups are rendered in N processes.
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .assemble import context, draw_sheets, metadata, overflow_problem, sheet_labels, with_qr_codes
from .config import did_you_mean
from .errors import KitError, Problems
from .groups import languages_used, load_groups
from .layout import collector, return_form
from .layout.context import Context
from .layout.document import Document
from .layout.overflow import Overflow
from .load import Kit, Source, load_project
from .model import Case, Group
from .output import Staging, kept_warnings
from .project import Project
from .tables import table_bytes
from .tracking import SheetIds

SIGNATURES_DIR = "signatures"
MERGED_NAME = "all-groups.pdf"
MANIFEST = "manifest"             # manifest.csv, and manifest.xlsx if asked for


@dataclass(frozen=True)
class ManifestRow:
    sheet_id: str
    group_id: str
    group_name: str
    case: str
    lang: str
    file: str        # relative to signatures/
    page: int        # 1-based
    url: str


MANIFEST_COLUMNS = tuple(f.name for f in fields(ManifestRow))


@dataclass(frozen=True)
class Pack:
    """What one group gets: its cases and, per case, the labels of its sheets."""

    group: Group
    cases: list[Case]
    labels: dict[str, list]            # case id -> [SheetLabel]


@dataclass(frozen=True)
class BatchResult:
    files: list[Path]
    sheets: int
    pages: int
    warnings: list
    removed: list[Path] = field(default_factory=list)
    """Packs and manifests of an earlier run that this run's outputs replace."""


def plan(kit: Kit, groups: list[Group], case_ids: list[str] | None, ids: SheetIds | None = None) -> list[Pack]:
    """Decide every sheet of the run (ids, URLs) before anything is drawn.

    `ids`: sheet ids settled against the registry; default: hashed afresh.
    """
    ids = ids or SheetIds()
    packs = []
    for group in groups:
        wanted = group.cases or tuple(c.id for c in kit.cases_for(group.lang))
        if case_ids:
            wanted = tuple(c for c in wanted if c in case_ids)
        by_id = {c.id: c for c in kit.cases}
        cases = [by_id[c] for c in wanted if c in by_id]          # in the group's own order
        labels = {c.id: sheet_labels(kit, c, group.lang, group.name, group.sheets, ids, group_id=group.id)
                  for c in cases}
        packs.append(Pack(group, cases, labels))
    return packs


QR_WINDOW = 2000     # sheets whose QR codes are encoded together: fast, and memory stays flat


def with_codes(packs: list[Pack]) -> Iterator[Pack]:
    """The packs again, their QR codes encoded a window of packs at a time.

    The encoder is vectorised across codes (one batch of 2,000 costs far less than forty
    of 50); the encoded copies live only until their pack is drawn.
    """
    window: list[Pack] = []
    for i, pack in enumerate(packs):
        window.append(pack)
        if i + 1 == len(packs) or sum(_sheets(p) for p in window) >= QR_WINDOW:
            encoded = iter(with_qr_codes([label for p in window for labels in p.labels.values() for label in labels]))
            for p in window:
                yield Pack(p.group, p.cases, {case_id: [next(encoded) for _ in labels]
                                              for case_id, labels in p.labels.items()})
            window = []


def _sheets(pack: Pack) -> int:
    return sum(len(labels) for labels in pack.labels.values())


_contexts: dict[str, tuple[Kit, Context]] = {}


def _context(kit: Kit, lang: str) -> Context:
    """One drawing context per language for the whole run, so fitted texts are reused."""
    cached = _contexts.get(lang)
    if cached is None or cached[0] is not kit:
        cached = _contexts[lang] = (kit, context(kit, lang))
    return cached[1]


def draw_pack(doc: Document, kit: Kit, pack: Pack, file: str, outline_level: int = 0,
              before_sheets: Callable[[Document, Context, Case], None] | None = None) -> list[ManifestRow]:
    """Collector's page, the sheets of every case, the return form; returns manifest rows.

    `before_sheets` draws more pages of a case ahead of its sheets (the self-service pack
    puts the case sheet, model letter and writing paper there).
    """
    group = pack.group
    ctx = _context(kit, group.lang)
    w = ctx.words
    case = None
    try:
        if outline_level:
            doc.outline(group.name, 0)
        doc.outline(w.get("outline_collector"), outline_level)
        cases = [case.for_lang(group.lang) for case in pack.cases]    # names in the group's language
        collector.draw(doc, ctx, group, cases, group.sheets * len(cases))
        rows = []
        for case in cases:
            doc.outline(case.name, outline_level)
            if before_sheets:
                before_sheets(doc, ctx, case)
            labels = pack.labels[case.id]
            pages = draw_sheets(doc, ctx, case, group.audience, labels)
            rows += [ManifestRow(label.sheet_id, group.id, group.name, case.id, group.lang, file, page, label.url)
                     for label, page in zip(labels, pages)]
        case = None
        doc.outline(w.get("outline_return_form"), outline_level)
        return_form.draw(doc, ctx, group, cases)
    except Overflow as exc:
        raise KitError(overflow_problem(kit, exc, case, group.lang, _group_sources(group))) from None
    return rows


def _group_sources(group: Group) -> list[Source]:
    """The texts of a group that its pack prints, with their place in the groups file."""
    return [Source(group.file or "", group.line, key, getattr(group, key)) for key in ("name", "contact")]


def pack_pdf(kit: Kit, pack: Pack) -> tuple[bytes, list[ManifestRow], int]:
    ctx = _context(kit, pack.group.lang)
    title = f"{ctx.words.get('outline_signatures')} — {pack.group.name}"
    doc = Document(ctx, metadata(kit, ctx, title))
    rows = draw_pack(doc, kit, pack, f"{pack.group.id}.pdf")
    return doc.finish(), rows, doc.pages


def manifest_csv(rows: Iterable[ManifestRow]) -> bytes:
    return manifest_bytes(rows, "csv")


def manifest_bytes(rows: Iterable[ManifestRow], fmt: str) -> bytes:
    """The manifest as CSV or .xlsx (tables.FORMATS), group names made inert for spreadsheets."""
    return table_bytes(MANIFEST_COLUMNS, [(r.sheet_id, r.group_id, r.group_name, r.case, r.lang, r.file, r.page,
                                          r.url) for r in rows], fmt, sheet_title="manifest")


def files_listed(manifest: Path) -> list[str]:
    """The pack files an earlier manifest.csv lists ([] if there is none or it is unreadable)."""
    try:
        with open(manifest, encoding="utf-8", newline="") as fh:
            return sorted({row.get("file") or "" for row in csv.DictReader(fh)} - {""})
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def packs_for(kit: Kit, groups_file: Path, case_ids: list[str] | None, problems: Problems,
              ignore_extra_columns: bool = False) -> list[Pack]:
    """Read and check a groups file against the kit and plan every group's pack.

    Raises KitError with every problem (each with its line in the groups file); the
    warnings stay in `problems`. The CLI and the self-service page both go through here.
    """
    project = kit.project
    known = [c.id for c in kit.cases]
    for case_id in case_ids or []:
        if case_id not in known:
            problems.add(f"no case '{case_id}'{did_you_mean(case_id, known)}; 'w4r-kit list' shows them",
                         project.cases_dir, 0, "--case")
    groups = load_groups(groups_file, kit.config.campaign.languages, known, kit.config.signatures.audience,
                         problems, kit, ignore_extra_columns)     # names through groups.check_group_name
    for group in groups:
        for case_id in group.cases:
            missing = kit.incomplete.get(group.lang, {}).get(case_id)
            if missing:
                problems.add(f"case '{case_id}' has no '{group.lang}' text for {', '.join(missing)}; "
                             "translate it or remove it from this group", groups_file, group.line, "cases")
    problems.raise_if_errors()
    packs = []
    for pack in plan(kit, groups, case_ids):
        if pack.cases:
            packs.append(pack)
        elif case_ids:
            problems.warn(f"group '{pack.group.id}' has none of the cases asked for; skipped",
                          groups_file, pack.group.line, "cases")
        else:
            lang = pack.group.lang
            problems.add(f"no case is complete in '{lang}', so group '{pack.group.id}' would get no sheets; "
                         f"translate a case into '{lang}' ('w4r-kit list' shows what each lacks), or give the "
                         "group another language", groups_file, pack.group.line, "lang")
    problems.raise_if_errors()
    _left_out(kit, packs, case_ids, problems)
    return packs


def _left_out(kit: Kit, packs: list[Pack], case_ids: list[str] | None, problems: Problems) -> None:
    """A warning per case and language for a case missing a translation that groups taking every
    case of their language do not get (only for the languages and cases the run prints)."""
    from .load import case_line
    by_id = {c.id: c for c in kit.cases}
    seen = set()
    for pack in packs:
        lang = pack.group.lang
        if pack.group.cases or lang in seen:
            continue
        seen.add(lang)
        for case_id, missing in kit.incomplete.get(lang, {}).items():
            if not case_ids or case_id in case_ids:
                case = by_id[case_id]
                problems.warn(f"no text for {', '.join(missing)}; the case is left out of the '{lang}' packs",
                              case.file, min(case_line(case, name) for name in missing), f"[{lang}]")


def build_signatures(project: Project, groups_file: Path, case_ids: list[str] | None = None,
                     merge: bool = False, jobs: int = 1,
                     progress: Callable[[int], None] | None = None,
                     manifest_formats: tuple[str, ...] = ("csv",),
                     ignore_extra_columns: bool = False) -> BatchResult:
    """signatures/<group-id>.pdf per group (or one merged file) and signatures/manifest.csv
    (and .xlsx); afterwards signatures/ holds exactly this run's packs and manifests, beside
    whatever the tool did not write there."""
    # Every case is loaded so the groups file is checked whole; --case narrows what is printed.
    # Only the languages of its groups are checked: a campaign language no group uses is no
    # reason to refuse the run.
    kit = load_project(project, allow_incomplete=True, used_languages=languages_used(groups_file))
    problems = Problems(project.root)
    packs = packs_for(kit, groups_file, case_ids, problems, ignore_extra_columns)

    out = project.out / SIGNATURES_DIR
    sheets = sum(_sheets(pack) for pack in packs)
    # Every pack is recorded in the registry (SPEC §11) after its files are staged and
    # before they are put in place: a run that fails records nothing and writes nothing.
    from .registry import Registry, issue, login_name, pack_keys, record_packs
    registry = Registry.open(project, kit.config)
    wanted = {pack.group.id for pack in packs}

    def attempt(ids: SheetIds) -> BatchResult:
        planned = [pack for pack in plan(kit, [p.group for p in packs], case_ids, ids) if pack.group.id in wanted]
        pages = 0
        with Staging() as staging:
            rows: list[ManifestRow] = []
            if merge:
                data, rows, pages = _merged_pdf(kit, planned, progress)
                staging.add(out / MERGED_NAME, data)
            else:
                for data, pack_rows, n in _render_packs(kit, planned, jobs, progress):
                    staging.add(out / f"{pack_rows[0].group_id}.pdf" if pack_rows else out / "empty.pdf", data)
                    rows += pack_rows
                    pages += n
            for fmt in dict.fromkeys(("csv", *manifest_formats)):       # the CSV always: the record of the run
                staging.add(out / f"{MANIFEST}.{fmt}", manifest_bytes(rows, fmt))
            # Packs of an earlier run (its manifest lists them; newer runs keep a record) go
            # on commit, unless changed since; nothing else in the folder is touched.
            staging.record(out, stale=lambda name: True, listed_before=files_listed(out / f"{MANIFEST}.csv"))
            record_packs(registry, kit, planned, rows, "cli-signatures", f"{SIGNATURES_DIR}/", login_name())
            files = staging.commit()
        return BatchResult(files, sheets, pages, kit.warnings + problems.warnings + kept_warnings(staging, project.rel),
                           staging.removed)
    with registry:
        return issue(registry, pack_keys(kit, packs), attempt)


def _merged_pdf(kit: Kit, packs: list[Pack], progress) -> tuple[bytes, list[ManifestRow], int]:
    lang = Counter(p.group.lang for p in packs).most_common(1)[0][0]
    ctx = context(kit, lang)
    doc = Document(ctx, metadata(kit, ctx, ctx.words.get("outline_signatures")))
    rows: list[ManifestRow] = []
    for pack in with_codes(packs):
        rows += draw_pack(doc, kit, pack, MERGED_NAME, outline_level=1)
        if progress:
            progress(_sheets(pack))
    return doc.finish(), rows, doc.pages


def _render_packs(kit: Kit, packs: list[Pack], jobs: int, progress):
    """Yield (pdf bytes, manifest rows, pages) per pack, in order; in `jobs` processes if > 1."""
    if jobs <= 1 or len(packs) < 2:
        for pack in with_codes(packs):
            result = pack_pdf(kit, pack)
            if progress:
                progress(_sheets(pack))
            yield result
        return
    import multiprocessing
    global _WORKER_KIT
    _WORKER_KIT = kit                   # inherited by forked workers: no pickling of the kit
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(min(jobs, len(packs))) as pool:
        # Each worker encodes its own packs' codes: matrices are not worth pickling.
        for pack, result in zip(packs, pool.imap(_render_in_worker, packs, chunksize=1)):
            if progress:
                progress(_sheets(pack))
            yield result


_WORKER_KIT: Kit | None = None


def _render_in_worker(pack: Pack):
    return pack_pdf(_WORKER_KIT, pack)


def issue_packs(kit: Kit, groups: list[Group], registry, route: str = "web", issued_by: str | None = None,
                case_ids: list[str] | None = None) -> list[tuple[Pack, bytes, list[ManifestRow]]]:
    """The packs of `groups` as PDF bytes, recorded in `registry` before they are returned
    (the web's downloads; the same packs and the same recording as `build_signatures`)."""
    from .registry import issue, pack_keys, record_packs
    wanted = [pack for pack in plan(kit, groups, case_ids) if pack.cases]

    def attempt(ids: SheetIds) -> list[tuple[Pack, bytes, list[ManifestRow]]]:
        planned = [pack for pack in plan(kit, groups, case_ids, ids) if pack.cases]
        done = []
        for pack, drawn in zip(planned, with_codes(planned)):
            data, rows, _ = pack_pdf(kit, drawn)
            done.append((pack, data, rows))
        if registry is not None:
            record_packs(registry, kit, planned, [row for _, _, rows in done for row in rows], route, "", issued_by)
        return done
    return issue(registry, pack_keys(kit, wanted), attempt)

