"""Render the README's image of a review page (docs/review-page.png): a group's sheets issued
into a registry of their own, written on and scanned by the seeded simulator of the tests
(tests/scansim.py, a greyscale 150 dpi copier), read by `returns scan`, and the first page
of the review file it writes.

usage: python examples/previews/make_review_preview.py   (from the repository root)
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WIDTH_PX = 600
GROUP = ("michel-rodange-3eb", "Lycée Michel-Rodange 3e B", "fr", 4, "sebnem-korur-fincanci", "adult")


def main() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["W4R_KIT_DB"] = f"sqlite:///{tmp / 'registry.sqlite'}"
        import scansim
        from w4r_kit.project import Project
        from w4r_kit.returns.scan import scan
        project = scansim.make_project(tmp / "kit")
        manifest = scansim.issue_packs(project, [GROUP])
        # Odd rows (both boxes ticked, a filled box) on one in eight rows: the review file has work.
        stack = scansim.scan_stack(project, manifest, tmp / "scans" / "2025-01-31.pdf", "grey-150", seed=4,
                                   backs=0, duplicate=False, letter=False, photo_page=False, odd_rate=0.12)
        os.chdir(tmp)                       # the file is named as staff would name it
        result = scan(Project.at(project, tmp / "out"), [Path("scans/2025-01-31.pdf")])
        if result.review_file is None:
            sys.exit("nothing went to review with this seed: choose another")
        doc = pdfium.PdfDocument(str(result.review_file))
        page = doc[0]
        image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
        image.convert("P", palette=1, colors=64).save(ROOT / "docs" / "review-page.png", optimize=True)
        doc.close()


if __name__ == "__main__":
    main()
