"""Text on the page: language typography (quotes, French spacing), paragraphs laid out
once per context, single lines and postal addresses, all in the sizes of the type scale."""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from ..strings import package_typography
from ..typography import Typography, typeset as _typeset
from .context import Context
from .grid import Geometry
from .overflow import Overflow
from .typescale import MIN_TEXT_PT, TBC_RED, steps

_TBC = re.compile(r"^\[.*\]$")   # an address line such as "[address to be confirmed]"

def typeset(text: str, typography: Typography | str) -> str:
    """The language's typography (from its words file, see w4r_kit.typography) on plain text;
    a bare language code uses the package's words for it."""
    if isinstance(typography, str):
        typography = package_typography(typography)
    return _typeset(text, typography)


def markup(text: str, lang: Typography | str) -> str:
    """Plain text -> reportlab paragraph markup: escaped once, here (a `&` or `<` prints)."""
    return escape(typeset(text, lang))


def paragraph(ctx: Context, text: str, style: str = "body", **overrides) -> Paragraph:
    st = ctx.styles[style]
    if overrides:
        st = ParagraphStyle(f"{style}-x", parent=st, **overrides)
    return Paragraph(markup(ctx.protect(text), ctx.words.typography), st)


def draw_paragraph(c: Canvas, ctx: Context, text: str, x: float, top: float, width: float,
                   style: str = "body", **overrides) -> float:
    """Draw plain `text` with its top at `top` (pt from the top edge); return its height."""
    key = ("draw", text, width, style, tuple(sorted(overrides.items())))
    p = ctx.fitted.get(key)
    if p is None:                       # laid out once per context (see Context.fitted)
        p = ctx.fitted[key] = paragraph(ctx, text, style, **overrides)
        p.wrap(width, ctx.geometry.height)
    p.drawOn(c, x, ctx.geometry.y(top) - p.height)
    return p.height


def fit_paragraph(ctx: Context, text: str, width: float, height: float, style: str,
                  min_size: float, **overrides) -> Paragraph | None:
    """The paragraph at the largest size (down to `min_size`) that fits the box, else None.

    The result is already wrapped to `width` (its height is `.height`) and is remembered
    per context, since reportlab paragraphs can be drawn again on any canvas.
    """
    key = (text, width, height, style, min_size, tuple(sorted(overrides.items())))
    if key in ctx.fitted:
        return ctx.fitted[key]
    st = ParagraphStyle(f"{style}-fit", parent=ctx.styles[style], **overrides) if overrides else ctx.styles[style]
    found = None
    font = st.fontName
    words = re.split(r"[ \t\n]+", typeset(ctx.protect(text), ctx.words.typography))   # a protected name is one word
    widest = max((stringWidth(word, font, 1) for word in words), default=0)
    for size in steps(st.fontSize, min_size):      # down the type scale, never below MIN_TEXT_PT
        if widest * size > width:      # smaller rather than a word cut in two
            continue
        p = paragraph(ctx, text, style, **{**overrides, "fontSize": size,
                                           "leading": size * st.leading / st.fontSize})
        if p.wrap(width, height)[1] <= height:
            found = p
            break
    ctx.fitted[key] = found
    return found


def string_width(ctx: Context, text: str, bold: bool, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    return stringWidth(text, ctx.fonts.bold if bold else ctx.fonts.regular, size)


def draw_text(c: Canvas, ctx: Context, text: str, x: float, top: float, size: float,
              bold: bool = False, color: Color | None = None, anchor: str = "left",
              max_width: float | None = None) -> float:
    """One line with its baseline at `top`; shrunk (never cut) to fit `max_width`, or else the
    page's margins. Returns the width. A line that would need to shrink below MIN_TEXT_PT
    raises Overflow instead (SPEC §9: text never silently disappears)."""
    source = text
    text = typeset(text, ctx.words.typography)
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    width = string_width(ctx, text, bold, size)
    room = max_width or _room(ctx.geometry, x, anchor)
    if room and width > room:
        if size * room / width < MIN_TEXT_PT:
            shown = source if len(source) <= 40 else source[:39] + "…"
            raise Overflow("", f"'{shown}' does not fit its line even at {MIN_TEXT_PT} pt; shorten it",
                           text=source)
        size *= room / width
        width = room
    c.setFont(font, size)
    c.setFillColor(color or ctx.text)
    y = ctx.geometry.y(top)
    if anchor == "right":
        c.drawRightString(x, y, text)
    elif anchor == "center":
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)
    return width


def _room(g: Geometry, x: float, anchor: str) -> float | None:
    """The width from `x` to the page margin(s) for this anchor; None outside the margins."""
    right = g.width - g.margin
    room = {"right": x - g.margin, "center": 2 * min(x - g.margin, right - x)}.get(anchor, right - x)
    return room if room > 0 else None


def draw_address(c: Canvas, ctx: Context, lines: list[str], x: float, top: float, size: float = 10,
                 bold_first: bool = True, leading: float | None = None) -> float:
    """Postal lines; a line in [brackets] is printed in red as a visible 'to be confirmed'."""
    leading = leading or size * 1.25
    y = top + size
    for i, line in enumerate(lines):
        if _TBC.match(line):
            label = "[" + ctx.words.get("to_be_confirmed") + "]" if "confirm" in line.lower() else line
            draw_text(c, ctx, label, x, y, size * 0.9, bold=True, color=TBC_RED)
        else:
            draw_text(c, ctx, line, x, y, size, bold=bold_first and i == 0)
        y += leading
    return y - top - leading + size * 0.3


def address_markup(ctx: Context, lines: list[str]) -> str:
    """Address lines as one paragraph: first line bold, [to be confirmed] lines in red."""
    out = []
    for i, line in enumerate(lines):
        if _TBC.match(line):
            label = "[" + ctx.words.get("to_be_confirmed") + "]" if "confirm" in line.lower() else line
            out.append(f'<font name="{ctx.fonts.bold}" color="#C4001A">{markup(label, ctx.words.typography)}</font>')
        elif i == 0:
            out.append(f'<font name="{ctx.fonts.bold}">{markup(ctx.protect(line), ctx.words.typography)}</font>')
        else:
            out.append(markup(ctx.protect(line), ctx.words.typography))
    return "<br/>".join(out)


def fit_address(ctx: Context, lines: list[str], width: float, height: float, size: float = 9,
                min_size: float = 7) -> Paragraph | None:
    """Address lines wrapped into a box, shrunk down to `min_size`; None if they never fit."""
    key = ("address", tuple(lines), width, height, size, min_size)
    if key in ctx.fitted:
        return ctx.fitted[key]
    text = address_markup(ctx, lines)
    found = None
    for step in steps(size, min_size):
        st = ParagraphStyle("addr-fit", parent=ctx.styles["address"], fontSize=step, leading=step * 1.22)
        p = Paragraph(text, st)
        if p.wrap(width, height)[1] <= height:
            found = p
            break
    ctx.fitted[key] = found
    return found




def fill_columns(paras: list, boxes: list[tuple[float, float]], gap: float) -> tuple[list[list], list]:
    """Flow paragraphs into boxes (width, height) one after the other, as frames would, but
    without drawing: returns, per box, the (paragraph, space above) it holds, and what is left.
    Paragraphs split between boxes by their own rules (no widows, no orphans)."""
    todo = list(paras)
    placed: list[list] = []
    for width, height in boxes:
        items, room = [], height
        while todo:
            p, above = todo[0], (gap if items else 0.0)
            h = p.wrap(width, max(room - above, 0.0))[1]
            if h <= room - above + 1e-6:
                items.append((p, above))
                room -= h + above
                todo.pop(0)
                continue
            parts = p.split(width, room - above) if room - above > 0 else []
            if len(parts) >= 2:
                parts[0].wrap(width, room - above)
                items.append((parts[0], above))
                todo[0:1] = parts[1:]
            break
        placed.append(items)
    return placed, todo


def column_height(items: list) -> float:
    return sum(p.height + above for p, above in items)


def draw_column(c: Canvas, ctx: Context, items: list, x: float, top: float) -> float:
    """Draw what fill_columns put in one box, from `top` down; returns the height used."""
    y = top
    for p, above in items:
        y += above
        p.drawOn(c, x, ctx.geometry.y(y) - p.height)
        y += p.height
    return y - top
