"""The results on the self-service page (SPEC §12): the staff results page and its downloads,
and the public ranking a section turns on with [results] public_ranking.

A small season is played through the library and the registry API, as tests/test_results.py
does: packs issued (batch.issue_packs, the code path of `signatures` and the web), sheets
read (record_scan, one still waiting for review), letters counted by hand (add_count) and
online signatures, one of them unattributed (add_online). The page is then compared with
results.compute and its CSV with what `w4r-kit results` writes.
"""
from __future__ import annotations

import html
import io
import re
import warnings

import pytest

from w4r_kit import batch
from w4r_kit.load import load_project
from w4r_kit.model import Group
from w4r_kit.project import Project
from w4r_kit.registry import Registry
from w4r_kit.results import compute, public_ranking, results_csv
from w4r_kit.web import i18n, staff

from .conftest import STAFF_NAME, STAFF_PASSWORD, copy_example

with warnings.catch_warnings():
    warnings.simplefilter("ignore")      # Starlette's note about its httpx use
    from starlette.testclient import TestClient

RULE = ('[results]\nsignatures = 1\nletters = 2\nonline = 1\nprize_top = 2\npublic_ranking = true\n'
        'prize = { fr = "Une visite du Parlement", en = "A visit to Parliament", lb = "E Besuch an der Chamber" }\n')
GROUPS = [  # id, name, lang, sheets per case, cases, audience, contact
    ("lycee-5b", "Lycée Aline Mayrisch – 5B", "fr", 2, ("sebnem-korur-fincanci", "dang-dinh-bach"), "youth",
     "prof.weber@example.org"),
    ("ecole-c4", "École fondamentale Bonnevoie – C4.1", "lb", 1, ("kyung-seok-park",), "youth", ""),
    ("esch", "Groupe local Esch-sur-Alzette", "fr", 2, ("maryia-kalesnikava",), "adult", "esch@example.org"),
    ("quiet", "Klass 6G Athénée", "lb", 1, ("kyung-seok-park",), "youth", ""),
]
# What came back, per (group, case, sheet number): signatures, consent yes, status.
SCANS = {
    ("lycee-5b", "sebnem-korur-fincanci", 1): (12, 0, "read"),
    ("lycee-5b", "dang-dinh-bach", 1): (9, 0, "review"),          # waits for staff: not counted
    ("ecole-c4", "kyung-seok-park", 1): (14, 0, "read"),
    ("esch", "maryia-kalesnikava", 1): (12, 6, "read"),
    ("esch", "maryia-kalesnikava", 2): (4, 1, "read"),
}


def set_results(project, table: str) -> None:
    kit_toml = project / "kit.toml"
    text = re.sub(r"(?ms)^\[results\]\n.*?(?=^\[|\Z)", "", kit_toml.read_text(encoding="utf-8")).rstrip("\n")
    kit_toml.write_text(text + "\n\n" + table, encoding="utf-8")


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    project = copy_example(tmp_path_factory.mktemp("results") / "kit")
    set_results(project, RULE)
    url = f"sqlite:///{project / 'registry.sqlite'}"
    reg = Registry.open_url(url)
    reg.add_staff(STAFF_NAME, staff.hash_password(STAFF_PASSWORD))
    kit = load_project(Project.at(project), allow_incomplete=True)
    groups = [Group(gid, name, lang, n, cases, audience, contact) for gid, name, lang, n, cases, audience, contact
              in GROUPS]
    issued = batch.issue_packs(kit, groups, reg, route="cli-signatures")
    numbered = {}
    for _, _, rows in issued:
        for row in rows:
            k = 1 + sum(1 for key in numbered if key[:2] == (row.group_id, row.case))
            numbered[row.group_id, row.case, k] = row
    for page, (key, (signatures, yes, status)) in enumerate(SCANS.items(), 1):
        assert reg.record_scan(numbered[key].sheet_id, "scan-1.pdf", page, signatures, yes, 0, status)
    reg.add_count("lycee-5b", "dang-dinh-bach", 5, 0)
    reg.add_count("esch", None, 3, 0)
    online = numbered["ecole-c4", "kyung-seok-park", 1]
    reg.add_online("ecole-c4", online.sheet_id, "kyung-seok-park", 4, "export.csv")
    reg.add_online(None, None, None, 2, "export.csv")                     # no known tracking code
    return {"project": project, "url": url, "registry": reg, "kit": kit}


@pytest.fixture(scope="module")
def client(season):
    from w4r_kit.web.app import create_app
    app = create_app(Project.at(season["project"]), processes=0, registry_url=season["url"])
    with TestClient(app) as c:
        yield c


def sign_in(client) -> None:
    page = client.get("/staff/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post("/staff/login", data={"csrf": token, "name": STAFF_NAME, "password": STAFF_PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303


def cells(table_html: str) -> list[list[str]]:
    """The text of every body row's cells, tags dropped and spaces folded."""
    body = table_html.split("<tbody>", 1)[1]
    rows = re.findall(r"(?s)<tr[^>]*>(.*?)</tr>", body)
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
             for c in re.findall(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows]


def test_staff_results_need_a_sign_in(client):
    client.cookies.clear()
    for path in ("/staff/results", "/staff/results.csv", "/staff/results.xlsx"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    r = client.get("/staff/results", follow_redirects=True)
    assert str(r.url).endswith("/staff/login") and "Lycée Aline Mayrisch" not in r.text


def test_the_staff_results_page_shows_the_figures_of_results_compute(client, season):
    results = compute(season["kit"], season["registry"])
    sign_in(client)
    r = client.get("/staff/results?ui=en")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    page = r.text
    w = i18n.words("en")
    # Linked from the staff navigation, on both staff pages.
    assert 'href="/staff/results" aria-current="page"' in page
    packs_page = client.get("/staff?ui=en").text
    assert 'href="/staff/results"' in packs_page and 'href="/staff" aria-current="page"' in packs_page
    t = results.totals
    tiles = {html.unescape(dt): dd for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)}
    assert tiles == {w["results_tile_signatures"]: str(t.signatures), w["results_tile_letters"]: str(t.letters),
                     w["results_tile_online"]: str(t.online), w["results_tile_points"]: f"{results.total:g}"}
    # signatures 12 + 14 + 12 + 4, letters 5 + 3, online 4 + 2; total 42 + 2 × 8 + 6
    assert (t.signatures, t.letters, t.online, results.total) == (42, 8, 6, 64)
    said = i18n.PageWords("en")
    assert said("results_groups", participants=3, groups=4) == (
        "3 of 4 groups returned sheets, letters or online signatures")
    assert said("results_groups", participants=3, groups=4) in html.unescape(page)
    assert said("results_sheets", returned=4, issued=results.sheets_issued) in html.unescape(page)
    assert w["results_unattributed"].format(n=2) in html.unescape(page)
    assert w["results_to_review"].format(n=1) in html.unescape(page)
    # The rule in words, as the report prints it.
    assert "Total = 1 per signature on paper + 2 per letter + 1 per online signature." in page
    assert "Prize: A visit to Parliament" in page
    # The ranking: every group, in compute's order, with its figures and ranks.
    ranking = page.split('class="data ranking"', 1)[1].split("</table>", 1)[0]
    rows = cells(ranking)
    expected = []
    for g in results.groups:
        f = g.figures
        rank = "" if g.rank is None else f"{g.rank}{'=' if g.tied else ''}"
        expected.append([rank or f"— {w['results_not_ranked']}", f"{g.group_name} {g.group_id}", g.lang,
                         str(g.sheets_issued), str(g.sheets_returned), str(f.signatures), str(f.consent_yes),
                         str(f.letters), str(f.online), f"{g.total:g}", w["results_prize_mark"] if g.winner else ""])
    assert rows == expected
    assert [r[1].rsplit(" ", 1)[1] for r in rows] == ["esch", "lycee-5b", "ecole-c4", "quiet"]
    # Esch (16 + 2 × 3) and the 5B (12 + 2 × 5) share the first place: both win; C4.1 is third.
    assert [r[0] for r in rows][:3] == ["1=", "1=", "3"] and rows[0][-1] == rows[1][-1] == "winner"
    assert rows[2][-1] == ""
    assert "<caption" in ranking and '<th scope="col"' in ranking and '<th scope="row"' in ranking
    assert 'class="table-scroll" role="region"' in page            # scrolls in its own box on a phone
    # Per case: compute's figures per case, in the kit's order.
    by_case = cells(page.split('class="data by-case"', 1)[1].split("</table>", 1)[0])
    names = {c.id: c.name_in("en") for c in season["kit"].cases}
    assert {row[0] for row in by_case} == {f"{names[c]} {c}" for c in results.by_case} | \
        {"Counted for a group as a whole (no case)"}
    for case, f in results.by_case.items():
        row = next(r for r in by_case if r[0].endswith(" " + case))
        assert row[1:] == [str(f.signatures), str(f.consent_yes), str(f.letters), str(f.online),
                           f"{f.total(results.rule):g}"]
    assert "<script" not in page


def test_the_results_page_speaks_the_page_language(client):
    sign_in(client)
    page = html.unescape(client.get("/staff/results?ui=fr").text)
    assert '<html lang="fr">' in page and "La campagne en chiffres" in page and "Classement" in page
    assert "Total = 1 par signature sur papier" in page and "Prix : Une visite du Parlement" in page
    page = html.unescape(client.get("/staff/results?ui=lb").text)
    assert "D’Campagne an Zuelen" in page and "Präis: E Besuch an der Chamber" in page


def test_the_downloads_are_the_files_of_the_results_command(client, season, cli, monkeypatch):
    sign_in(client)
    r = client.get("/staff/results.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="results-amnesty-lu-2024.csv"')
    xlsx = client.get("/staff/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get("/staff/results.pdf", follow_redirects=False).status_code == 404
    assert not (season["project"] / "dist").exists()              # nothing written on the server
    monkeypatch.setenv("W4R_KIT_DB", season["url"])
    result = cli("results", "--lang", "en", "--project", season["project"])
    assert result.exit_code == 0, result.output
    out = season["project"] / "dist" / "results"
    assert r.content == (out / "results.csv").read_bytes()
    assert r.content == results_csv(compute(season["kit"], season["registry"]))
    from openpyxl import load_workbook
    web_rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    cli_rows = list(load_workbook(out / "results.xlsx").active.iter_rows(values_only=True))
    assert web_rows == cli_rows and len(web_rows) == 1 + len(GROUPS)


def test_the_public_ranking_shows_names_and_totals_only(client, season):
    client.cookies.clear()
    r = client.get("/ranking?ui=en")
    assert r.status_code == 200
    page = r.text
    rows = cells(page.split("<table", 1)[1])
    assert rows == [[f"{p.rank}{'=' if p.tied else ''}", p.group_name, f"{p.total:g}"]
                    for p in public_ranking(compute(season["kit"], season["registry"]))]
    assert [row[1] for row in rows] == ["Groupe local Esch-sur-Alzette", "Lycée Aline Mayrisch – 5B",
                                        "École fondamentale Bonnevoie – C4.1"]        # ranked groups only
    text = html.unescape(page)
    for private in ("@example.org", "prof.weber", "lycee-5b", "ecole-c4", "quiet", "Klass 6G", "scan-1.pdf", "Consent"):
        assert private not in text, private
    assert 'href="/ranking"' in client.get("/?ui=en").text               # the footer leads to it


def test_the_public_ranking_is_off_unless_the_section_turns_it_on(tmp_path):
    from w4r_kit.web.app import create_app
    project = copy_example(tmp_path / "kit")           # the example's public_ranking = false
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    app = create_app(Project.at(project), processes=0, registry_url=url)
    with TestClient(app) as c:
        r = c.get("/ranking?ui=en")
        assert r.status_code == 404 and "<table" not in r.text
        assert 'href="/ranking"' not in c.get("/?ui=en").text
        # A registry that cannot be read: the staff page says so (503), no traceback.
        Registry.open_url(url).add_staff(STAFF_NAME, staff.hash_password(STAFF_PASSWORD))
        sign_in(c)
        assert c.get("/staff/results").status_code == 200
        import sqlite3
        with sqlite3.connect(tmp_path / "r.sqlite") as db:
            db.execute("ALTER TABLE sheets RENAME TO sheets_gone")
        r = c.get("/staff/results?ui=en")
        assert r.status_code == 503 and i18n.words("en")["results_busy_text"] in html.unescape(r.text)
        assert "Traceback" not in r.text


def test_the_staff_results_page_in_a_browser(page, season, tmp_path):
    """The page as staff see it (the README's screenshot), and on a phone: the ranking scrolls
    inside its own box, the page itself does not."""
    from urllib.parse import urlsplit

    from .conftest import Server
    from .test_web_browser import screenshot, sign_in as browser_sign_in
    server = Server(season["project"])
    try:
        assert browser_sign_in(page, server).status == 303
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{server.url}/staff?ui=en")
        page.click("nav.staff-nav a[href='/staff/results']")
        page.wait_for_load_state()
        assert urlsplit(page.url).path == "/staff/results"
        assert page.locator("table.ranking tbody tr").count() == len(GROUPS)
        assert page.locator("table.ranking tbody tr.winner").count() == 2
        assert page.locator(".tile-total dd").inner_text() == "64"
        shot = screenshot(page, tmp_path, "staff-results.png")
        assert shot.stat().st_size > 20_000
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server.url}/staff/results?ui=fr")
        widths = page.evaluate("""() => { const box = document.querySelector('.table-scroll');
            return [document.documentElement.scrollWidth, box.scrollWidth, box.clientWidth]; }""")
        assert widths[0] <= 390 and widths[1] > widths[2], widths
        page.screenshot(path=str(tmp_path / "staff-results-phone.png"), full_page=True)
        page.goto(f"{server.url}/ranking?ui=lb")
        assert page.locator("table.ranking tbody tr").count() == 3
        page.screenshot(path=str(tmp_path / "ranking-phone.png"), full_page=True)
    finally:
        server.stop()
