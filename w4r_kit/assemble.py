"""Assemble stage: the order of pages in each output, outline entries and metadata.

One reportlab document per output file, so fonts and the static parts of the
signature sheets are embedded once (SPEC §6: cover, then per case its case
sheet, model letter, letterhead and signature sheets).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from . import qr
from .errors import KitError, Problem
from .layout import (advice, case_sheet, cover, letter, letterhead, poster, scan_marks, signature_sheet,
                     solidarity_cards, successes)
from .layout.context import Context
from .layout.document import Document, Metadata
from .layout.grid import Geometry
from .layout.typescale import MIN_TEXT_PT
from .layout.overflow import Overflow
from .load import Kit, Source, case_line, case_sources, config_sources, success_sources
from .model import Case
from .tracking import SheetIds, slug, tracked_url, tracker


@dataclass(frozen=True)
class Options:
    paper: str | None = None          # None: kit.toml [print] paper
    date: dt.date | None = None       # fills the letter's date line
    sheets: int = 1                   # signature sheets per case
    group: str | None = None          # group name printed on the sheets


def context(kit: Kit, lang: str, paper: str | None = None) -> Context:
    cfg = kit.config
    geometry = Geometry(paper or cfg.print.paper, cfg.print.bleed_mm * 72 / 25.4)
    return Context(cfg, kit.words[lang], kit.fonts, geometry, lang, proper_names(kit), others=kit.typography)


def proper_names(kit: Kit) -> tuple[str, ...]:
    """The proper names in the kit's data that a line must never split (SPEC §14): people,
    countries, addressees, places and organisations of the addresses, the section."""
    cfg = kit.config
    names = {cfg.section.name, *cfg.return_address, *cfg.section.address}
    for case in kit.cases:
        names.update((case.name, *case.names.values(), case.addressee.name, *case.country.values(),
                      *case.addressee.address))
        if case.solidarity:
            names.update(case.solidarity.address)
    return tuple(sorted(n for n in names if n and not n.startswith("[")))


def metadata(kit: Kit, ctx: Context, title: str) -> Metadata:
    cfg, w = kit.config, ctx.words
    campaign = cfg.campaign.title.get(ctx.lang, "")
    return Metadata(title=title, author=cfg.section.name, lang=ctx.words.texts["locale"].replace("_", "-"),
                    subject=w.get("doc_subject", title=campaign, year=cfg.campaign.year, section=cfg.section.name),
                    keywords=f"{campaign}, {cfg.campaign.year}, {cfg.section.short}")


def kit_pdfs(kit: Kit, langs: list[str], options: Options, jobs: int | None = None) -> dict[str, bytes]:
    """kit_pdf of every language. The languages are independent, so with several cores each
    renders in a process of its own (forked: the loaded kit is shared, not loaded again);
    the bytes are the same either way. Raises Overflow."""
    jobs = min(len(langs), jobs or usable_cores())
    if jobs < 2:
        return {lang: kit_pdf(kit, lang, kit.cases_for(lang), options) for lang in langs}
    global _WORKER_KIT
    _WORKER_KIT = kit, options
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return dict(zip(langs, pool.map(_kit_pdf_in_worker, langs, chunksize=1)))
    finally:
        _WORKER_KIT = None


_WORKER_KIT: tuple[Kit, Options] | None = None


def usable_cores() -> int:
    """The cores this process may run on (fewer than the machine's under taskset or a container's limit)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _kit_pdf_in_worker(lang: str) -> bytes:
    kit, options = _WORKER_KIT
    return kit_pdf(kit, lang, kit.cases_for(lang), options)


def kit_pdf(kit: Kit, lang: str, cases: list[Case], options: Options) -> bytes:
    """The whole kit of one language: cover, then every case. Raises Overflow."""
    ctx = context(kit, lang, options.paper)
    cases = [case.for_lang(lang) for case in cases]       # each with its name in `lang`
    title = ctx.words.get("kit_title", title=kit.config.campaign.title.get(lang, ""), year=kit.config.campaign.year)
    doc = Document(ctx, metadata(kit, ctx, title))
    doc.outline(ctx.words.get("outline_cover"))
    cover.draw(doc, ctx, cases)
    if kit.config.print.duplex:        # the cover's back: the contents, not a blank page
        doc.outline(ctx.words.get("contents_title"))
        cover.contents_page(doc, ctx)
    for outline_key, draw in _front_matter(kit, ctx, cases):
        doc.outline(ctx.words.get(outline_key))
        draw(doc)
    group = options.group or ctx.words.get("default_group")
    ids = SheetIds()
    for case in cases:
        _case(doc, kit, ctx, case, options, group, ids, master=True, cards=True)
    cover.contents(doc, ctx, cases)
    if kit.config.print.duplex:
        cover.fill_contents_page(doc, ctx)
    return doc.finish()


def _front_matter(kit: Kit, ctx: Context, cases: list[Case]) -> list[tuple[str, Callable[[Document], None]]]:
    """The pages between the cover and the first case (SPEC §13), in print order.

    The advice page follows the cover (in duplex, the contents on the cover's back): in
    duplex the advice opens the second sheet and the successes page is its back, so the
    first case still starts on a right-hand page without a blank.
    """
    pages: list[tuple[str, Callable[[Document], None]]] = [
        ("outline_advice", lambda doc: advice.draw(doc, ctx, cases))]
    found = [s for s in kit.successes if ctx.lang in s.outcome]
    if found:
        pages.append(("outline_successes", lambda doc: successes.draw(doc, ctx, found)))
    return pages


def poster_pdf(kit: Kit, lang: str, paper: str, when: str | None = None, where: str | None = None) -> bytes:
    """The event poster of one language on `paper` (A4, A3, Letter, Tabloid). Raises Overflow."""
    cfg = kit.config
    geometry = poster.PosterGeometry(paper, cfg.print.bleed_mm * 72 / 25.4)
    ctx = Context(cfg, kit.words[lang], kit.fonts, geometry, lang)
    title = f"{ctx.words.get('outline_poster')} — {cfg.campaign.title.get(lang, '')} {cfg.campaign.year}"
    doc = Document(ctx, metadata(kit, ctx, title))
    doc.outline(ctx.words.get("outline_poster"))
    poster.draw(doc, ctx, kit.cases_for(lang), when, where)
    return doc.finish()


def case_pdf(kit: Kit, lang: str, case: Case, options: Options, ids: SheetIds | None = None) -> bytes:
    """One case's artefacts for one group (SPEC §8 `case`). Raises Overflow.

    `ids`: the sheet ids to use (settled against the registry); default: hashed afresh.
    """
    ctx = context(kit, lang, options.paper)
    case = case.for_lang(lang)
    doc = Document(ctx, metadata(kit, ctx, f"{case.name} — {kit.config.campaign.title.get(lang, '')} "
                                            f"{kit.config.campaign.year}"))
    _case(doc, kit, ctx, case, options, options.group or ctx.words.get("default_group"), ids or SheetIds())
    return doc.finish()


# In duplex these start on a right-hand page. The model letter and the writing paper
# are posted to the official, so each gets a sheet of its own (blank back), never the
# case sheet, the letter or a signature sheet behind it (SPEC §14). The solidarity
# cards' fronts start a sheet, so their backs are printed behind them.
RIGHT_HAND = ("outline_letter", "outline_letterhead", "outline_signatures", "outline_cards")


def _case(doc: Document, kit: Kit, ctx: Context, case: Case, options: Options, group: str,
          ids: SheetIds, master: bool = False, cards: bool = False) -> None:
    _right_hand_page(doc, kit)        # every case starts on a right-hand page
    doc.outline(case.name, 0, closed=False)
    for outline_key, draw in _artefacts(kit, ctx, case, options, group, ids, master, cards):
        if outline_key in RIGHT_HAND:
            _right_hand_page(doc, kit)
        doc.outline(ctx.words.get(outline_key), 1)
        draw(doc)


def _right_hand_page(doc: Document, kit: Kit) -> None:
    """In duplex, a blank page if the next page would be a left-hand (even) one."""
    if kit.config.print.duplex and doc.pages % 2 == 1:
        doc.blank_page()


def _artefacts(kit: Kit, ctx: Context, case: Case, options: Options, group: str, ids: SheetIds | None = None,
               master: bool = False, cards: bool = False) -> list[tuple[str, Callable[[Document], None]]]:
    """A case's artefacts in print order (SPEC §6.2): outline label and how to draw it.

    `master`: the kit's sheet, photocopied by whoever prints the kit; its machine code
    names the case and language only (returns of masters count per case, no group).
    `cards`: the solidarity cards too (the kit has them; a group's case pack does not).
    """
    lang = ctx.lang
    url = tracked_url(kit.config, case.petition_url, case=case.id, lang=lang, group=slug(group), sheet="case")

    def signatures(doc: Document) -> None:
        labels = sheet_labels(kit, case, lang, group, options.sheets, ids or SheetIds(), master=master)
        draw_sheets(doc, ctx, case, kit.config.signatures.audience, labels)

    steps: list[tuple[str, Callable[[Document], None]]] = [
        ("outline_case_sheet", lambda doc: case_sheet.draw(doc, ctx, case, url)),
        ("outline_letter", lambda doc: letter.draw(doc, ctx, case, kit.letters[case.id, lang].paragraphs,
                                                   options.date)),
        ("outline_letterhead", lambda doc: letterhead.draw(doc, ctx, case)),
    ]
    if options.sheets > 0:
        steps.append(("outline_signatures", signatures))
    if cards and case.has_cards:
        steps.append(("outline_cards", lambda doc: solidarity_cards.draw(doc, ctx, case)))
    return steps


def sheet_labels(kit: Kit, case: Case, lang: str, group: str, n: int, ids: SheetIds,
                 group_id: str | None = None, master: bool = False) -> list[signature_sheet.SheetLabel]:
    """Footer and tracked URL of each of `n` sheets of one case for one group."""
    cfg = kit.config
    gid = group_id or slug(group)
    url_for = tracker(cfg, case.petition_url, case=case.id, lang=lang, group=gid)
    payload = scan_marks.master_payload(cfg.section.short, cfg.campaign.year, case.id, lang) if master else ""
    labels = []
    for k in range(1, n + 1):
        sid = ids.make(cfg.section.short, cfg.campaign.year, gid, case.id, lang, k)
        labels.append(signature_sheet.SheetLabel(group, k, n, sid, url_for(str(k), sid), payload=payload))
    return labels


def draw_sheets(doc: Document, ctx: Context, case: Case, audience: str,
                labels: list[signature_sheet.SheetLabel]) -> list[int]:
    """Signature sheets of one case; returns their 1-based page numbers."""
    labels = with_qr_codes(labels)
    signature_sheet.prepare(doc, ctx, case, audience)
    pages = []
    for label in labels:
        signature_sheet.draw(doc, ctx, case, audience, label, label.matrix)
        pages.append(doc.pages)
    return pages


def with_qr_codes(labels: list[signature_sheet.SheetLabel]) -> list[signature_sheet.SheetLabel]:
    """The labels with their QR codes and machine codes, encoded in one batch each (per code,
    batches are ~10× cheaper)."""
    todo = [label for label in labels if label.matrix is None or label.code is None]
    matrices = iter(qr.encode_many([label.url for label in todo]))
    codes = iter(scan_marks.encode_codes([label.code_payload for label in todo]))
    SheetLabel = signature_sheet.SheetLabel      # not dataclasses.replace: 10x slower, per sheet
    return [label if label.matrix is not None and label.code is not None else
            SheetLabel(label.group, label.k, label.n, label.sheet_id, label.url, next(matrices), label.payload,
                       next(codes))
            for label in labels]


def layout_problems(kit: Kit, lang: str, cases: list[Case], options: Options) -> list[Problem]:
    """Lay out every artefact in memory and list every text that does not fit its box.

    Each artefact is drawn into a document of its own, so one text that does not
    fit cannot hide the next one (or leave a half-drawn page behind for it).
    """
    ctx = context(kit, lang, options.paper)
    meta = metadata(kit, ctx, "")
    found: list[Problem] = []

    def attempt(draw: Callable[[Document], None], case: Case | None) -> None:
        try:
            draw(Document(ctx, meta))
        except Overflow as exc:
            found.append(overflow_problem(kit, exc, case, lang))

    attempt(lambda doc: cover.draw(doc, ctx, cases), None)
    for _, draw in _front_matter(kit, ctx, cases):
        attempt(draw, None)
    group = options.group or ctx.words.get("default_group")
    for case in cases:
        for _, draw in _artefacts(kit, ctx, case, options, group, cards=True):
            attempt(draw, case)
    # A long title can overflow the cover and a footer: one problem, reported once.
    first = {(p.file, p.line, p.field): p for p in reversed(found)}
    return list(first.values())


def rendered(kit: Kit, render: Callable[[], dict[Path, bytes]], langs: list[str], options: Options
             ) -> dict[Path, bytes]:
    """Run `render`; if a text does not fit, raise KitError listing every such text, not the first only."""
    try:
        return render()
    except Overflow as exc:
        first = exc
    problems = [p for lang in langs for p in layout_problems(kit, lang, kit.cases_for(lang), options)]
    raise KitError(*(problems or [overflow_problem(kit, first, None, langs[0])]), *kit.warnings)


# Fields printed the same in every language: reported once, without a language.
_LANGUAGE_FREE = {"cases", "[signatures] rows", "petition_url", "name", "[campaign] url"}


def overflow_problem(kit: Kit, exc: Overflow, case: Case | None, lang: str, extra: Sequence[Source] = ()
                     ) -> Problem:
    """The problem for a text that does not fit: the file, line and field it comes from.

    `extra`: texts from elsewhere that the page prints (a group's name from a groups file).
    """
    cfg, project = kit.config, kit.project
    file: Path | str = case.file if case else project.config_file
    line, name, message = 0, exc.field or "text", exc.message
    same_in_every_language = name in _LANGUAGE_FREE
    if exc.field == "letter" and case and (case.id, lang) in kit.letters:
        file = kit.letters[case.id, lang].template
    elif exc.field == "cases":
        file = project.cases_dir
    elif exc.field == "privacy_notice":
        if cfg.signatures.privacy_notice.get(lang):
            file, line, name = project.config_file, cfg.line("signatures", "privacy_notice"), "[signatures] privacy_notice"
        else:
            name = f"privacy_{cfg.signatures.audience}"
            file, line = kit.words[lang].where.get(name, (project.templates_dir / lang / "strings.yaml", 0))
    elif exc.field.startswith("["):
        table, _, key = exc.field[1:].partition("] ")
        file, line = project.config_file, cfg.line(table, key)
    elif exc.field and case:
        line = case_line(case, exc.field, lang)
    elif exc.text:
        source = _source_of(kit, exc.text, case, lang, extra)
        if source:
            file, line, name = source.file, source.line, source.field
            message = f"too long for its line even at {MIN_TEXT_PT} pt; shorten it"
            same_in_every_language = not source.lang
    label = name if same_in_every_language else f"{name} [{lang}]"
    rel = project.rel(Path(file)) if file else ""
    return Problem(rel, line, label, message)


def _source_of(kit: Kit, text: str, case: Case | None, lang: str, extra: Sequence[Source] = ()
               ) -> Source | None:
    """The field whose text makes up most of a line that did not fit (labels mix texts: 'name — title')."""
    folded = text.casefold()
    cases = [case] if case else kit.cases_for(lang)      # the cover lists every case
    candidates = [s for c in cases for s in case_sources(c, lang)] + config_sources(kit, lang) + list(extra)
    if case is None:
        candidates += success_sources(kit, lang)
    matches = [s for s in candidates if s.text.strip() and _pieces_in(s.text, folded)]
    return max(matches, key=lambda s: len(s.text), default=None)


def _pieces_in(template: str, folded: str) -> bool:
    """Whether the literal parts of `template` ('{name} (continued)') all occur in `folded`."""
    pieces = [p.strip() for p in re.split(r"\{[^{}]*\}", template.casefold()) if p.strip()]
    return bool(pieces) and all(p in folded for p in pieces)
