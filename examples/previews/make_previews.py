"""Render the README's preview images: the first page of each artefact, per language.

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
            children = reader.outline[2] if isinstance(reader.outline[2], list) else []
            pages = {"cover": reader.get_destination_page_number(top[0])}
            for name, item in zip(("case-sheet", "letter", "letterhead", "signature-sheet"), children):
                pages[name] = reader.get_destination_page_number(item)
            pdf = pdfium.PdfDocument(str(path))
            for name, index in pages.items():
                page = pdf[index]
                image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
                image.convert("P", palette=1, colors=64).save(HERE / f"{name}-{lang}.png", optimize=True)
            pdf.close()


if __name__ == "__main__":
    main()
