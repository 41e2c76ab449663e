"""Lay-out stage, artefact 1: cover and how-to page (SPEC §6.1)."""
from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.units import mm

from ..model import Case
from .context import Context
from .document import Document, image_reader
from .furniture import band, footer
from .text import draw_paragraph, draw_text, fit_paragraph
from .typescale import BODY, GREY, LEAD, NOTE
from .grid import SLIM_BAND_MM
from .overflow import Overflow

# The yellow block that carries the title. Letter is 17.6 mm shorter than A4: its
# band is shorter (and the title moves up with it) so the list of cases still fits.
COVER_BAND_MM = {"A4": 112, "Letter": 100}
KICKER_MM = 48             # baseline of "Volunteer kit" on A4
TITLE_MM = 54              # top of the campaign title on A4
STEP_GAP_MM = 8
STEP_DISC_MM = 11
INTRO_MEASURE_MM = 132
CONTENTS_FORM = "cover-contents"
CONTENTS_ROW_PT = 26
CONTENTS_GAP_MM = 8


def draw(doc: Document, ctx: Context, cases: list[Case]) -> None:
    cfg, w, g = ctx.config, ctx.words, ctx.geometry
    x = g.margin
    band_h = COVER_BAND_MM[g.paper] * mm
    lift = COVER_BAND_MM["A4"] * mm - band_h
    with doc.page() as c:
        band(c, ctx, band_h)
        draw_text(c, ctx, cfg.section.name.upper(), x, 22 * mm, 10, bold=True, max_width=g.content_width * 0.65)
        if cfg.section.logo:
            _logo(c, ctx)
        draw_text(c, ctx, w.get("cover_kicker"), x, KICKER_MM * mm - lift, 14)
        title = cfg.campaign.title.get(ctx.lang, "")
        p = fit_paragraph(ctx, title, g.content_width, 36 * mm, "display", 24)
        if p is None:
            raise Overflow("[campaign] title", "too long for the cover even at 24 pt; shorten it")
        h = p.wrap(g.content_width, 36 * mm)[1]
        title_top = TITLE_MM * mm - lift
        p.drawOn(c, x, g.y(title_top) - h)
        year_size = p.style.fontSize
        draw_text(c, ctx, str(cfg.campaign.year), x, title_top + h + year_size * 0.95, year_size, bold=True)

        top = band_h + 9 * mm
        # Running text in a measure of ~75 characters, not across the whole page.
        top += draw_paragraph(c, ctx, w.get("cover_intro"), x, top, INTRO_MEASURE_MM * mm, "body",
                              fontSize=10, leading=14) + 7 * mm
        draw_text(c, ctx, w.get("how_title"), x, top + 14, 16, bold=True)
        top += 24
        top = _steps(c, ctx, top)

        top += 3 * mm
        draw_text(c, ctx, w.get("cases_title"), x, top + 11, 12, bold=True)
        top += 18
        rows = (len(cases) + 1) // 2
        if top + rows * CONTENTS_ROW_PT > g.height - 19 * mm:
            raise Overflow("cases", f"{len(cases)} cases do not fit the list on the cover")
        # The list with page numbers is a form filled in once the pages are known (contents()).
        doc.contents_top = top
        c.doForm(CONTENTS_FORM)
        contact = w.get("contact_line", email=cfg.section.email, website=cfg.section.website).strip(" ·")
        footer(c, ctx, " · ".join(filter(None, (cfg.section.name, *cfg.section.address))), contact)


def _steps(c, ctx: Context, top: float) -> float:
    """The four steps in a 2 × 2 grid: numbered disc, bold title, short text."""
    cfg, w, g = ctx.config, ctx.words, ctx.geometry
    address = ", ".join(cfg.return_address)
    returning = (w.get("step_return", date=ctx.date(cfg.campaign.return_by), address=address)
                 if cfg.campaign.return_by else w.get("step_return_nodate", address=address))
    steps = [(w.get("step_write_title"), w.get("step_write")),
             (w.get("step_sign_title"), w.get("step_sign")),
             (w.get("step_share_title"), w.get("step_share")),
             (w.get("step_return_title"), returning)]
    col_w = (g.content_width - STEP_GAP_MM * mm) / 2
    disc = STEP_DISC_MM * mm
    text_w = col_w - disc - 4 * mm
    row_top = top
    for row in range(2):
        heights = []
        for col in range(2):
            n = row * 2 + col
            title, text = steps[n]
            x = g.margin + col * (col_w + STEP_GAP_MM * mm)
            c.setFillColor(black)
            c.circle(x + disc / 2, g.y(row_top + disc / 2), disc / 2, stroke=0, fill=1)
            draw_text(c, ctx, str(n + 1), x + disc / 2, row_top + disc / 2 + 6, 17, bold=True,
                      color=ctx.primary, anchor="center")
            tx = x + disc + 4 * mm
            draw_text(c, ctx, title, tx, row_top + 11, 11, bold=True)
            h = draw_paragraph(c, ctx, text, tx, row_top + 15, text_w, "body_left", fontSize=9.5, leading=12.5)
            heights.append(max(disc, 15 + h))
        row_top += max(heights) + 3.5 * mm
    return row_top


def _logo(c, ctx: Context) -> None:
    g = ctx.geometry
    img = image_reader(ctx.config.section.logo)
    iw, ih = img.getSize()
    box_w, box_h = 45 * mm, 22 * mm
    scale = min(box_w / iw, box_h / ih)
    w, h = iw * scale, ih * scale
    c.drawImage(img, g.width - g.margin - w, g.y(12 * mm) - h, w, h, mask="auto")


def case_pages(doc: Document, cases: list[Case]) -> dict[str, int]:
    """The first page of each case, from the document's outline (1-based)."""
    names = {case.name for case in cases}
    return {title: page for level, title, page in doc.entries if level == 0 and title in names}


def contents(doc: Document, ctx: Context, cases: list[Case]) -> None:
    """Fill in the cover's list of cases with their page numbers, now that they are known."""
    g = ctx.geometry
    c = doc.canvas
    pages = case_pages(doc, cases)
    c.beginForm(CONTENTS_FORM, -g.bleed, -g.bleed, g.width + g.bleed, g.height + g.bleed)
    top = doc.contents_top
    if top is not None:
        _case_list(c, ctx, cases, pages, top)
    c.endForm()


def _case_list(c, ctx: Context, cases: list[Case], pages: dict[str, int], top: float) -> None:
    g = ctx.geometry
    (x0, col_w), (x1, _) = g.columns(2, CONTENTS_GAP_MM * mm)
    rows = (len(cases) + 1) // 2
    for i, case in enumerate(cases):
        cx = (x0, x1)[i // rows]
        cy = top + (i % rows) * CONTENTS_ROW_PT
        number = ctx.words.get("page_number", n=pages.get(case.name, ""))
        num_w = draw_text(c, ctx, number, cx + col_w, cy + 10, BODY.pt, bold=True, anchor="right")
        draw_text(c, ctx, case.name, cx, cy + 10, BODY.pt, bold=True, max_width=col_w - num_w - 3 * mm)
        draw_text(c, ctx, f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}", cx, cy + 21, NOTE.pt,
                  color=GREY, max_width=col_w - num_w - 3 * mm)


def contents_page(doc: Document, ctx: Context) -> None:
    """In duplex, the cover's back: every entry of the outline with its page number."""
    g, w = ctx.geometry, ctx.words
    with doc.page() as c:
        band(c, ctx, SLIM_BAND_MM * mm)
        draw_text(c, ctx, w.get("contents_title"), g.margin, 9.5 * mm, LEAD.pt, bold=True)
        top = (SLIM_BAND_MM + 10) * mm
        c.doForm(CONTENTS_PAGE_FORM)
        doc.contents_page_top = top


CONTENTS_PAGE_FORM = "contents-page"


def fill_contents_page(doc: Document, ctx: Context) -> None:
    """The contents page's list: every outline entry after it, with its page, in two columns;
    a case (its name and its artefacts) is never split between them."""
    g = ctx.geometry
    c = doc.canvas
    c.beginForm(CONTENTS_PAGE_FORM, -g.bleed, -g.bleed, g.width + g.bleed, g.height + g.bleed)
    top = doc.contents_page_top
    if top is not None:
        groups: list[list[tuple[int, str, int]]] = []
        for entry in doc.entries:
            if entry[2] <= 2:                   # the cover and this page
                continue
            if entry[0] == 0 or not groups:
                groups.append([])
            groups[-1].append(entry)
        bottom = g.height - 20 * mm
        columns = iter(g.columns(2, CONTENTS_GAP_MM * mm))
        x, width = next(columns)
        y = top
        heights = [sum(_entry_height(level) for level, _, _ in group) for group in groups]
        half = sum(heights) / 2          # balanced columns: the first ends once it holds half
        for n, (group, height) in enumerate(zip(groups, heights)):
            if y + height > bottom or (n and y - top >= half and x == g.margin):
                try:
                    x, width = next(columns)
                except StopIteration:
                    raise Overflow("cases", "the cases do not fit the contents page behind the cover") from None
                y = top
            for level, title, page in group:
                size = BODY.pt if level == 0 else NOTE.pt + 1
                if level == 0:
                    y += 3 * mm
                ex = x + level * 6 * mm
                num_w = draw_text(c, ctx, ctx.words.get("page_number", n=page), x + width, y + size, size,
                                  bold=level == 0, anchor="right")
                draw_text(c, ctx, title, ex, y + size, size, bold=level == 0,
                          max_width=x + width - ex - num_w - 4 * mm)
                y += size * 1.45
    c.endForm()


def _entry_height(level: int) -> float:
    return BODY.pt * 1.45 + 3 * mm if level == 0 else (NOTE.pt + 1) * 1.45
