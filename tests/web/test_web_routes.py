"""Route tests in-process (Starlette's TestClient, PDFs rendered in a thread): statuses,
headers, bounds, sessions; and the `staff add` command."""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from w4r_kit.cli import app
from w4r_kit.project import Project
from w4r_kit.registry import Registry
from w4r_kit.web import staff, uploads

from .conftest import STAFF_NAME, STAFF_PASSWORD, copy_example

with warnings.catch_warnings():
    warnings.simplefilter("ignore")      # Starlette's note about its httpx use
    from starlette.testclient import TestClient

CASE = "dang-dinh-bach"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("routes") / "kit")
    Registry.open_url(f"sqlite:///{root / 'registry.sqlite'}").add_staff(STAFF_NAME,
                                                                        staff.hash_password(STAFF_PASSWORD))
    return root


@pytest.fixture(scope="module")
def client(project):
    from w4r_kit.web.app import create_app
    app = create_app(Project.at(project), processes=0, registry_url=f"sqlite:///{project / 'registry.sqlite'}")
    with TestClient(app) as c:
        yield c


def token(client, path: str = "/?ui=en") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def pack_form(client, **changes):
    data = {"csrf": token(client), "name": "Groupe 7", "lang": "fr", "cases": [CASE], "audience": "adult",
            "sheets": "1", "contact": "", "case_material": "yes", **changes}
    return client.post("/pack", data=data)


def test_every_page_has_the_security_headers(client):
    for path in ("/", "/cases/dang-dinh-bach/fr", "/staff/login", "/no-such-page"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "script-src" not in r.headers["content-security-policy"]        # no script at all
        assert r.headers["cache-control"] == "no-store"
    assert client.get("/no-such-page").status_code == 404
    assert "traceback" not in client.get("/no-such-page").text.lower()


def test_a_pack_is_an_attachment_named_by_the_slug_rule(client):
    r = pack_form(client, name="../../etc/passwd Klass 5B")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="etc-passwd-klass-5b-fr.pdf"')
    assert r.content.startswith(b"%PDF-")


def test_page_language_follows_the_browser_until_chosen(client):
    client.cookies.clear()
    assert '<html lang="lb">' in client.get("/", headers={"accept-language": "lb, fr;q=0.8"}).text
    assert '<html lang="fr">' in client.get("/", headers={"accept-language": "de-CH, fr-LU;q=0.7"}).text
    assert '<html lang="en">' in client.get("/?ui=en", headers={"accept-language": "fr"}).text
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "fr"}).text     # remembered


@pytest.mark.parametrize("changes, field, message", [
    ({"cases": []}, "cases", "choose at least one case"),
    ({"cases": ["nobody"]}, "cases", "no case 'nobody'"),
    ({"lang": "de"}, "lang", "language 'de' is not one of the campaign languages (fr, en, lb)"),
    ({"audience": "kids"}, "audience", "audience 'kids' must be one of adult, youth"),
    ({"sheets": "-1"}, "sheets", "sheets must be a whole number from 1 to 50, not '-1'"),
    ({"sheets": "3e9"}, "sheets", "sheets must be a whole number from 1 to 50, not '3e9'"),
    ({"contact": "not an address"}, "contact", "'not an address' is not an e-mail address"),
    ({"name": "Klass\u200b 5B"}, "name", "U+200B ZERO WIDTH SPACE"),
    ({"name": "@Klass"}, "name", "starts with '@', which spreadsheets read as a formula"),
    ({"name": "x" * 300}, "name", "is 300 characters long"),
])
def test_bad_input_is_the_form_again_with_the_message_beside_its_field(client, changes, field, message):
    r = pack_form(client, **changes)
    assert r.status_code == 422
    error = re.search(rf'<div class="field-error" id="{field}-error">(.*?)</div>', r.text, re.S)
    assert error and message in error.group(1).replace("&#39;", "'")
    assert f'aria-describedby="{field}-hint {field}-error"' in r.text or \
        f'aria-describedby=" {field}-error"' in r.text


def test_forms_without_a_valid_token_are_refused(client):
    assert client.post("/pack", data={"name": "x", "cases": [CASE]}).status_code == 403
    assert client.post("/pack", data={"csrf": "x" * 43, "name": "x"}).status_code == 403
    files = {"groups_file": ("g.csv", b"id,name,lang,sheets\na,A,fr,1\n", "text/csv")}
    assert client.post("/groups", data={"csrf": "forged"}, files=files).status_code == 403
    assert client.post("/staff/login", data={"name": STAFF_NAME, "password": STAFF_PASSWORD}).status_code == 403


def test_uploads_are_bounded(client):
    big = b"id,name,lang,sheets\n" + b"a,A,fr,1\n" * (uploads.MAX_UPLOAD_BYTES // 9 + 10)
    r = client.post("/groups", data={"csrf": token(client)}, files={"groups_file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413 and "is larger than 512 KB" in r.text
    rows = "".join(f"g{i},Groupe {i},fr,1\n" for i in range(uploads.MAX_GROUPS + 1))
    r = client.post("/groups", data={"csrf": token(client)},
                    files={"groups_file": ("many.csv", ("id,name,lang,sheets\n" + rows).encode(), "text/csv")})
    assert r.status_code == 422 and "at most 300 groups fit in one upload" in r.text
    r = client.post("/groups", data={"csrf": token(client)},
                    files={"groups_file": ("sheets.csv", b"id,name,lang,sheets\na,A,fr,900\nb,B,fr,900\n",
                                           "text/csv")})
    assert r.status_code == 422 and "at most 2000 in one upload" in r.text


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for row in book.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"        # text that looks like a formula, as a spreadsheet keeps it
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_groups_file_gives_the_same_zip(client, project):
    data = xlsx([["id", "name", "lang", "sheets", "cases"], ["xl-1", "Klass 6C", "lb", 2, CASE]])
    r = client.post("/groups", data={"csrf": token(client)}, files={"groups_file": ("Klassen.xlsx", data, "")})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert 'filename="klassen.zip"' in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert sorted(zf.namelist()) == ["manifest.csv", "manifest.xlsx", "xl-1.pdf"]
        # The spreadsheet holds the same rows as the CSV, as `signatures --xlsx` writes them.
        sheet = load_workbook(io.BytesIO(zf.read("manifest.xlsx"))).active
        cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert cells == list(csv.reader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        assert cells[0][:3] == ["sheet_id", "group_id", "group_name"] and len(cells) == 3
        assert [row[2] for row in cells[1:]] == ["Klass 6C", "Klass 6C"]
    [pack] = Registry.open_url(f"sqlite:///{project / 'registry.sqlite'}").packs(group="xl-1")
    assert (pack.route, pack.sheets, pack.lang) == ("web", 2, "lb")

    bad = xlsx([["id", "name", "lang", "sheets"], ["xl-2", "=HYPERLINK(\"http://x\")", "fr", 1]])
    r = client.post("/groups", data={"csrf": token(client)}, files={"groups_file": ("bad.xlsx", bad, "")})
    assert r.status_code == 422 and "bad.xlsx:2: name: starts with &#39;=&#39;" in r.text
    r = client.post("/groups", data={"csrf": token(client)},
                    files={"groups_file": ("broken.xlsx", b"PK\x03\x04" + b"\0" * 100, "")})
    assert r.status_code == 422 and "cannot be read as an .xlsx workbook" in r.text


def test_staff_sessions_expire(client, monkeypatch):
    r = client.post("/staff/login", data={"csrf": token(client, "/staff/login"), "name": STAFF_NAME,
                                          "password": STAFF_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    assert client.get("/staff").status_code == 200
    now = staff.time.time()
    monkeypatch.setattr(staff.time, "time", lambda: now + 31 * 60)      # idle for longer than 30 minutes
    r = client.get("/staff", follow_redirects=True)
    assert str(r.url).endswith("/staff/login") and r.status_code == 401
    assert "sign in again" in r.text


def _sign_in(client, name: str = STAFF_NAME, password: str = STAFF_PASSWORD) -> None:
    r = client.post("/staff/login", data={"csrf": token(client, "/staff/login"), "name": name,
                                          "password": password}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff"


def test_signing_out_ends_the_session_on_the_server(client, project):
    """A copy of the cookie taken before signing out opens nothing afterwards; the registry
    keeps only a hash of the session's token."""
    _sign_in(client)
    copied = [(c.name, c.value, c.domain, c.path) for c in client.cookies.jar]
    assert client.get("/staff", follow_redirects=False).status_code == 200
    r = client.post("/staff/logout", data={"csrf": token(client, "/staff")}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    for name, value, domain, path in copied:      # the cookie as it was before signing out
        client.cookies.set(name, value, domain=domain, path=path)
    r = client.get("/staff", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    registry = Registry.open_url(f"sqlite:///{project / 'registry.sqlite'}")
    with registry.engine.connect() as conn:
        from w4r_kit.registry.schema import staff_sessions
        rows = conn.execute(staff_sessions.select()).all()
    assert rows == []


def test_a_new_password_ends_every_session_of_the_account(client, project):
    registry = Registry.open_url(f"sqlite:///{project / 'registry.sqlite'}")
    registry.add_staff("kim", staff.hash_password("kim's first password"))
    _sign_in(client, "kim", "kim's first password")
    assert client.get("/staff", follow_redirects=False).status_code == 200
    with registry.engine.connect() as conn:
        from w4r_kit.registry.schema import staff_sessions
        [row] = conn.execute(staff_sessions.select().where(staff_sessions.c.staff_name == "kim")).all()
    assert len(row.token_hash) == 64
    assert all(row.token_hash not in c.value for c in client.cookies.jar)   # the token, not its hash
    registry.add_staff("kim", staff.hash_password("a brand new password"), replace=True)
    r = client.get("/staff", follow_redirects=True)
    assert str(r.url).endswith("/staff/login") and "sign in again" in r.text


def test_case_pages_refuse_what_is_not_a_case(client):
    assert client.get("/cases/dang-dinh-bach/de").status_code == 404
    assert client.get("/cases/..%2F..%2Fkit.toml/fr").status_code == 404
    assert client.get("/cases/dang-dinh-bach/fr/kit.toml.pdf").status_code == 404
    assert client.get("/staff/export.json", follow_redirects=False).status_code in (303, 404)
    assert client.get("/pack").status_code == 405


def test_staff_add_stores_an_argon2_hash_only(cli, tmp_path):
    project = copy_example(tmp_path / "kit")
    result = cli.runner.invoke(app, ["staff", "add", "sam", "--password-stdin", "--project", str(project)],
                               input="a long enough password\n")
    assert result.exit_code == 0, result.output
    stored = Registry.open(Project.at(project)).staff_hash("sam")
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    assert staff.check_password(stored, "a long enough password")
    again = cli.runner.invoke(app, ["staff", "add", "sam", "--password-stdin", "--project", str(project)],
                              input="another long password\n")
    assert again.exit_code == 1 and "exists already; add --replace" in again.output
    short = cli.runner.invoke(app, ["staff", "add", "kim", "--password-stdin", "--project", str(project)],
                              input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_page_words_have_the_same_keys_in_every_language():
    from w4r_kit.web import i18n
    keys = {lang: set(i18n.words(lang)) for lang in i18n.languages()}
    assert set(keys) >= {"fr", "en", "lb"}
    assert all(k == keys["en"] for k in keys.values())
    used = set()
    from importlib import resources
    for template in (resources.files("w4r_kit.web") / "templates").iterdir():
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bw\.([a-z_]+)", text)) | set(re.findall(r'\bw\("([a-z_]+)"[,)]', text))
    assert used <= keys["en"], used - keys["en"]


def test_language_links_on_a_refused_form_lead_back_to_the_form(client):
    r = pack_form(client, name="")
    assert r.status_code == 422
    assert 'href="/?ui=lb"' in r.text and 'href="/pack?' not in r.text


def test_guessing_a_staff_password_is_throttled(client):
    for _ in range(staff.THROTTLE_FAILURES):
        r = client.post("/staff/login", data={"csrf": token(client, "/staff/login"), "name": "guessed",
                                              "password": "wrong password"})
        assert r.status_code == 401
    r = client.post("/staff/login", data={"csrf": token(client, "/staff/login"), "name": "guessed",
                                          "password": "wrong password"})
    assert r.status_code == 429 and r.headers["retry-after"] == str(staff.THROTTLE_SECONDS)
    assert "wait 15 minutes" in r.text


def test_the_staff_page_shows_the_newest_packs_and_exports_all(client, monkeypatch):
    pack_form(client, name="Groupe 8")
    pack_form(client, name="Groupe 9")
    r = client.post("/staff/login", data={"csrf": token(client, "/staff/login"), "name": STAFF_NAME,
                                          "password": STAFF_PASSWORD})
    assert r.status_code == 200
    monkeypatch.setattr(staff, "PAGE_PACKS", 2)
    page = client.get("/staff?ui=en").text
    assert "the newest 2 packs" in page and page.count('<tr><td class="nowrap">') == 2
    assert "Groupe 9" in page and "Groupe 8" in page
    assert "<td>public page</td></tr>" in page           # "By": a visitor of the public page, not a blank
    exported = client.get("/staff/export.csv").content.decode("utf-8-sig").splitlines()
    assert len(exported) > 3
    assert client.get("/staff/export.csv").headers["cache-control"] == "no-store"


def test_page_counts_agree_with_their_number_in_every_language():
    from w4r_kit.web.i18n import PageWords
    said = {lang: [PageWords(lang)("packs_count", n=n, sheets=n) for n in (1, 2)] for lang in ("fr", "en", "lb")}
    assert said == {"fr": ["1 dossier, 1 feuille", "2 dossiers, 2 feuilles"],
                    "en": ["1 pack, 1 sheet", "2 packs, 2 sheets"],
                    "lb": ["1 Dossier, 1 Lëscht", "2 Dossieren, 2 Lëschten"]}
    assert PageWords("fr")("results_sheets", returned=1, issued=3) == "1 feuille sur 3 remises est revenue"
    assert PageWords("en")("results_groups", participants=1, groups=1) == (
        "1 of 1 group returned sheets, letters or online signatures")
    assert PageWords("lb")("results_groups", participants=1, groups=4).startswith("1 vun 4 Gruppen huet ")


def test_behind_https_the_session_cookie_is_secure(project):
    from w4r_kit.web.app import create_app
    for https, secure in ((False, False), (True, True)):
        app = create_app(Project.at(project), processes=0, registry_url=f"sqlite:///{project / 'registry.sqlite'}",
                         https_only=https)
        with TestClient(app, base_url="https://testserver") as c:
            cookie = c.get("/?ui=en").headers["set-cookie"]
        assert ("secure" in cookie.lower()) is secure and "httponly" in cookie.lower()
