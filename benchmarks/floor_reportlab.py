"""The practical floor of the stack: a minimal hand-written reportlab script that draws
the same signature sheet as `w4r-kit signatures`, as fast as we know how.

Static part once in a form XObject; per sheet only the footer line and the QR code
(batch-encoded with w4r_kit.qr, drawn as one path of rectangles); plain Flate streams.
No validation, no words catalog, no layout engine, no manifest.

usage: python benchmarks/floor_reportlab.py N OUTPUT.pdf [FILES]
       with FILES > 1, the N sheets are split into that many files OUTPUT-1.pdf … (each
       with its own fonts and form, as `w4r-kit signatures` writes one file per group)
"""
from __future__ import annotations

import sys

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from w4r_kit import qr
from w4r_kit.layout.fonts import default_font_files

rl_config.useA85 = 0
W, H = A4
URL = ("https://www.amnesty.lu/w4r/2024/sebnem-korur-fincanci?utm_source=amnesty-lu&utm_medium=print"
       "&utm_campaign=w4r-2024&utm_content=school-{school:04d}-{sheet}")
COLS = ((8, "N°"), (45, "Nom et prénom"), (47, "E-mail"), (29, "Ville"), (37, "Signature"), (24, "Infos"))


def static(c: Canvas) -> None:
    c.setFillColorRGB(1, 1, 0)
    c.rect(0, H - 30 * mm, W, 30 * mm, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.setFont("B", 8)
    c.drawString(18 * mm, H - 7 * mm, "MARATHON DES LETTRES 2024")
    c.setFont("B", 17)
    c.drawString(18 * mm, H - 20 * mm, "Pétition — Şebnem Korur Fincancı")
    c.setFont("R", 9.5)
    c.drawString(18 * mm, H - 40 * mm, "Nous, soussigné·e·s, demandons : abandonnez toutes les charges contre elle.")
    top = H - 50 * mm
    c.setFillColorRGB(0.1, 0.1, 0.1)
    c.rect(18 * mm, top - 8 * mm, 174 * mm, 8 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont("B", 7.5)
    x = 18 * mm
    for width, label in COLS:
        c.drawString(x + 1.5, top - 5.5 * mm, label)
        x += width * mm
    c.setFillColorRGB(0, 0, 0)
    c.setLineWidth(0.5)
    rows_top = top - 8 * mm
    for r in range(16):
        y = rows_top - r * 11 * mm
        c.line(18 * mm, y, 192 * mm, y)
    x = 18 * mm
    for width, _ in COLS:
        c.line(x, rows_top, x, rows_top - 165 * mm)
        x += width * mm
    c.line(192 * mm, rows_top, 192 * mm, rows_top - 165 * mm)
    c.setFont("R", 8)
    for r in range(15):
        c.drawCentredString(22 * mm, rows_top - r * 11 * mm - 6.5 * mm, str(r + 1))
        c.rect(170 * mm, rows_top - r * 11 * mm - 7 * mm, 3.2 * mm, 3.2 * mm)
        c.rect(182 * mm, rows_top - r * 11 * mm - 7 * mm, 3.2 * mm, 3.2 * mm)
    c.setFont("R", 7)
    c.drawString(18 * mm, 40 * mm, "Protection des données : Amnesty International Luxembourg traite vos données…")
    c.drawString(18 * mm, 36 * mm, "À renvoyer avant le 31 janvier 2025 à : Amnesty International Luxembourg, B.P. 1914")


def write(out: str, urls: list[str], first: int, matrices) -> None:
    c = Canvas(out, pagesize=A4, initialFontName="R", pdfVersion=(1, 4))
    c.beginForm("static")
    static(c)
    c.endForm()
    size = 24 * mm
    for i, matrix in enumerate(matrices, start=first):
        c.doForm("static")
        c.setFont("B", 8.5)
        c.drawString(18 * mm, 12 * mm, f"École {i // 50} — feuille {i % 50 + 1} / 50")
        m = size / matrix.size
        c.addLiteral(f"q 0 g {m:.5f} 0 0 {m:.5f} {168 * mm:.3f} {16 * mm:.3f} cm {matrix.pdf_path_ops()} Q")
        c.showPage()
    c.save()


def main() -> None:
    n, out = int(sys.argv[1]), sys.argv[2]
    files = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    regular, bold = default_font_files()
    pdfmetrics.registerFont(TTFont("R", str(regular)))
    pdfmetrics.registerFont(TTFont("B", str(bold)))
    urls = [URL.format(school=i // 50, sheet=i % 50 + 1) for i in range(n)]
    matrices = qr.encode_many(urls)
    per_file = -(-n // files)
    for f in range(files):
        start = f * per_file
        target = out if files == 1 else out.replace(".pdf", f"-{f + 1}.pdf")
        write(target, urls, start, matrices[start:start + per_file])


if __name__ == "__main__":
    main()
