"""Assemble stage: the order of pages in each output, outline entries and metadata.

One reportlab document per output file, so fonts and the static parts of the
signature sheets are embedded once (SPEC §6: cover, then per case its case
sheet, model letter, letterhead and signature sheets).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import qr
from .errors import KitError, Problem
from .layout import case_sheet, cover, letter, letterhead, signature_sheet
from .layout.common import Context, Document, Geometry, Metadata
from .layout.overflow import Overflow
from .load import Kit
from .model import Case
from .tracking import SheetIds, slug, tracked_url, tracker

# The artefacts of a case, in print order (SPEC §6.2).
CASE_ARTEFACTS = ("case_sheet", "letter", "letterhead", "signatures")


@dataclass(frozen=True)
class Options:
    paper: str | None = None          # None: kit.toml [print] paper
    date: dt.date | None = None       # fills the letter's date line
    sheets: int = 1                   # signature sheets per case
    group: str | None = None          # group name printed on the sheets


def context(kit: Kit, lang: str, paper: str | None = None) -> Context:
    cfg = kit.config
    geometry = Geometry(paper or cfg.print.paper, cfg.print.bleed_mm * 72 / 25.4)
    return Context(cfg, kit.words[lang], kit.fonts, geometry, lang)


def metadata(kit: Kit, ctx: Context, title: str) -> Metadata:
    cfg, w = kit.config, ctx.words
    campaign = cfg.campaign.title.get(ctx.lang, "")
    return Metadata(title=title, author=cfg.section.name, lang=ctx.words.texts["locale"].replace("_", "-"),
                    subject=w.get("doc_subject", title=campaign, year=cfg.campaign.year, section=cfg.section.name),
                    keywords=f"{campaign}, {cfg.campaign.year}, {cfg.section.short}")


def kit_pdf(kit: Kit, lang: str, cases: list[Case], options: Options) -> bytes:
    """The whole kit of one language: cover, then every case."""
    ctx = context(kit, lang, options.paper)
    title = ctx.words.get("kit_title", title=kit.config.campaign.title.get(lang, ""), year=kit.config.campaign.year)
    doc = Document(ctx, metadata(kit, ctx, title))
    doc.outline(ctx.words.get("outline_cover"))
    _guard(lambda: cover.draw(doc, ctx, cases), None, lang)
    group = options.group or ctx.words.get("default_group")
    ids = SheetIds()
    for case in cases:
        _case(doc, kit, ctx, case, options, group, ids)
    return doc.finish()


def case_pdf(kit: Kit, lang: str, case: Case, options: Options) -> bytes:
    """One case's artefacts for one group (SPEC §8 `case`)."""
    ctx = context(kit, lang, options.paper)
    doc = Document(ctx, metadata(kit, ctx, f"{case.name} — {kit.config.campaign.title.get(lang, '')} "
                                            f"{kit.config.campaign.year}"))
    _case(doc, kit, ctx, case, options, options.group or ctx.words.get("default_group"), SheetIds())
    return doc.finish()


def _case(doc: Document, kit: Kit, ctx: Context, case: Case, options: Options, group: str,
          ids: SheetIds) -> None:
    w, lang = ctx.words, ctx.lang
    _right_hand_page(doc, kit)        # every case starts on a right-hand page
    doc.outline(case.name, 0, closed=False)
    group_slug = slug(group)
    url = tracked_url(kit.config, case.petition_url, case=case.id, lang=lang, group=group_slug, sheet="case")
    doc.outline(w.get("outline_case_sheet"), 1)
    _guard(lambda: case_sheet.draw(doc, ctx, case, url), case, lang)
    doc.outline(w.get("outline_letter"), 1)
    _guard(lambda: letter.draw(doc, ctx, case, kit.letters[case.id, lang], options.date), case, lang)
    # The writing paper is posted to the official: in duplex it gets a sheet of its own
    # (right-hand page, blank back), never the letter or a signature sheet behind it.
    _right_hand_page(doc, kit)
    doc.outline(w.get("outline_letterhead"), 1)
    _guard(lambda: letterhead.draw(doc, ctx, case), case, lang)
    _right_hand_page(doc, kit)
    if options.sheets > 0:
        doc.outline(w.get("outline_signatures"), 1)
        labels = sheet_labels(kit, case, lang, group, options.sheets, ids)
        draw_sheets(doc, ctx, case, kit.config.signatures.audience, labels)


def _right_hand_page(doc: Document, kit: Kit) -> None:
    """In duplex, a blank page if the next page would be a left-hand (even) one."""
    if kit.config.print.duplex and doc.pages % 2 == 1:
        doc.blank_page()


def sheet_labels(kit: Kit, case: Case, lang: str, group: str, n: int, ids: SheetIds,
                 group_id: str | None = None) -> list[signature_sheet.SheetLabel]:
    """Footer and tracked URL of each of `n` sheets of one case for one group."""
    cfg = kit.config
    gid = group_id or slug(group)
    url_for = tracker(cfg, case.petition_url, case=case.id, lang=lang, group=gid)
    labels = []
    for k in range(1, n + 1):
        sid = ids.make(cfg.section.short, cfg.campaign.year, gid, case.id, lang, k)
        labels.append(signature_sheet.SheetLabel(group, k, n, sid, url_for(str(k), sid)))
    return labels


def draw_sheets(doc: Document, ctx: Context, case: Case, audience: str,
                labels: list[signature_sheet.SheetLabel]) -> list[int]:
    """Signature sheets of one case; returns their 1-based page numbers."""
    matrices = qr.encode_many([label.url for label in labels])
    _guard(lambda: signature_sheet.prepare(doc, ctx, case, audience), case, ctx.lang)
    pages = []
    for label, matrix in zip(labels, matrices):
        signature_sheet.draw(doc, ctx, case, audience, label, matrix)
        pages.append(doc.pages)
    return pages


def _guard(draw, case: Case | None, lang: str) -> None:
    """Run one artefact's drawing; a text that does not fit becomes a reported problem."""
    try:
        draw()
    except Overflow as exc:
        file = case.file.name if case and case.file else "kit.toml"
        where = f"cases/{file}" if case else file
        line = case.lines.get(exc.field.split(".")[0], 0) if case else 0
        raise KitError(Problem(where, line, f"{exc.field} [{lang}]", exc.message)) from None
