"""Results on the self-service page (SPEC §12): the staff results page, its CSV and Excel
downloads, and the public ranking a section may turn on ([results] public_ranking).

Every figure comes from results.compute (the function `w4r-kit results` calls) and the
downloads from results_csv / results_xlsx (the bytes the command writes); this module only
arranges them for the page.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import results as season
from ..layout.results_report import ranking_title, rule_sentences
from ..numbers import number
from ..strings import Words
from . import staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def printed_words(kit, ui: str) -> Words:
    """The kit's printed words in the page language (the rule is said as the report prints it);
    the first campaign language when the kit has no words in the page language."""
    return kit.words.get(ui) or kit.words[next(lang for lang in kit.config.campaign.languages if lang in kit.words)]


@dataclass(frozen=True)
class Ranking:
    """One ranking of the prize scope (all groups, an audience, a language) and its rows."""

    title: str
    rows: list[dict]


def rank_text(group: season.GroupResult | season.PublicRow) -> str:
    """'2=' for a shared rank, as the report prints it; '' for a group that is not ranked."""
    if group.rank is None:
        return ""
    return f"{group.rank}=" if group.tied else str(group.rank)


def _rankings(words: Words, groups, row) -> list[Ranking]:
    """The groups, already in ranking order, cut into their rankings."""
    out: list[Ranking] = []
    current = None
    for g in groups:
        if g.ranking != current:
            current = g.ranking
            out.append(Ranking(ranking_title(words, current), []))
        out[-1].rows.append(row(g))
    return out


def staff_view(kit, results: season.Results, ui: str) -> dict:
    """What the staff results page shows, formatted as the page language writes numbers."""
    words = printed_words(kit, ui)
    rule = results.rule

    def n(value: float) -> str:
        return number(words, value)

    def row(g: season.GroupResult) -> dict:
        f = g.figures
        return {"rank": rank_text(g), "group_name": g.group_name, "group_id": g.group_id, "lang": g.lang,
                "sheets_issued": n(g.sheets_issued), "sheets_returned": n(g.sheets_returned),
                "signatures": n(f.signatures), "consent_yes": n(f.consent_yes), "letters": n(f.letters),
                "online": n(f.online), "total": n(g.total), "winner": g.winner,
                "per_member": n(round(g.total / g.members, 2)) if g.members else ""}

    names = {c.id: c.name_in(words.lang) for c in kit.cases}
    order = [c.id for c in kit.cases]
    by_case = sorted(results.by_case.items(), key=lambda item: (order.index(item[0]) if item[0] in order
                                                                 else len(order), item[0]))
    cases = [{"id": case, "name": names.get(case, case), "signatures": n(f.signatures),
              "consent_yes": n(f.consent_yes), "letters": n(f.letters), "online": n(f.online),
              "total": n(f.total(rule))} for case, f in by_case]
    w = results.without_case
    without_case = ({"signatures": n(w.signatures), "consent_yes": n(w.consent_yes), "letters": n(w.letters),
                     "online": n(w.online), "total": n(w.total(rule))}
                    if (w.signatures or w.letters or w.online) else None)
    prize = rule.prize.get(words.lang) if rule.prize_top else None
    t = results.totals
    return {"totals": {"signatures": n(t.signatures), "consent_yes": n(t.consent_yes), "letters": n(t.letters),
                       "online": n(t.online), "points": n(results.total), "groups": n(len(results.groups)),
                       "participants": n(len(results.participants)), "winners": n(len(results.winners)),
                       "sheets_issued": n(results.sheets_issued), "sheets_returned": n(results.sheets_returned)},
            "rule_lines": rule_sentences(words, results),
            "prize_line": words.get("results_prize_what", prize=prize) if prize else "",
            "rankings": _rankings(words, results.groups, row), "per_member": rule.per_member,
            "prize_on": rule.prize_top > 0, "cases": cases, "without_case": without_case,
            "unattributed": n(results.unattributed_online) if results.unattributed_online else "",
            "to_review": n(results.to_review) if results.to_review else "", "has_groups": bool(results.groups)}


def public_view(kit, results: season.Results, ui: str) -> dict:
    """The public ranking: rank, group name and total of the ranked groups, nothing else."""
    words = printed_words(kit, ui)
    rows = season.public_ranking(results)

    def row(r: season.PublicRow) -> dict:
        return {"rank": rank_text(r), "group_name": r.group_name,
                "total": number(words, r.total)}
    return {"rankings": _rankings(words, rows, row)}


class RegistryAway(Exception):
    """The registry could not be read: the page says "try again" (503), never a traceback."""


def away(request: Request) -> Response:
    from .app import page
    return page(request, "message.html", 503, title_key="busy_title", text_key="results_busy_text")


async def _compute(site) -> season.Results:
    try:
        return await run_in_threadpool(season.compute, site.kit, site.registry)
    except SQLAlchemyError:
        raise RegistryAway() from None


async def results_page(request: Request) -> Response:
    from .app import page, site, ui_lang
    s = site(request)
    if not staff.signed_in(request):
        return RedirectResponse("/staff/login", status_code=303)
    ui = ui_lang(request)
    try:
        results = await _compute(s)
    except RegistryAway:
        return away(request)
    return page(request, "staff_results.html", ui=ui, **staff_view(s.kit, results, ui))


async def results_download(request: Request) -> Response:
    from .app import download, site
    s = site(request)
    if not staff.signed_in(request):
        return RedirectResponse("/staff/login", status_code=303)
    kind = request.path_params["kind"]
    if kind not in ("csv", "xlsx"):
        raise HTTPException(404)
    try:
        results = await _compute(s)
    except RegistryAway:
        return away(request)
    if kind == "csv":
        return download(season.results_csv(results), f"results-{s.campaign}.csv", "text/csv; charset=utf-8")
    data = await run_in_threadpool(season.results_xlsx, results)
    return download(data, f"results-{s.campaign}.xlsx", XLSX)


async def ranking_page(request: Request) -> Response:
    from .app import page, site, ui_lang
    s = site(request)
    if not s.kit.config.results.public_ranking:
        raise HTTPException(404)
    ui = ui_lang(request)
    try:
        results = await _compute(s)
    except RegistryAway:
        return away(request)
    return page(request, "ranking.html", ui=ui, **public_view(s.kit, results, ui))


routes = [
    Route("/staff/results", results_page),
    Route("/staff/results.{kind:str}", results_download),
    Route("/ranking", ranking_page),
]
