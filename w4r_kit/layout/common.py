"""The layout modules' names as they were before the split, for imports that still use them.

New code imports from the module that owns a name:
  typescale  sizes, leading, paragraph styles, inks (MIN_TEXT_PT, BODY, CAPTION, GREY ...)
  grid       paper, margins, columns, bands, envelope window, safe area (Geometry ...)
  text       typeset, paragraphs, lines, addresses
  furniture  bands, footers, campaign mark, QR codes, fold marks, window address
  document   Document, Metadata, stamping; context: Context
"""
from __future__ import annotations

from .context import Context
from .document import Document, Metadata, build_time, crop_marks, image_reader, stamp_pdf
from .furniture import (QR_QUIET_MODULES, band, campaign_mark, draw_qr, fold_marks, footer, sender_lines,
                        titled_band, window_address)
from .grid import (BAND_MM, CROP_MARK_GAP_MM, CROP_MARK_LEN_MM, CROP_MARK_ROOM_MM, ENVELOPES, FOLD_MARKS,
                   FOOTER_MM, GUTTER_MM, MARGIN_MM, OFFICE_SAFE_MM, PAPER_SIZES, SLIM_BAND_MM, Envelope,
                   Geometry)
from .text import (address_markup, draw_address, draw_paragraph, draw_text, fit_address,
                   fit_paragraph, markup, paragraph, string_width, typeset)
from .typescale import GREY, LIGHT, MIN_TEXT_PT, RULE, TBC_RED, make_styles

__all__ = [name for name in dir() if not name.startswith("_") and name != "annotations"]
