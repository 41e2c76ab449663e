"""Play a small season's end through the real commands and render the README's images of
the results report and a certificate (docs/results-*.png, docs/certificate-*.png).

usage: python examples/previews/make_results_previews.py [--all]   (from the repository root)
  --all   also keeps every page in every language and a black-and-white (threshold) render
          of each under /tmp/w4r-results-previews, for looking at them
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOCS = ROOT / "docs"
WIDTH_PX = 620
LOOK = Path(tempfile.gettempdir()) / "w4r-results-previews"

GROUPS = """id,name,lang,sheets,cases,audience,contact
lycee-aline-mayrisch-5b,Lycée Aline Mayrisch – 5B,fr,2,sebnem-korur-fincanci dang-dinh-bach,youth,
ecole-bonnevoie-c4,École fondamentale Bonnevoie – C4.1,lb,2,kyung-seok-park,youth,
lycee-michel-rodange-2a,Lycée Michel-Rodange – 2A,en,2,sebnem-korur-fincanci,youth,
groupe-esch,Groupe local Esch-sur-Alzette,fr,3,maryia-kalesnikava joel-paredes,adult,
klass-6g,Klass 6G Athénée,lb,1,kyung-seok-park,youth,
ettelbruck,Amnesty-Grupp Ettelbréck,lb,2,oqba-hashad,adult,
"""
LETTERS = {"groupe-esch": 46, "lycee-aline-mayrisch-5b": 38, "ecole-bonnevoie-c4": 38, "lycee-michel-rodange-2a": 21,
           "ettelbruck": 12}


def run(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "w4r_kit", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    keep_all = "--all" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = tmp / "kit"
        project.mkdir()
        for name in ("kit.toml",):
            shutil.copy(ROOT / name, project)
        for name in ("cases", "letter_templates"):
            shutil.copytree(ROOT / name, project / name)
        (tmp / "groups.csv").write_text(GROUPS, encoding="utf-8")
        env = dict(os.environ, W4R_KIT_DB=f"sqlite:///{tmp / 'registry.sqlite'}", SOURCE_DATE_EPOCH="1738281600",
                   PYTHONPATH=str(ROOT))
        run("signatures", "--groups", str(tmp / "groups.csv"), "--project", str(project), env=env)
        manifest = list(csv.DictReader(open(project / "dist/signatures/manifest.csv", encoding="utf-8")))
        sys.path.insert(0, str(ROOT))
        os.environ["W4R_KIT_DB"] = env["W4R_KIT_DB"]
        from w4r_kit.project import Project
        from w4r_kit.registry import Registry
        with Registry.open(Project.at(project, None)) as reg:
            for page, row in enumerate(manifest, 1):
                if row["group_id"] != "klass-6g":
                    reg.record_scan(row["sheet_id"], "scan-2025-01-31.pdf", page, 6 + page * 7 % 9, page % 4, 2,
                                    "read")
        counts = tmp / "counts.csv"
        counts.write_text("group,letters\n" + "".join(f"{g},{n}\n" for g, n in LETTERS.items()), encoding="utf-8")
        run("returns", "add", "--from", str(counts), "--project", str(project), env=env)
        export = tmp / "export.csv"
        with open(export, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["date", "email", "utm_content"])
            for i, row in enumerate(manifest[::2]):
                writer.writerow([f"2024-12-{10 + i}", f"signer{i}@example.org", row["url"].split("utm_content=")[1]])
            writer.writerow(["2024-12-31", "someone@example.org", ""])
        run("returns", "online", str(export), "--project", str(project), env=env)
        run("results", "--project", str(project), env=env)
        out = project / "dist" / "results"
        DOCS.mkdir(exist_ok=True)
        _render(out / "results-en.pdf", 0, DOCS / "results-en.png")
        _render(out / "certificates" / "groupe-esch.pdf", 0, DOCS / "certificate-fr.png")
        if keep_all:
            LOOK.mkdir(exist_ok=True)
            pdfs = [out / f"results-{lang}.pdf" for lang in ("fr", "en", "lb")]
            pdfs += sorted((out / "certificates").glob("*.pdf"))
            for pdf in pdfs:
                for index in range(len(pdfium.PdfDocument(str(pdf)))):
                    _render(pdf, index, LOOK / f"{pdf.stem}-{index + 1}.png", threshold=True)
            shutil.copytree(out, LOOK / "results", dirs_exist_ok=True)


def _render(pdf: Path, index: int, target: Path, threshold: bool = False) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[index]
    image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
    image.convert("P", palette=1, colors=64).save(target, optimize=True)
    if threshold:
        # What a black-and-white copier makes of it: every pixel black or white at 50 %.
        image.convert("L").point(lambda v: 255 if v > 127 else 0, "1").save(
            target.with_name(target.stem + "-bw.png"), optimize=True)
    doc.close()


if __name__ == "__main__":
    main()
