"""The arithmetic of the results (SPEC §12) on plain rows: totals, fair ranks, the prize rule."""
from __future__ import annotations


from dataclasses import replace

from w4r_kit.model import CampaignConfig, KitConfig, ResultsConfig, SectionConfig
from w4r_kit.results import Figures, HandCount, Issued, Ledger, Online, Scanned, compute_ledger, results_csv


def config(**rule) -> KitConfig:
    return KitConfig(SectionConfig("Section", "s"), CampaignConfig(2026, {"en": "W4R"}, ("en", "fr")),
                     results=ResultsConfig(**rule))


def ledger(*groups) -> Ledger:
    """groups: (id, lang, audience, [signatures of each returned sheet], letters)."""
    led = Ledger()
    for gid, lang, audience, sheets, letters in groups:
        for k, signatures in enumerate(sheets or [None]):
            sid = f"{gid}-{k}"
            led.issued.append(Issued(sid, gid, gid.title(), lang, "case-a", audience))
            if signatures is not None:
                led.scanned.append(Scanned(sid, signatures, 0, "read"))
        if letters:
            led.counts.append(HandCount(gid, None, letters, 0))
    return led


def ranks(results) -> dict[str, tuple]:
    return {g.group_id: (g.rank, g.tied, g.winner) for g in results.groups}


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    r = compute_ledger(config(prize_top=2), ledger(("a", "en", "adult", [10], 0), ("b", "en", "adult", [8], 0),
                                                   ("c", "en", "adult", [8], 0), ("d", "en", "adult", [5], 0)))
    assert ranks(r) == {"a": (1, False, True), "b": (2, True, True), "c": (2, True, True), "d": (4, False, False)}
    assert [g.group_id for g in r.winners] == ["a", "b", "c"]      # tied for the last winning place: both win
    assert r.has_ties


def test_prize_per_audience_and_minimum_total():
    r = compute_ledger(config(prize_top=1, prize_scope="audience", prize_min=9),
                       ledger(("a", "en", "adult", [10], 0), ("b", "en", "adult", [12], 0),
                              ("y", "fr", "youth", [7], 0), ("z", "fr", "youth", [3], 0)))
    assert ranks(r) == {"b": (1, False, True), "a": (2, False, False), "y": (1, False, False),
                        "z": (2, False, False)}                 # y is first of its audience but below 9
    assert {g.group_id: g.ranking for g in r.groups} == {"a": "adult", "b": "adult", "y": "youth", "z": "youth"}


def test_weights_and_per_member_ranking():
    led = ledger(("a", "en", "adult", [10], 4), ("b", "en", "adult", [2], 10), ("c", "en", "adult", [30], 0))
    led.counts += [HandCount("a", None, 0, 0, members=2), HandCount("b", None, 0, 0, members=20)]
    r = compute_ledger(config(signatures=1, letters=3, online=0, per_member=True, prize_top=1), led)
    totals = {g.group_id: g.total for g in r.groups}
    assert totals == {"a": 22, "b": 32, "c": 30}
    # per member: a 11, b 1.6; c gave no size and cannot be compared fairly: listed, not ranked
    assert ranks(r) == {"a": (1, False, True), "b": (2, False, False), "c": (None, False, False)}
    csv = results_csv(r).decode().splitlines()
    assert csv[1].startswith("a,A,en,1,1,10,0,4,0,22,1,,yes,all,2,11")


def test_scanned_sheets_win_over_the_groups_own_tally_of_the_same_case():
    led = ledger(("a", "en", "adult", [10, 5], 0))
    led.counts += [HandCount("a", "case-a", 2, 20), HandCount("a", "case-b", 0, 7)]   # case-b was not scanned
    led.online += [Online("a", "a-0", "case-a", 3), Online(None, None, None, 4)]
    r = compute_ledger(config(), led)
    a = r.groups[0]
    assert (a.figures.signatures, a.figures.letters, a.figures.online) == (15 + 7, 2, 3)
    assert r.unattributed_online == 4 and r.totals.online == 7


def test_a_sheet_waiting_for_review_counts_once_staff_set_it():
    led = ledger(("a", "en", "adult", [None], 0))
    led.issued.append(Issued("a-x", "a", "A", "en", "case-a"))
    led.scanned.append(Scanned("a-x", 9, 0, "review"))
    r = compute_ledger(config(), led)
    assert (r.groups[0].figures.signatures, r.to_review, r.groups[0].rank) == (0, 1, None)
    led.scanned.append(Scanned("a-x", 11, 2, "set"))
    r = compute_ledger(config(), led)
    assert (r.groups[0].figures.signatures, r.to_review, r.groups[0].sheets_returned) == (11, 0, 1)


def test_report_wraps_long_names_and_titles_each_ranking(tmp_path):
    """A name too long for its column wraps (never cut, never an error); with a prize per
    language, each ranking has its heading, in the report's language."""
    import subprocess
    from w4r_kit.load import load_project
    from w4r_kit.project import Project
    from w4r_kit.results import report_pdf
    from conftest import ROOT
    kit = load_project(Project.at(ROOT, tmp_path), allow_incomplete=True)
    kit.config = replace(kit.config, results=ResultsConfig(prize_scope="lang", prize_top=1))
    long_name = "Amnesty-Grupp Diekirch-Nord an Ettelbréck, Gemeinschaft vun de Fräiwëllegen"
    led = ledger(("a", "en", "adult", [10], 0), ("b", "fr", "adult", [12], 0), ("c", "lb", "youth", [3], 0))
    led.issued = [replace(i, group_name=long_name) if i.group_id == "c" else i for i in led.issued]
    pdf = tmp_path / "results-en.pdf"
    pdf.write_bytes(report_pdf(kit, compute_ledger(kit.config, led), "en"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Groups in French" in text and "Groups in Luxembourgish" in text and "Groups in English" in text
    assert long_name in text


def test_public_ranking_has_names_and_totals_only():
    from w4r_kit.results import public_ranking
    r = compute_ledger(config(prize_top=1), ledger(("a", "en", "adult", [4], 0), ("b", "en", "adult", [9], 0),
                                                   ("c", "en", "adult", [None], 0)))
    rows = public_ranking(r)
    assert [(row.rank, row.group_name, row.total, row.winner) for row in rows] == [(1, "B", 9, True), (2, "A", 4, False)]
    assert not hasattr(rows[0], "consent_yes") and not hasattr(rows[0], "group_id")


def test_photocopied_master_sheets_count_per_case_and_in_the_totals_never_in_a_ranking():
    led = ledger(("a", "en", "adult", [10], 0), ("b", "en", "adult", [4], 0))
    led.masters += [HandCount("", "case-a", 0, 12), HandCount("", "case-a", 0, 3), HandCount("", "case-b", 0, 5)]
    r = compute_ledger(config(prize_top=1), led)
    assert {g.group_id: (g.figures.signatures, g.rank) for g in r.groups} == {"a": (10, 1), "b": (4, 2)}
    assert r.without_group == {"case-a": Figures(15), "case-b": Figures(5)}
    assert r.by_case["case-a"].signatures == 10 + 4 + 15 and r.by_case["case-b"].signatures == 5
    assert r.totals.signatures == 14 + 20
    assert [g.group_id for g in r.winners] == ["a"]
    assert "" not in {g.group_id for g in r.groups}
