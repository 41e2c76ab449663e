"""Lay-out stage, artefact 2: the case sheet (SPEC §6.2, §14).

Page 1, on the kit's grid: the band with the name (and the section's logo), the photo
(or, without one, the headline as a pull quote on a yellow panel) beside the headline
and the story, the story going on below in two columns of readable length, the demand
right under the story, and an action strip at the foot of the page: write, sign (QR code
and its short URL), show solidarity, and by when. The story takes the largest running
text size that fits the page; a story longer than page 1 flows onto continuation pages.
"""
from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.units import mm

from ..model import Case
from ..tracking import short_url
from .context import Context
from .document import Document, image_reader
from .furniture import band, campaign_mark, draw_qr, draw_url, footer, full_width_bar, photo_box
from .grid import BAND_MM, FOOTER_MM, FOOTER_RULE_MM, GUTTER_MM, SLIM_BAND_MM
from .overflow import Overflow
from .text import (column_height, draw_column, draw_text, fill_columns, fit_address, fit_paragraph,
                   paragraph, string_width)
from .typescale import CAPTION, GREY, HEADING, LABEL, LEAD, MIN_TEXT_PT, NOTE, SUBHEAD, TITLE, steps

PHOTO_W_MM = 66                     # a portrait box; beside it a column of ~55 characters
PHOTO_HEIGHTS_MM = (96, 104, 112, 120, 128)   # the box grows while a short story still fits
BODY_TOP_MM = BAND_MM + 8          # first line of the photo row
QR_MM = 26                          # SPEC §7: >= 20 mm; SPEC §14 action strip: >= 25 mm
SIGN_COL_MM = 46                    # the action strip's QR column
STRIP_HEIGHT_MM = 56                # the action strip, from its top rule to the footer's rule
DEMAND_PAD_MM = 4
DEMAND_MEASURE_MM = 150
LOGO_W_MM, LOGO_H_MM = 42, 18       # the logo's box in the band, right-aligned
# Running text sizes the story may take (SPEC §14: 9.5-11 pt), largest first: a short
# story is set larger rather than leaving the page half empty.
STORY_SIZES = ((11, 15.5), (10.5, 15), (10, 14), (9.5, 13.5))
MIN_LINES_BELOW = 3                 # fewer lines alone under the photo box look stranded


def draw(doc: Document, ctx: Context, case: Case, url: str) -> None:
    g, lang = ctx.geometry, ctx.lang
    x = g.margin
    photo_top = BODY_TOP_MM * mm
    right_x = x + (PHOTO_W_MM + GUTTER_MM) * mm
    right_w = g.right - right_x
    strip_top = g.height - (FOOTER_MM + FOOTER_RULE_MM) * mm - STRIP_HEIGHT_MM * mm
    demand = _demand_paragraph(ctx, case)
    demand_h = demand.height + 2 * DEMAND_PAD_MM * mm + LABEL.leading

    # Beside the photo: the headline (unless it is the pull quote) and the story's label.
    head = None
    head_h = 0.0
    if case.photo:
        head = fit_paragraph(ctx, case.headline[lang], right_w, 40 * mm, "lead", 10)
        if head is None:
            raise Overflow("headline", "too long for the case sheet; keep it to one sentence")
        head_h = head.height + 5 * mm
    label_top = photo_top + head_h
    story_top = label_top + LABEL.leading + 2 * mm
    cols = g.columns(2)
    limit = strip_top - 12 * mm - demand_h
    layout = first_fit = None
    # The largest running text size whose story fits page 1, with the tallest photo box that
    # still fits (tried first: a short story then fills the page in one layout); the box is
    # cut back to the story's column below when nothing goes on under it. A fit that leaves
    # a line or two stranded under the box gives way to the next size down, when one avoids it.
    for size, leading in STORY_SIZES:
        for photo_h in reversed(PHOTO_HEIGHTS_MM):
            found = _story_layout(ctx, case, size, leading, photo_top + photo_h * mm, story_top, right_w,
                                  cols[0][1], limit)
            if not found[-1]:
                first_fit = first_fit or (photo_h, *found)
                if _no_stranded_lines(found[2], leading):
                    layout = (photo_h, *found)
                break
        if layout:
            break
    layout = layout or first_fit
    if layout is None:              # longer than page 1 at the smallest size: it flows on
        layout = (PHOTO_HEIGHTS_MM[0], *_story_layout(ctx, case, *STORY_SIZES[-1], photo_top + PHOTO_HEIGHTS_MM[0] * mm,
                                                      story_top, right_w, cols[0][1], limit))
    photo_h, gap, beside, below, rest = layout
    photo_h *= mm
    if not any(below):      # the box ends with the column beside it, not below it
        photo_h = min(photo_h, max(PHOTO_HEIGHTS_MM[0] * mm, story_top + column_height(beside) - photo_top))
    photo_bottom = photo_top + photo_h
    below_top = photo_bottom + 7 * mm

    with doc.page() as c:
        _header(c, ctx, case)
        _photo(c, ctx, case, x, photo_top, photo_h)
        if head is not None:
            head.drawOn(c, right_x, g.y(photo_top) - head.height)
        draw_text(c, ctx, ctx.words.get("story_title", **case.grammar(ctx.lang)).upper(), right_x, label_top + LABEL.pt, LABEL.pt,
                  bold=True, color=GREY)
        used = draw_column(c, ctx, beside, right_x, story_top)
        bottom = max(photo_bottom, story_top + used)
        if any(below):
            bottom = below_top + max(draw_column(c, ctx, items, cx, below_top)
                                     for items, (cx, _) in zip(below, cols))
        _demand(c, ctx, demand, bottom + 6 * mm)
        # The actions follow the demand; what room is left stays white at the foot of the page.
        _action_strip(c, ctx, case, url, min(strip_top, bottom + 6 * mm + demand_h + 8 * mm))
        _footer(c, ctx, case, doc.number)

    while rest:                       # continuation pages for a long story
        before = len(rest)
        with doc.page() as c:
            band(c, ctx, SLIM_BAND_MM * mm)
            draw_text(c, ctx, ctx.words.get("continued", name=case.name, **case.grammar(ctx.lang)), x, 9.5 * mm, LEAD.pt, bold=True,
                      max_width=g.content_width)
            top = (SLIM_BAND_MM + 8) * mm
            room = g.height - (FOOTER_MM + FOOTER_RULE_MM + 6) * mm - top
            placed, rest = fill_columns(rest, [(w, room) for _, w in cols], gap)
            for items, (cx, _) in zip(placed, cols):
                draw_column(c, ctx, items, cx, top)
            _footer(c, ctx, case, doc.number)
        if len(rest) == before:
            raise Overflow("story", "a paragraph is too long to fit any page; split it")


def _story_layout(ctx: Context, case: Case, size: float, leading: float, photo_bottom: float, story_top: float,
                  right_w: float, col_w: float, limit: float) -> tuple:
    """The story at one size beside a photo box ending at `photo_bottom`, then in two
    balanced columns down to `limit`: (gap, beside, below, rest)."""
    story = [paragraph(ctx, text, "body", fontSize=size, leading=leading)
             for text in ctx_story(ctx, case) if text.strip()]
    gap = leading * 0.5
    (beside,), rest = fill_columns(story, [(right_w, photo_bottom - story_top)], gap)
    below, rest = _balanced(rest, col_w, limit - (photo_bottom + 7 * mm), gap, leading)
    return gap, beside, below, rest


def _no_stranded_lines(below: list, leading: float) -> bool:
    """Nothing below the photo box, or at least MIN_LINES_BELOW lines there."""
    tallest = max((column_height(items) for items in below), default=0.0)
    return tallest == 0 or tallest >= MIN_LINES_BELOW * leading * 0.95


def ctx_story(ctx: Context, case: Case) -> list[str]:
    return case.story[ctx.lang].split("\n\n")


def _balanced(paras: list, width: float, room: float, gap: float, leading: float) -> tuple[list, list]:
    """Two columns of about the same height (the shortest that holds everything), or, when
    the story is longer than `room`, both columns full and the rest returned."""
    if not paras:
        return [[], []], []
    total = sum(p.wrap(width, room)[1] for p in paras) + gap * (len(paras) - 1)
    height = min(room, max(leading * 2, total / 2))
    while True:
        placed, rest = fill_columns(paras, [(width, height), (width, height)], gap)
        if not rest or height >= room:
            return placed, rest
        height = min(room, height + leading)


def _header(c, ctx: Context, case: Case) -> None:
    g = ctx.geometry
    band(c, ctx, BAND_MM * mm)
    room = g.content_width
    if ctx.config.section.logo:
        room -= (LOGO_W_MM + GUTTER_MM) * mm
        _logo(c, ctx)
    campaign_mark(c, ctx, g.margin, 7 * mm, LABEL.pt)
    size = next((s for s in steps(TITLE.pt, HEADING.pt) if string_width(ctx, case.name, True, s) <= room), None)
    if size is None:
        raise Overflow("name", f"too long for the band of the case sheet even at {HEADING.pt:g} pt; shorten it")
    draw_text(c, ctx, case.name, g.margin, 20 * mm, size, bold=True, max_width=room)
    draw_text(c, ctx, f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}".upper(), g.margin, 26 * mm,
              LABEL.pt, bold=True, max_width=room)


def _logo(c, ctx: Context) -> None:
    """The section's logo, fitted into its box at the right of the band, vertically centred."""
    g = ctx.geometry
    img = image_reader(ctx.config.section.logo)
    iw, ih = img.getSize()
    scale = min(LOGO_W_MM * mm / iw, LOGO_H_MM * mm / ih)
    w, h = iw * scale, ih * scale
    top = (BAND_MM * mm - h) / 2 + 1 * mm
    c.drawImage(img, g.right - w, g.y(top) - h, w, h, mask="auto")


def _photo(c, ctx: Context, case: Case, x: float, top: float, h: float) -> None:
    g = ctx.geometry
    w = PHOTO_W_MM * mm
    y = g.y(top) - h
    if case.photo:
        photo_box(c, case.photo, x, y, w, h)
        if case.photo_credit:
            draw_text(c, ctx, ctx.words.get("photo_credit_label", credit=case.photo_credit), x,
                      top + h + 3 * mm, CAPTION.pt, color=GREY, max_width=w)
        return
    _pull_quote(c, ctx, case, x, top, w, h)


def _pull_quote(c, ctx: Context, case: Case, x: float, top: float, w: float, h: float) -> None:
    """No photo: the headline set large on a yellow panel. Its heavy black rule, frame and
    black type carry it through a black-and-white photocopy, where the yellow turns white."""
    g = ctx.geometry
    pad = 5 * mm
    c.setFillColor(ctx.primary)
    c.setStrokeColor(black)
    c.setLineWidth(1)
    c.rect(x, g.y(top) - h, w, h, stroke=1, fill=1)
    c.setFillColor(black)
    c.rect(x, g.y(top) - 3 * mm, w, 3 * mm, stroke=0, fill=1)
    # A long name (a group's, in French) wraps onto a second line rather than shrinking away.
    name = fit_paragraph(ctx, case.name.upper(), w - 2 * pad, 2 * LABEL.leading, "label", MIN_TEXT_PT)
    if name is None:
        raise Overflow("name", "too long for the case sheet's headline panel; shorten it")
    name_top = top + h - pad - name.height
    room = name_top - (top + 3 * mm + pad) - 3 * mm
    quote = fit_paragraph(ctx, case.headline[ctx.lang], w - 2 * pad, room, "quote", 10)
    if quote is None:
        raise Overflow("headline", "too long for the case sheet; keep it to one sentence")
    quote.drawOn(c, x + pad, g.y(top + 3 * mm + pad) - quote.height)
    c.setLineWidth(1.5)
    c.line(x + pad, g.y(name_top - 2 * mm), x + pad + 12 * mm, g.y(name_top - 2 * mm))
    name.drawOn(c, x + pad, g.y(name_top) - name.height)


def _demand_paragraph(ctx: Context, case: Case):
    inner = min(ctx.geometry.content_width, DEMAND_MEASURE_MM * mm)     # ~80 characters a line
    ask = fit_paragraph(ctx, case.ask[ctx.lang], inner, 30 * mm, "ask", 9.5)
    if ask is None:
        raise Overflow("ask", "too long for the demand on the case sheet (30 mm at 9.5 pt); shorten it")
    return ask


def _demand(c, ctx: Context, ask, top: float) -> None:
    """The demand on a black bar across the page, its text on the grid's left edge."""
    g = ctx.geometry
    pad = DEMAND_PAD_MM * mm
    height = ask.height + 2 * pad + LABEL.leading
    full_width_bar(c, ctx, top, height, black)
    draw_text(c, ctx, ctx.words.get("ask_title").upper(), g.margin, top + pad + LABEL.pt, LABEL.pt, bold=True,
              color=ctx.primary)
    ask.drawOn(c, g.margin, g.y(top + pad + LABEL.leading) - ask.height)


def _action_strip(c, ctx: Context, case: Case, url: str, top: float) -> None:
    """Write / show solidarity / sign, with the deadline: one strip at the foot of the page."""
    g, w, lang, cfg = ctx.geometry, ctx.words, ctx.lang, ctx.config
    c.setStrokeColor(black)
    c.setLineWidth(2)
    c.line(g.margin, g.y(top), g.right, g.y(top))
    title_base = top + 3 * mm + SUBHEAD.pt * 0.8
    deadline_w = 0.0
    if cfg.campaign.return_by:
        deadline_w = draw_text(c, ctx, w.get("action_deadline", date=ctx.date(cfg.campaign.return_by)), g.right,
                               title_base, SUBHEAD.pt, bold=True, anchor="right")
    draw_text(c, ctx, w.get("action_title").upper(), g.margin, title_base, SUBHEAD.pt, bold=True,
              max_width=g.content_width - deadline_w - GUTTER_MM * mm)
    col_top = top + 19 * mm
    height = STRIP_HEIGHT_MM * mm - 19 * mm - 2 * mm
    sign_w = SIGN_COL_MM * mm
    sign_x = g.right - sign_w
    text_w = g.content_width - sign_w - GUTTER_MM * mm
    if case.solidarity:
        (wx, ww), (sx, sw) = g.columns(2, width=text_w)
    else:
        (wx, ww), (sx, sw) = (g.margin, text_w), (0, 0)
    steps_done = [(w.get("action_write"), wx, ww)]
    if case.solidarity:
        steps_done.append((w.get("action_solidarity"), sx, sw))
    steps_done.append((w.get("action_sign"), sign_x, sign_w))
    for n, (title, cx, cw) in enumerate(steps_done, start=1):
        _step_title(c, ctx, n, title, cx, col_top - 8 * mm, cw)

    # Write: the addressee.
    a = case.addressee
    body_top = col_top + 1 * mm
    used = _address(c, ctx, [a.name, a.title[lang], *a.address], wx, body_top, ww, height - 6 * mm,
                    "addressee")
    if a.email:
        draw_text(c, ctx, a.email, wx, body_top + used + 2 * mm + NOTE.pt, NOTE.pt, max_width=ww)
    # Show solidarity: where to send a card, and how.
    if case.solidarity:
        used = _address(c, ctx, list(case.solidarity.address), sx, body_top, sw, height / 2,
                        "solidarity.address")
        note = case.solidarity.note.get(lang)
        if note:
            room = height - used - 3 * mm
            p = fit_paragraph(ctx, note, sw, room, "small", 7)
            if p is None:
                raise Overflow("solidarity.note", "too long for the case sheet; shorten it")
            p.drawOn(c, sx, g.y(body_top + used + 2 * mm) - p.height)
    # Sign: the petition's QR code and its short URL under it.
    draw_qr(c, url, sign_x, g.y(body_top + 1 * mm + QR_MM * mm), QR_MM * mm, quiet_zone=True)
    draw_url(c, ctx, short_url(case.petition_url), sign_x, body_top + (QR_MM + 2.5) * mm, sign_w)


def _step_title(c, ctx: Context, n: int, title: str, x: float, top: float, width: float) -> None:
    """A numbered action: a black disc with the number, the verb beside it."""
    g = ctx.geometry
    r = 2.6 * mm
    c.setFillColor(black)
    c.circle(x + r, g.y(top + r), r, stroke=0, fill=1)
    draw_text(c, ctx, str(n), x + r, top + r + 3, LABEL.pt + 0.5, bold=True, color=ctx.primary, anchor="center")
    draw_text(c, ctx, title, x + 2 * r + 2 * mm, top + r + 3.8, 11, bold=True, max_width=width - 2 * r - 2 * mm)


def _address(c, ctx: Context, lines: list[str], x: float, top: float, width: float, height: float,
             field: str) -> float:
    """Address lines wrapped in their column at 9 pt, or down the scale to 8 pt; returns the height."""
    p = fit_address(ctx, lines, width, height, size=9, min_size=8)
    if p is None:
        raise Overflow(field, f"too long for its column on the case sheet ({width / mm:.0f} × "
                       f"{height / mm:.0f} mm at 8 pt); use fewer or shorter lines")
    p.drawOn(c, x, ctx.geometry.y(top) - p.height)
    return p.height


def _footer(c, ctx: Context, case: Case, page: int) -> None:
    cfg = ctx.config
    footer(c, ctx, f"{cfg.section.name} · {cfg.campaign.title.get(ctx.lang, '')} {cfg.campaign.year}",
           cfg.section.website, page=page)
