"""Staff pages (/staff): sign-in with an argon2-hashed password, sessions that expire,
the packs issued (filters, CSV and Excel exports). Nothing personal without sign-in."""
from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..tables import inert
from .security import CSRF_FIELD, csrf_ok

_hasher = PasswordHasher()
# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")
MAX_NAME = 200
MIN_PASSWORD = 10
MAX_PASSWORD = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def account_problems(name: str, password: str) -> list[str]:
    """What is wrong with a new staff account (the `staff add` command)."""
    problems = []
    if not name.strip() or len(name) > MAX_NAME or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        problems.append(f"NAME must be 1 to {MAX_NAME} characters, without control characters")
    if len(password) < MIN_PASSWORD:
        problems.append(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        problems.append(f"the password must have at most {MAX_PASSWORD} characters")
    return problems


def check_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


SESSION_TOKEN = "staff_token"


def signed_in(request: Request) -> str | None:
    """The staff name of this request's session, as StaffSessions found it in the registry."""
    return getattr(request.state, "staff_name", None)


def _clock() -> dt.datetime:
    return dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)


class StaffSessions:
    """Looks the session's sign-in up in the registry once per request, before any route:
    `request.state.staff_name` is the staff name, or None. Sessions are server-side (only a
    token in the cookie), so signing out, or a new password, ends them on every server; one
    idle for longer than the site's `staff_seconds` ends too and the next page says so."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope.setdefault("state", {})
            state["staff_name"] = None
            session = scope.get("session")
            token = session.get(SESSION_TOKEN) if session is not None else None
            if isinstance(token, str):
                site = scope["app"].state.site
                try:
                    name = await run_in_threadpool(site.registry.staff_session, token, site.staff_seconds, _clock())
                except SQLAlchemyError:
                    name = None                     # the registry is away: signed out, not a 500
                else:
                    if name is None:
                        session.pop(SESSION_TOKEN, None)
                        session["staff_expired"] = True
                state["staff_name"] = name
        await self.app(scope, receive, send)


THROTTLE_FAILURES = 10         # wrong passwords for one name ...
THROTTLE_SECONDS = 15 * 60     # ... within this long: that name waits until the oldest is this old


class Attempts:
    """Failed sign-ins per name, in this server process: guessing a password stays slow."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(name.casefold(), []) if now - t < THROTTLE_SECONDS]
        self._failures[name.casefold()] = kept
        return kept

    def blocked(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name, time.time())) >= THROTTLE_FAILURES

    def failed(self, name: str) -> None:
        with self._lock:
            if len(self._failures) > 10_000:        # bounded: names are the visitor's to invent
                self._failures.clear()
            self._recent(name, time.time()).append(time.time())

    def clear(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.casefold(), None)


_attempts = Attempts()


def _site(request: Request):
    return request.app.state.site


async def login_page(request: Request) -> Response:
    from .app import page
    expired = request.session.pop("staff_expired", False)
    return page(request, "staff_login.html", 401 if expired else 200,
                errors={"form": ["login_expired"]} if expired else {}, name="")


async def login(request: Request) -> Response:
    from .app import BadForm, TooLarge, bounded_form, csrf_failed, page
    try:
        form = await bounded_form(request, 8192)
    except (TooLarge, BadForm):
        return page(request, "staff_login.html", 400, errors={"form": ["login_failed"]}, name="")
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        return csrf_failed(request)
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    if _attempts.blocked(name):
        return page(request, "staff_login.html", 429, errors={"form": ["login_throttled"]}, name=name[:MAX_NAME],
                    headers={"retry-after": str(THROTTLE_SECONDS)})
    site = _site(request)
    stored = await run_in_threadpool(site.registry.staff_hash, name) if name else None
    ok = await run_in_threadpool(check_password, stored, password)
    if not ok:
        _attempts.failed(name)
        return page(request, "staff_login.html", 401, errors={"form": ["login_failed"]}, name=name[:MAX_NAME])
    _attempts.clear(name)
    ui = request.session.get("ui")
    request.session.clear()                 # a new session on sign-in: no fixation
    if ui:
        request.session["ui"] = ui
    request.session[SESSION_TOKEN] = await run_in_threadpool(site.registry.start_staff_session, name, _clock())
    return RedirectResponse("/staff", status_code=303)


async def logout(request: Request) -> Response:
    from .app import BadForm, TooLarge, bounded_form, csrf_failed
    try:
        form = await bounded_form(request, 4096)
    except (TooLarge, BadForm):
        form = {}
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        return csrf_failed(request)
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        await run_in_threadpool(_site(request).registry.end_staff_session, token)
    ui = request.session.get("ui")
    request.session.clear()
    if ui:
        request.session["ui"] = ui
    return RedirectResponse("/staff/login", status_code=303)


FILTERS = ("route", "group", "lang", "case")


def _filters(request: Request) -> dict[str, str | None]:
    return {key: (request.query_params.get(key) or "").strip()[:200] or None for key in FILTERS}


async def packs_page(request: Request) -> Response:
    from .app import page
    site = _site(request)
    if not signed_in(request):
        return RedirectResponse("/staff/login", status_code=303)
    filters = _filters(request)
    found, returned = await run_in_threadpool(_packs_and_returns, site.registry, filters, PAGE_PACKS + 1)
    more = len(found) > PAGE_PACKS
    found = found[:PAGE_PACKS]
    from ..registry.schema import ROUTES
    rows = [_row(p, returned.get(p.id)) for p in found]
    return page(request, "staff.html", packs=rows, filters=filters, routes=ROUTES,
                languages=site.kit.config.campaign.languages, cases=[c.id for c in site.kit.cases],
                total_sheets=sum(r["sheets"] for r in rows), more=more, shown=PAGE_PACKS,
                query=request.url.query)


EXPORT_COLUMNS = ("pack_id", "issued_at", "route", "issued_by", "group_id", "group_name", "contact", "lang",
                  "audience", "cases", "sheets", "sheets_returned", "signatures", "to_review")


@dataclass
class Returned:
    """What came back of one pack's sheets (SPEC §12): read or set by staff, or waiting for review."""

    sheets: int = 0
    signatures: int = 0
    review: int = 0


PAGE_PACKS = 500        # packs shown on the page (newest first); the exports have them all


def _packs_and_returns(registry, filters: dict, limit: int | None = None) -> tuple[list, dict[int, Returned]]:
    """The packs asked for, and per pack what came back of its sheets (one look-up of the returns;
    the sheets of the campaign only when something came back)."""
    found = registry.packs(**filters, limit=limit)
    returns = registry.returns()
    by_pack: dict[int, Returned] = {}
    if returns and found:
        pack_of = {s.sheet_id: s.pack_id for campaign in {p.campaign for p in found}
                   for s in registry.sheets(campaign=campaign) if s.sheet_id in returns}
        for sheet_id, ret in returns.items():
            pack = by_pack.setdefault(pack_of.get(sheet_id, -1), Returned())
            if ret.status == "review":
                pack.review += 1
            else:
                pack.sheets += 1
                pack.signatures += ret.signatures or 0
    return found, by_pack


def _row(pack, returned: Returned | None = None) -> dict:
    """One registry.PackRecord as the page and the exports show it."""
    returned = returned or Returned()
    return {"pack_id": pack.id, "issued_at": pack.issued_at.strftime("%Y-%m-%d %H:%M") if pack.issued_at else "",
            "route": pack.route, "issued_by": pack.issued_by or "", "group_id": pack.group_id,
            "group_name": pack.group_name, "contact": pack.contact or "", "lang": pack.lang,
            "audience": pack.audience, "cases": " ".join(pack.cases), "sheets": pack.sheets,
            "sheets_returned": returned.sheets, "signatures": returned.signatures, "to_review": returned.review}


async def export(request: Request) -> Response:
    from .app import download
    site = _site(request)
    if not signed_in(request):
        return RedirectResponse("/staff/login", status_code=303)
    kind = request.path_params["kind"]
    if kind not in ("csv", "xlsx"):
        from starlette.exceptions import HTTPException
        raise HTTPException(404)
    found, returned = await run_in_threadpool(_packs_and_returns, site.registry, _filters(request))
    rows = [[inert(r[c]) for c in EXPORT_COLUMNS] for r in (_row(p, returned.get(p.id)) for p in found)]
    name = f"packs-{site.campaign}"
    if kind == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
        return download(("\ufeff" + out.getvalue()).encode("utf-8"), f"{name}.csv", "text/csv; charset=utf-8")
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet("packs")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), f"{name}.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


routes = [
    Route("/staff", packs_page),
    Route("/staff/login", login_page),
    Route("/staff/login", login, methods=["POST"]),
    Route("/staff/logout", logout, methods=["POST"]),
    Route("/staff/export.{kind:str}", export),
]
