"""Lay-out stage, artefact 2: the case sheet (SPEC §6.2).

Page 1: band with the name, photo (or placeholder) beside the headline, the story,
then a fixed bottom zone: the ask, the addressee, the solidarity address and the
petition QR code. A story longer than page 1 flows onto continuation pages.
"""
from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.platypus import Frame, Spacer

from ..model import Case
from ..tracking import short_url
from .furniture import draw_url
from .common import (GREY, LIGHT, Context, Document, band, campaign_mark, fit_address,
                     draw_qr, draw_text, fit_paragraph, footer, image_reader,
                     paragraph, string_width)
from .overflow import Overflow

NAME_BAND_MM = 34
PHOTO_W_MM, PHOTO_H_MM = 58, 72
GUTTER_MM = 6
QR_MM = 24                  # SPEC §7: >= 20 mm
BOTTOM_BLOCK_MM = 44        # addressee / solidarity / QR row
ASK_PAD_MM = 4


def draw(doc: Document, ctx: Context, case: Case, url: str) -> None:
    g, w, lang = ctx.geometry, ctx.words, ctx.lang
    x = g.margin
    story = [paragraph(ctx, para, "body") for para in case.story[lang].split("\n\n") if para.strip()]
    for i in range(len(story) - 1, 0, -1):
        story.insert(i, Spacer(1, 5))

    with doc.page() as c:
        _header(c, ctx, case)
        photo_top = (NAME_BAND_MM + 8) * mm
        _photo(c, ctx, case, x, photo_top)

        # Right of the photo: the headline, then the story begins.
        right_x = x + (PHOTO_W_MM + GUTTER_MM) * mm
        right_w = g.width - g.margin - right_x
        head = fit_paragraph(ctx, case.headline[lang], right_w, 40 * mm, "lead", 10)
        if head is None:
            raise Overflow("headline", "too long for the case sheet; keep it to one sentence")
        head_h = head.wrap(right_w, 40 * mm)[1]
        head.drawOn(c, right_x, g.y(photo_top) - head_h)
        label_top = photo_top + head_h + 6 * mm
        draw_text(c, ctx, w.get("story_title").upper(), right_x, label_top + 8, 8, bold=True, color=GREY)

        bottom_top = _bottom_zone(c, ctx, case, url)
        story_top = label_top + 13
        photo_bottom = photo_top + PHOTO_H_MM * mm + 6 * mm
        frames = [Frame(right_x, g.y(photo_bottom), right_w, photo_bottom - story_top, 0, 0, 0, 0)]
        frames.append(Frame(x, g.y(bottom_top - 5 * mm), g.content_width,
                            bottom_top - 5 * mm - photo_bottom, 0, 0, 0, 0))
        for frame in frames:
            frame.addFromList(story, c)
        _footer(c, ctx, case)

    while story:                       # continuation pages for a long story
        before = len(story)
        with doc.page() as c:
            band(c, ctx, 16 * mm)
            draw_text(c, ctx, w.get("continued", name=case.name), x, 11 * mm, 12, bold=True,
                      max_width=g.content_width)
            Frame(x, 22 * mm, g.content_width, g.height - 44 * mm, 0, 0, 0, 0).addFromList(story, c)
            _footer(c, ctx, case)
        if len(story) == before and story:
            raise Overflow("story", "a paragraph is too long to fit any page; split it")


def _header(c, ctx: Context, case: Case) -> None:
    g = ctx.geometry
    band(c, ctx, NAME_BAND_MM * mm)
    campaign_mark(c, ctx, g.margin, 8 * mm, 8)
    size = 26
    width = string_width(ctx, case.name, True, size)
    if width > g.content_width:
        size = max(16, size * g.content_width / width)
    draw_text(c, ctx, case.name, g.margin, 22 * mm, size, bold=True, max_width=g.content_width)
    draw_text(c, ctx, f"{case.country[ctx.lang]} – {case.theme[ctx.lang]}".upper(), g.margin, 29.5 * mm, 9,
              bold=True, max_width=g.content_width)


def _photo(c, ctx: Context, case: Case, x: float, top: float) -> None:
    g = ctx.geometry
    w, h = PHOTO_W_MM * mm, PHOTO_H_MM * mm
    y = g.y(top) - h
    if case.photo:
        img = image_reader(case.photo, keep_alpha=False)    # the photo box is opaque: alpha on white
        iw, ih = img.getSize()
        scale = max(w / iw, h / ih)          # fill the box, centred crop
        c.saveState()
        path = c.beginPath()
        path.rect(x, y, w, h)
        c.clipPath(path, stroke=0, fill=0)
        c.drawImage(img, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2, iw * scale, ih * scale)
        c.restoreState()
        if case.photo_credit:
            draw_text(c, ctx, ctx.words.get("photo_credit_label", credit=case.photo_credit), x,
                      top + h + 8, 6.5, color=GREY, max_width=w)
        return
    # Placeholder: a quiet grey panel with the person's initials on a brand-coloured disc.
    c.setFillColor(LIGHT)
    c.rect(x, y, w, h, stroke=0, fill=1)
    initials = "".join(part[0] for part in case.name.replace("-", " ").split()[:2] if part[:1].isalpha()).upper()
    r = 17 * mm
    c.setFillColor(ctx.primary)
    c.circle(x + w / 2, y + h / 2 + 4 * mm, r, stroke=0, fill=1)
    draw_text(c, ctx, initials or "?", x + w / 2, g.height - (y + h / 2 + 4 * mm) + 9, 26, bold=True,
              color=black, anchor="center")
    draw_text(c, ctx, ctx.words.get("photo_placeholder"), x + w / 2, top + h - 7 * mm, 8, color=GREY,
              anchor="center")


def _bottom_zone(c, ctx: Context, case: Case, url: str) -> float:
    """Ask box and the addressee / solidarity / QR row; returns the zone's top (pt from top)."""
    g, w, lang = ctx.geometry, ctx.words, ctx.lang
    x = g.margin
    row_top = g.height - (FOOTER_ROOM_MM + BOTTOM_BLOCK_MM) * mm
    pad = ASK_PAD_MM * mm
    inner = g.content_width - 2 * pad
    ask = fit_paragraph(ctx, case.ask[lang], inner, 30 * mm, "ask", 9)
    if ask is None:
        raise Overflow("ask", "too long for the box on the case sheet (30 mm at 9 pt); shorten it")
    ask_h = ask.wrap(inner, 30 * mm)[1]
    box_h = ask_h + 2 * pad + 12
    box_top = row_top - 5 * mm - box_h
    c.setFillColor(black)
    c.rect(-g.bleed, g.y(box_top + box_h), g.width + 2 * g.bleed, box_h, stroke=0, fill=1)
    draw_text(c, ctx, w.get("ask_title").upper(), x + pad, box_top + pad + 7, 8, bold=True, color=ctx.primary)
    ask.drawOn(c, x + pad, g.y(box_top + pad + 12) - ask_h)

    col_w = (g.content_width - 2 * GUTTER_MM * mm - (QR_MM + 8) * mm) / 2
    # Addressee
    draw_text(c, ctx, w.get("write_to").upper(), x, row_top + 8, 8, bold=True, color=GREY)
    a = case.addressee
    lines = [a.name, a.title[lang], *a.address]
    wide = col_w if case.solidarity else 2 * col_w + GUTTER_MM * mm
    _address_fit(c, ctx, lines, x, row_top + 12, wide, BOTTOM_BLOCK_MM * mm - 24, "addressee")
    if a.email:
        draw_text(c, ctx, a.email, x, row_top + (BOTTOM_BLOCK_MM - 4) * mm, 8, color=GREY, max_width=col_w)
    # Solidarity
    if case.solidarity:
        sx = x + col_w + GUTTER_MM * mm
        draw_text(c, ctx, w.get("solidarity_title").upper(), sx, row_top + 8, 8, bold=True, color=GREY,
                  max_width=col_w)
        used = _address_fit(c, ctx, list(case.solidarity.address), sx, row_top + 12, col_w,
                            BOTTOM_BLOCK_MM * mm / 2, "solidarity.address")
        note = case.solidarity.note.get(lang)
        if note:
            room = BOTTOM_BLOCK_MM * mm - 12 - used - 4
            p = fit_paragraph(ctx, note, col_w, room, "small", 6.5)
            if p is None:
                raise Overflow("solidarity.note", "too long for the case sheet; shorten it")
            ph = p.wrap(col_w, room)[1]
            p.drawOn(c, sx, g.y(row_top + 12 + used + 4) - ph)
    # Petition QR code with the short address under it
    qx = g.width - g.margin - QR_MM * mm
    draw_text(c, ctx, w.get("petition_title").upper(), g.width - g.margin, row_top + 8, 8, bold=True,
              color=GREY, anchor="right")
    qr_top = row_top + 12 + 2.5 * mm          # below the label, clear of the quiet zone
    draw_qr(c, url, qx, g.y(qr_top + QR_MM * mm), QR_MM * mm)
    draw_url(c, ctx, short_url(case.petition_url), g.width - g.margin, qr_top + QR_MM * mm + 2.5 * mm,
             (QR_MM + 20) * mm, anchor="right")
    return box_top


FOOTER_ROOM_MM = 16


def _address_fit(c, ctx: Context, lines: list[str], x: float, top: float, width: float, height: float,
                 field: str) -> float:
    """Address lines wrapped in their column at 9 pt, or smaller down to 7 pt; returns the height."""
    p = fit_address(ctx, lines, width, height)
    if p is None:
        raise Overflow(field, f"too long for its column on the case sheet ({width / mm:.0f} × "
                       f"{height / mm:.0f} mm at 7 pt); use fewer or shorter lines")
    h = p.wrap(width, height)[1]
    p.drawOn(c, x, ctx.geometry.y(top) - h)
    return h


def _footer(c, ctx: Context, case: Case) -> None:
    cfg = ctx.config
    footer(c, ctx, f"{cfg.section.name} · {cfg.campaign.title.get(ctx.lang, '')} {cfg.campaign.year}",
           cfg.section.website)

