"""Render the README's preview images: the first page of each artefact, per language,
the advice and successes pages, a sheet of solidarity cards (front and back) and the
event poster.

usage: python examples/previews/make_previews.py   (from the repository root)
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WIDTH_PX = 300


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "w4r_kit", "build", "--project", str(ROOT), "--out", out],
                       check=True)
        for lang in ("fr", "en", "lb"):
            path = Path(out) / f"kit-{lang}.pdf"
            reader = PdfReader(str(path))
            top = [item for item in reader.outline if not isinstance(item, list)]
            children = next(item for item in reader.outline if isinstance(item, list))    # the first case's
            pages = {"cover": reader.get_destination_page_number(top[0]),
                     "advice": reader.get_destination_page_number(top[1]),
                     "successes": reader.get_destination_page_number(top[2])}
            for name, item in zip(("case-sheet", "letter", "letterhead", "signature-sheet"), children):
                pages[name] = reader.get_destination_page_number(item)
            cases_with_cards = [item for item in reader.outline if isinstance(item, list) and len(item) > 4]
            cards = reader.get_destination_page_number(cases_with_cards[0][4])
            pages["cards-front"], pages["cards-back"] = cards, cards + 1
            _render(path, pages, lang)
            subprocess.run([sys.executable, "-m", "w4r_kit", "poster", "--project", str(ROOT), "--out", out,
                            "--lang", lang], check=True)
            _render(Path(out) / f"poster-{lang}.pdf", {"poster": 0}, lang)


def _render(path: Path, pages: dict[str, int], lang: str) -> None:
    pdf = pdfium.PdfDocument(str(path))
    for name, index in pages.items():
        page = pdf[index]
        image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
        image.convert("P", palette=1, colors=64).save(HERE / f"{name}-{lang}.png", optimize=True)
    pdf.close()


if __name__ == "__main__":
    main()
