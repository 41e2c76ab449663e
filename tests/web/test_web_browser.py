"""The self-service page in a real browser (Debian's Chromium driven by Playwright), against
`w4r-kit serve` running in a subprocess: what a visitor and a staff member see and get."""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pdfcheck import page_texts, qr_codes
from w4r_kit.registry import IssuedSheet, Registry
from w4r_kit.web import i18n

from .conftest import STAFF_NAME, STAFF_PASSWORD

CASE = "dang-dinh-bach"
SCREENSHOTS = os.environ.get("W4R_KIT_SCREENSHOTS")      # a folder: the README's screenshots go there


def registry(project: Path) -> Registry:
    """The registry the server writes to: the project's own (the test run points W4R_KIT_DB
    elsewhere for the CLI tests; the server is started without it)."""
    return Registry.open_url(f"sqlite:///{project / 'registry.sqlite'}")


def screenshot(page, tmp_path: Path, name: str, full_page: bool = True) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=full_page)
    return path


def submit_for_download(page, button: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def submit_for_page(page, button: str, path: str):
    with page.expect_response(lambda r: urlsplit(r.url).path == path) as info:
        page.click(button)
    page.wait_for_load_state()
    return info.value


def sign_in(page, server, password: str = STAFF_PASSWORD):
    page.goto(server.url + "/staff/login")
    page.fill("#name", STAFF_NAME)
    page.fill("#password", password)
    return submit_for_page(page, "form[action='/staff/login'] button", "/staff/login")


@pytest.mark.parametrize("lang", ["fr", "en", "lb"])
def test_a_visitor_gets_a_tracked_pack_in_each_language(page, server, tmp_path, lang):
    words = i18n.words(lang)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/?ui={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert page.text_content("h1").strip() == words["site_subtitle"]
    if lang == "fr":
        screenshot(page, tmp_path, "form-desktop.png")

    name = f"Klass 5B – {lang.upper()}"
    page.check(f"#case-{CASE}")
    page.check(f"#lang-{lang}")
    page.fill("#name", name)
    page.check("#audience-youth" if lang == "lb" else "#audience-adult")
    page.fill("#sheets", "2")
    page.fill("#contact", f"teacher-{lang}@example.org")
    pdf = submit_for_download(page, "form[action^='/pack'] button[type=submit]", tmp_path)
    assert pdf.name == f"klass-5b-{lang}-{lang}.pdf"            # the CLI's slug rule, never the raw name

    # The pack: collector's page, case sheet, letter, writing paper, 2 sheets, return form.
    texts = page_texts(pdf)
    assert len(texts) == 7
    assert name in texts[0] and f"teacher-{lang}@example.org" in texts[0]

    [pack] = registry(server.project).packs(group=name)
    assert (pack.route, pack.lang, pack.cases, pack.sheets, pack.contact) == \
        ("web", lang, (CASE,), 2, f"teacher-{lang}@example.org")
    assert pack.audience == ("youth" if lang == "lb" else "adult")
    recorded = registry(server.project).sheets(pack.id)
    decoded = {url for sheet in recorded for url in qr_codes(pdf, sheet.page - 1)}
    assert decoded == {sheet.url for sheet in recorded}
    for sheet in recorded:
        query = parse_qs(urlsplit(sheet.url).query)
        assert query["utm_content"] == [f"{pack.group_id}-{sheet.number}"]
        assert f"{sheet.sheet_id}" in texts[sheet.page - 1] and name in texts[sheet.page - 1]

    # ... and it is on the staff page, contact included, once signed in.
    assert sign_in(page, server).status == 303
    page.goto(f"{server.url}/staff?group={pack.group_id}")
    rows = page.locator("table.packs tbody tr")
    assert rows.count() == 1
    assert name in rows.inner_text() and f"teacher-{lang}@example.org" in rows.inner_text()


def test_the_form_on_a_phone_and_with_bad_input(page, server, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/?ui=en")
    # One column: the upload card sits under the pack form, not beside it.
    form_box = page.locator("form[action^='/pack']").bounding_box()
    upload_box = page.locator("form[action^='/groups']").bounding_box()
    assert upload_box["y"] > form_box["y"] + form_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, tmp_path, "form-phone.png")

    before = len(registry(server.project).packs())
    page.check(f"#case-{CASE}")
    page.fill("#name", "")
    page.fill("#sheets", "10000")
    response = submit_for_page(page, "form[action^='/pack'] button[type=submit]", "/pack")
    assert response.status == 422
    assert page.get_attribute("#name", "aria-invalid") == "true"
    assert "name-error" in page.get_attribute("#name", "aria-describedby")
    assert "empty; give the name to print on every signature sheet" in page.inner_text("#name-error")
    assert "sheets must be a whole number from 1 to 50, not '10000'" in page.inner_text("#sheets-error")
    assert page.get_attribute("#sheets", "aria-invalid") == "true"
    assert page.is_checked(f"#case-{CASE}")                    # what the visitor typed is kept
    assert page.locator(".error-summary a[href='#name']").count() == 1
    screenshot(page, tmp_path, "form-phone-errors.png", full_page=False)
    page.click(".error-summary a[href='#name']")               # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == "name" or page.url.endswith("#name")
    page.locator("div.field:has(#name)").evaluate("e => e.scrollIntoView()")
    screenshot(page, tmp_path, "form-phone-field-error.png", full_page=False)
    assert len(registry(server.project).packs()) == before


@pytest.mark.parametrize("width", [390, 320])
def test_no_page_scrolls_sideways_on_a_phone_in_any_language(page, server, width):
    """The longest words (Luxembourgish 'Ënnerschrëftelëschte' in the heading, the masthead's
    campaign title) fit a 390 px and a 320 px wide phone."""
    page.set_viewport_size({"width": width, "height": 800})
    wide = []
    for ui in ("fr", "en", "lb"):
        for path in ("/", f"/cases/{CASE}/{ui}", "/staff/login", "/cases/wetsuweten-land-defenders/fr"):
            page.goto(f"{server.url}{path}?ui={ui}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide.append((ui, path, scroll))
    assert not wide


def test_keyboard_reaches_the_form_first(page, server):
    page.goto(f"{server.url}/?ui=fr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_groups_file_gives_a_zip_of_packs_and_the_manifest(page, server, tmp_path):
    groups = tmp_path / "classes.csv"
    groups.write_text("id,name,lang,sheets,cases,audience,contact\n"
                      "lam-4a,Lycée Aline Mayrisch – 4A,fr,2,dang-dinh-bach joel-paredes,youth,Mme Weber\n"
                      "ecole-esch-c3,Schoul Esch – C3.1,lb,1,kyung-seok-park,youth,\n", encoding="utf-8")
    page.goto(f"{server.url}/?ui=fr")
    page.set_input_files("#groups_file", str(groups))
    archive = submit_for_download(page, "form[action^='/groups'] button[type=submit]", tmp_path)
    assert archive.name == "classes.zip"
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["ecole-esch-c3.pdf", "lam-4a.pdf", "manifest.csv", "manifest.xlsx"]
        manifest = list(csv.DictReader(io.StringIO(zf.read("manifest.csv").decode("utf-8"))))
        (tmp_path / "lam-4a.pdf").write_bytes(zf.read("lam-4a.pdf"))
    assert len(manifest) == 5
    reg = registry(server.project)
    for group_id, sheets in (("lam-4a", 4), ("ecole-esch-c3", 1)):
        [pack] = reg.packs(group=group_id)
        assert (pack.route, pack.sheets) == ("web", sheets)
        recorded = {(s.sheet_id, s.url, s.page) for s in reg.sheets(pack.id)}
        assert recorded == {(r["sheet_id"], r["url"], int(r["page"])) for r in manifest if r["group_id"] == group_id}
    first = next(r for r in manifest if r["group_id"] == "lam-4a")
    assert qr_codes(tmp_path / "lam-4a.pdf", int(first["page"]) - 1) == [first["url"]]


def test_bad_groups_files_are_refused_with_the_csv_message(page, server, tmp_path):
    before = len(registry(server.project).packs())
    binary = tmp_path / "groups.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    page.goto(f"{server.url}/?ui=en")
    page.set_input_files("#groups_file", str(binary))
    response = submit_for_page(page, "form[action^='/groups'] button[type=submit]", "/groups")
    assert response.status == 422
    assert "groups.csv:1: is not a text file (it holds NUL bytes, from line 1)" in page.inner_text("#groups_file-error")
    assert page.get_attribute("#groups_file", "aria-invalid") == "true"

    formula = tmp_path / "formula.csv"
    formula.write_text('id,name,lang,sheets\nevil,"=HYPERLINK(""http://x.example"",""go"")",en,1\n',
                       encoding="utf-8")
    page.set_input_files("#groups_file", str(formula))
    response = submit_for_page(page, "form[action^='/groups'] button[type=submit]", "/groups")
    assert response.status == 422
    assert "formula.csv:2: name: starts with '=', which spreadsheets read as a formula" in \
        page.inner_text("#groups_file-error")
    assert len(registry(server.project).packs()) == before


def test_a_forged_form_token_is_refused(page, server):
    before = len(registry(server.project).packs())
    page.goto(f"{server.url}/?ui=en")
    page.check(f"#case-{CASE}")
    page.fill("#name", "Forged")
    page.locator("form[action^='/pack'] input[name=csrf]").evaluate("e => e.value = 'forged-token'")
    response = submit_for_page(page, "form[action^='/pack'] button[type=submit]", "/pack")
    assert response.status == 403
    assert page.text_content("h1").strip() == i18n.words("en")["csrf_title"]
    assert len(registry(server.project).packs()) == before


def test_staff_pages_need_a_sign_in_and_exports_are_neutralised(page, server, tmp_path):
    # The public never sees a contact, and /staff sends them to the sign-in page.
    page.goto(f"{server.url}/?ui=en")
    assert "@example.org" not in page.content()
    for path in ("/staff", "/staff/export.csv", "/staff?group=lam-4a"):
        response = page.goto(server.url + path)
        assert urlsplit(page.url).path == "/staff/login" and response.status == 200
        assert "@example.org" not in page.content() and "Mme Weber" not in page.content()
    assert response.headers["cache-control"] == "no-store"

    assert sign_in(page, server, "wrong password!").status == 401
    assert i18n.words("en")["login_failed"] in page.inner_text(".error-summary")

    # A pack from another route whose group name is a formula: the export defuses it.
    registry(server.project).record_pack("cli-signatures", "amnesty-lu-2024", "formula", '=HYPERLINK("http://evil.example","x")',
                    "+32 evil", "en", "adult", [CASE],
                    [IssuedSheet("zzzzzz1", CASE, "en", 1, 1, "https://example.org/x", "signatures/formula.pdf", 2)])

    # A returned sheet of a web pack (as `returns scan` records it) shows on its row.
    reg = registry(server.project)
    if not reg.packs(group="lam-4a"):       # run on its own: the upload test has not made it
        reg.record_pack("web", "amnesty-lu-2024", "lam-4a", "Lycée Aline Mayrisch – 4A", "Mme Weber", "fr", "youth",
                        [CASE], [IssuedSheet("zzzzzz2", CASE, "fr", 1, 1, "https://example.org/y", "", 2)])
    [lam] = reg.packs(group="lam-4a")
    assert reg.record_scan(reg.sheets(lam.id)[0].sheet_id, "scans/batch-1.pdf", 1, 7, 2, 5, "read")

    assert sign_in(page, server).status == 303
    assert urlsplit(page.url).path == "/staff"
    page.set_viewport_size({"width": 1440, "height": 800})
    page.goto(f"{server.url}/staff?ui=en")
    assert page.locator("table.packs tbody tr").count() >= 1
    screenshot(page, tmp_path, "staff.png")
    page.select_option("#f-route", "web")
    page.select_option("#f-lang", "fr")
    page.click("form.filters button")
    page.wait_for_load_state()
    routes = page.locator("table.packs tbody tr td:nth-child(2)").all_inner_texts()
    langs = page.locator("table.packs tbody tr td:nth-child(5)").all_inner_texts()
    assert routes and set(routes) == {"web"} and set(langs) == {"fr"}

    page.goto(f"{server.url}/staff?group=lam-4a")
    assert page.locator("table.packs tbody tr td:nth-child(9)").inner_text() == "1 / 7"
    page.goto(f"{server.url}/staff")
    exported = submit_for_download(page, "a[href^='/staff/export.csv']", tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["group_id"] == "lam-4a")["signatures"] == "7"
    formula_row = next(r for r in rows if r["group_id"] == "formula")
    assert formula_row["group_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert formula_row["contact"] == "'+32 evil"
    xlsx = submit_for_download(page, "a[href^='/staff/export.xlsx']", tmp_path)
    from openpyxl import load_workbook
    sheet = load_workbook(xlsx).active
    names = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert not any(isinstance(n, str) and n.startswith("=") for n in names)

    page.click("form.logout button")
    page.wait_for_load_state()
    page.goto(f"{server.url}/staff")
    assert urlsplit(page.url).path == "/staff/login"


def test_case_page_offers_the_case_sheet_and_letter(page, server, tmp_path):
    page.goto(f"{server.url}/?ui=lb")
    page.click(f"a[href^='/cases/{CASE}/']")
    assert page.text_content("h1").strip() == "Đặng Đình Bạch"
    lang = urlsplit(page.url).path.rsplit("/", 1)[1]
    sheet = submit_for_download(page, "a[href$='case-sheet.pdf']", tmp_path)
    letter = submit_for_download(page, "a[href$='letter.pdf']", tmp_path)
    assert sheet.name == f"{CASE}-case-sheet-{lang}.pdf" and letter.name == f"{CASE}-letter-{lang}.pdf"
    assert "Đặng Đình Bạch" in page_texts(sheet)[0]
    assert any("petition" in url or "amnesty" in url for url in qr_codes(sheet, 0))
    response = page.goto(f"{server.url}/cases/no-such-case/fr")
    assert response.status == 404


def test_a_download_does_not_hold_up_another_visitors_page(server):
    """A large upload renders in a render process while the server keeps answering."""
    import threading
    import time

    import httpx
    rows = "".join(f"g{i},Groupe {i},fr,10,,adult,\n" for i in range(5))     # 5 × 9 cases × 10 = 450 sheets
    with httpx.Client(base_url=server.url, timeout=60) as visitor:
        csrf = re.search(r'name="csrf" value="([^"]+)"', visitor.get("/").text).group(1)
        done: dict[str, float] = {}

        def upload():
            r = visitor.post("/groups", data={"csrf": csrf},
                             files={"groups_file": ("big.csv", ("id,name,lang,sheets,cases,audience,contact\n"
                                                                + rows).encode(), "text/csv")})
            done["upload"] = time.monotonic()
            done["status"] = r.status_code

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(0.15)                        # the upload is being checked and rendered now
        started = time.monotonic()
        assert httpx.get(server.url + "/cases/dang-dinh-bach/fr", timeout=10).status_code == 200
        viewed = time.monotonic()
        thread.join(60)
    assert done["status"] == 200
    assert viewed < done["upload"], "the page view waited for the download"
    assert viewed - started < 1.0
