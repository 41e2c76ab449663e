"""The self-service page (SPEC §11): routes over the library API, nothing else.

Every route parses its form, calls the same library function the CLI calls
(packs / batch / registry) and renders a template or sends the file. Bad input is
the page again, status 4xx, with the library's messages beside their fields.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.exc import SQLAlchemyError
from python_multipart.multipart import parse_options_header
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import batch, packs
from ..errors import KitError, Problem, Problems
from ..load import Kit, load_project
from ..project import Project
from ..registry import campaign_name, issue, pack_keys, record_packs
from ..tracking import slug
from . import i18n, results_pages, staff, uploads, workers
from .security import CSRF_FIELD, SecurityHeaders, csrf_ok, csrf_token
from .workers import Renderer, RendererGone

SESSION_SECONDS = 8 * 3600          # the cookie (form tokens, page language) lives a working day
MAX_FORM_BYTES = 16 * 1024          # the public form: a few short fields
FORM_FIELDS = {"name", "lang", "cases", "audience", "sheets", "contact"}
MAX_LISTED_PROBLEMS = 25            # beside an upload; the rest are counted
FORM_PAGE_OF = {"/staff/login": "/staff/login", "/staff/logout": "/staff/login"}    # else "/"
SECRET_FILE = ".w4r-kit-secret"     # shared by every server process of a project


@dataclasses.dataclass
class Site:
    """What every route needs: the kit, the renderer, the registry, the templates."""

    project: Project
    kit: Kit
    renderer: Renderer
    env: Environment
    staff_seconds: int
    registry_url: str | None = None
    _registry: object = None

    @property
    def registry(self):
        if self._registry is None:
            from ..registry import Registry
            self._registry = (Registry.open_url(self.registry_url) if self.registry_url
                              else Registry.open(self.project, self.kit.config))
        return self._registry

    @property
    def campaign(self) -> str:
        return campaign_name(self.kit.config.section.short, self.kit.config.campaign.year)


# --------------------------------------------------------------------------- helpers

def site(request: Request) -> Site:
    return request.app.state.site


def ui_lang(request: Request) -> str:
    """The page language: ?ui=, else the visitor's earlier choice, else the browser's."""
    offered = i18n.languages()
    asked = request.query_params.get("ui")
    if asked in offered:
        request.session["ui"] = asked
        return asked
    if request.session.get("ui") in offered:
        return request.session["ui"]
    return i18n.from_accept_language(request.headers.get("accept-language"), offered) or i18n.FALLBACK


def page(request: Request, template: str, status: int = 200, headers: dict | None = None, **context) -> HTMLResponse:
    s = site(request)
    lang = context.pop("ui", None) or ui_lang(request)
    cfg = s.kit.config

    def switch(code: str) -> str:
        if request.method != "GET":          # a form's answer: the language links lead to its page
            return f"{FORM_PAGE_OF.get(request.url.path, '/')}?{urlencode({'ui': code})}"
        query = dict(request.query_params, ui=code)
        return f"{request.url.path}?{urlencode(query)}"

    offered = i18n.languages()
    order = [c for c in cfg.campaign.languages if c in offered] + [c for c in offered if c not in cfg.campaign.languages]
    html = s.env.get_template(template).render(
        w=i18n.PageWords(lang), ui=lang, ui_languages=[(code, i18n.words(code)["language_name"], switch(code))
                                                       for code in order],
        csrf=csrf_token(request.session), csrf_field=CSRF_FIELD, section=cfg.section,
        campaign_title=cfg.campaign.title.get(lang) or next(iter(cfg.campaign.title.values()), ""),
        year=cfg.campaign.year, staff_name=staff.signed_in(request),
        public_ranking=cfg.results.public_ranking, **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def download(data: bytes, filename: str, media_type: str) -> Response:
    # The name is always ours (slug + fixed suffix); quoted for the header anyway.
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"content-disposition": disposition})


class TooLarge(Exception):
    pass


class BadForm(Exception):
    pass


async def bounded_form(request: Request, limit: int, max_files: int = 0, max_fields: int = 40) -> FormData:
    """The form, refusing bodies over `limit` bytes before parsing them (Starlette's own
    limits bound fields, not files)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise TooLarge()
    body, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge()
        body.append(chunk)
    data = b"".join(body)

    async def stream():
        yield data

    content_type, _ = parse_options_header(request.headers.get("content-type", ""))
    try:
        if content_type == b"multipart/form-data":
            return await MultiPartParser(request.headers, stream(), max_files=max_files, max_fields=max_fields,
                                         max_part_size=limit).parse()
        if content_type == b"application/x-www-form-urlencoded":
            return await FormParser(request.headers, stream(), max_fields=max_fields, max_part_size=limit).parse()
    except MultiPartException as exc:
        raise BadForm(str(exc)) from None
    raise BadForm("not a form")


def field_errors(problems: list[Problem] | tuple[Problem, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems:
        if not problem.warning:
            found.setdefault(problem.field or "form", []).append(problem.message)
    return found


# --------------------------------------------------------------------------- public pages

def _form_context(s: Site, ui: str, values: dict | None = None) -> dict:
    kit = s.kit
    languages = kit.config.campaign.languages
    sheet_lang = (values or {}).get("lang") or (ui if ui in languages else languages[0])
    shown = {c.id: c for c in kit.cases_for(sheet_lang)}          # with their names in that language
    cases = [{"id": c.id, "name": shown.get(c.id, c).name, "country": c.country.get(sheet_lang, ""),
              "theme": c.theme.get(sheet_lang, ""), "available": c.id in shown}
             for c in kit.cases]
    defaults = {"lang": sheet_lang, "audience": kit.config.signatures.audience, "sheets": "3",
                "cases": [], "name": "", "contact": "", "case_material": True}
    return {"cases": cases, "languages": [(code, _language_name(kit, code)) for code in languages],
            "values": {**defaults, **(values or {})}, "rows": kit.config.signatures.rows,
            "max_sheets": packs.MAX_SHEETS, "max_groups": uploads.MAX_GROUPS,
            "max_upload_sheets": uploads.MAX_UPLOAD_SHEETS,
            "return_by": kit.words[sheet_lang].date(kit.config.campaign.return_by)
            if kit.config.campaign.return_by and sheet_lang in kit.words else ""}


def _language_name(kit: Kit, code: str) -> str:
    try:
        return i18n.words(code)["language_name"]
    except (FileNotFoundError, OSError):
        return code


async def home(request: Request) -> HTMLResponse:
    s = site(request)
    ui = ui_lang(request)
    return page(request, "index.html", ui=ui, **_form_context(s, ui))


def _form_page(request: Request, ui: str, values: dict, errors: dict[str, list[str]], status: int,
               upload_errors: dict[str, list[str]] | None = None) -> HTMLResponse:
    s = site(request)
    return page(request, "index.html", status, ui=ui, errors=errors, upload_errors=upload_errors or {},
                **_form_context(s, ui, values))


async def make_pack(request: Request) -> Response:
    s = site(request)
    ui = ui_lang(request)
    try:
        form = await bounded_form(request, MAX_FORM_BYTES)
    except (TooLarge, BadForm):
        return _form_page(request, ui, {}, {"form": ["the form could not be read; reload the page and send it "
                                                     "again"]}, 400)
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        return csrf_failed(request)
    values = {key: str(form.get(key, "")) for key in ("name", "lang", "audience", "sheets", "contact")}
    values["cases"] = [str(v) for v in form.getlist("cases")][:len(s.kit.cases) + 1]
    values["case_material"] = form.get("case_material") == "yes"
    order = packs.Order(name=values["name"], lang=values["lang"], cases=tuple(values["cases"]),
                        audience=values["audience"], sheets=values["sheets"], contact=values["contact"],
                        case_material=values["case_material"])
    group, problems = packs.check_order(s.kit, order)
    if group is None:
        return _form_page(request, ui, values, field_errors(problems), 422)
    issued_by = staff.signed_in(request)
    try:
        data = await run_in_threadpool(issue_packs, s, [group], order.case_material, issued_by)
    except KitError as exc:
        errors = field_errors(exc.problems)
        if set(errors) <= FORM_FIELDS:           # a text of the visitor's that does not fit
            return _form_page(request, ui, values, errors, 422)
        return busy(request)                     # the registry's trouble, not the visitor's
    except (RendererGone, SQLAlchemyError):
        return busy(request)
    return download(data, packs.file_name(group), "application/pdf")


def issue_packs(s: Site, groups: list, case_material: bool, issued_by: str | None) -> bytes:
    """Render the packs of `groups` and record them, route "web", through the registry's one
    code path (registry.issue: ids settled, rendered, recorded in one transaction; again
    with fresh ids if another writer took one). Nothing reaches the visitor unrecorded.

    A visitor's group (case_material True/False): its pack as PDF; an upload's groups
    (case_material None): a zip of their packs and the manifest.
    """
    kit, registry = s.kit, s.registry
    planned = batch.plan(kit, groups, None)

    def attempt(ids):
        if case_material is not None:
            data, rows, _ = s.renderer.call(workers.visitor_pack, groups[0], case_material, ids)
        else:
            data, rows = s.renderer.call(workers.groups_zip, groups, ids)
        record_packs(registry, kit, batch.plan(kit, groups, None, ids), rows, "web", issued_by=issued_by)
        return data
    return issue(registry, pack_keys(kit, planned), attempt)


async def make_groups(request: Request) -> Response:
    s = site(request)
    ui = ui_lang(request)

    def refused(messages: list[str], status: int) -> HTMLResponse:
        return _form_page(request, ui, {}, {}, status, {"groups_file": messages})

    try:
        form = await bounded_form(request, uploads.MAX_UPLOAD_BYTES + 8192, max_files=1)
    except TooLarge:
        return refused([f"is larger than {uploads.MAX_UPLOAD_BYTES // 1024} KB; split the file"], 413)
    except BadForm:
        return refused(["could not be read; choose the file again and send it"], 400)
    if not csrf_ok(request.session, form.get(CSRF_FIELD)):
        return csrf_failed(request)
    upload = form.get("groups_file")
    if not isinstance(upload, UploadFile):
        return refused(["choose a CSV or Excel (.xlsx) file"], 400)
    display = Path(upload.filename or "groups.csv").name[:80] or "groups.csv"
    data = await upload.read()
    if len(data) > uploads.MAX_UPLOAD_BYTES:
        return refused([f"is larger than {uploads.MAX_UPLOAD_BYTES // 1024} KB; split the file"], 413)
    suffix = uploads.suffix_for(data, display)
    try:
        uploads.check_bounds(data, suffix)
        groups = await run_in_threadpool(_check_groups, s.kit, data, suffix)
    except uploads.BadUpload as exc:
        return refused([f"{display}: {exc}"], 422)
    except KitError as exc:
        lines = [str(dataclasses.replace(p, file=display if p.file else p.file)) for p in exc.problems
                 if not p.warning]
        if len(lines) > MAX_LISTED_PROBLEMS:
            lines = lines[:MAX_LISTED_PROBLEMS] + [f"… and {len(lines) - MAX_LISTED_PROBLEMS} more problems"]
        return refused(lines, 422)
    try:
        data = await run_in_threadpool(issue_packs, s, groups, None, staff.signed_in(request))
    except KitError as exc:
        return refused([str(dataclasses.replace(p, file=display)) for p in exc.problems if not p.warning], 422)
    except (RendererGone, SQLAlchemyError):
        return busy(request)
    return download(data, f"{slug(Path(display).stem)}.zip", "application/zip")


def _check_groups(kit: Kit, data: bytes, suffix: str):
    """The groups file through the `signatures` checks (batch.packs_for), plus the bounds of an upload."""
    with tempfile.TemporaryDirectory(prefix="w4r-upload-") as folder:
        path = Path(folder) / f"groups{suffix}"     # our name, never the visitor's
        path.write_bytes(data)
        problems = Problems(Path(folder))
        planned = batch.packs_for(kit, path, None, problems)
        for pack in planned:
            for message in packs.formula_problems(pack.group.name):
                problems.add(message, path, pack.group.line, "name")
        problems.raise_if_errors()
    if len(planned) > uploads.MAX_GROUPS:
        raise KitError(Problem(path.name, 0, "", f"has {len(planned)} groups; at most {uploads.MAX_GROUPS} fit in "
                               "one upload: split the file"))
    total = sum(len(labels) for pack in planned for labels in pack.labels.values())
    if total > uploads.MAX_UPLOAD_SHEETS:
        raise KitError(Problem(path.name, 0, "sheets", f"asks for {total} signature sheets; at most "
                               f"{uploads.MAX_UPLOAD_SHEETS} in one upload: split the file"))
    return [pack.group for pack in planned]


def _case_or_404(s: Site, case_id: str, lang: str):
    """The case as the pages of `lang` show it; 404 unless it is complete in that language."""
    if lang not in s.kit.config.campaign.languages:
        raise HTTPException(404)
    case = next((c for c in s.kit.cases_for(lang) if c.id == case_id), None)
    if case is None:
        raise HTTPException(404)
    return case


async def case_page(request: Request) -> HTMLResponse:
    s = site(request)
    lang = request.path_params["lang"]
    case = _case_or_404(s, request.path_params["case_id"], lang)
    others = [(code, _language_name(s.kit, code)) for code in s.kit.config.campaign.languages
              if code != lang and any(c.id == case.id for c in s.kit.cases_for(code))]
    paragraphs = [p.strip() for p in case.story.get(lang, "").split("\n\n") if p.strip()]
    return page(request, "case.html", case=case, lang=lang, others=others, headline=case.headline[lang],
                story=paragraphs, ask=case.ask[lang], country=case.country[lang], theme=case.theme[lang])


async def case_document(request: Request) -> Response:
    s = site(request)
    lang, kind = request.path_params["lang"], request.path_params["kind"]
    case = _case_or_404(s, request.path_params["case_id"], lang)
    if kind not in packs.KINDS:
        raise HTTPException(404)
    try:
        data = await s.renderer.run(workers.case_document, case.id, lang, kind)
    except RendererGone:
        return busy(request)
    return download(data, f"{case.id}-{kind}-{lang}.pdf", "application/pdf")


def busy(request: Request) -> HTMLResponse:
    """503: the server could not finish (a render process died, the database is away); nothing
    was recorded, the visitor may send the form again."""
    return page(request, "message.html", 503, title_key="busy_title", text_key="busy_text")


def csrf_failed(request: Request) -> HTMLResponse:
    return page(request, "message.html", 403, title_key="csrf_title", text_key="csrf_text")


async def not_found(request: Request, exc: Exception) -> HTMLResponse:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return page(request, "message.html", 405, title_key="method_title", text_key="not_found_text")
    return page(request, "message.html", status if 400 <= status < 500 else 404,
                title_key="not_found_title", text_key="not_found_text")


async def server_error(request: Request, exc: Exception) -> HTMLResponse:
    # The last line of defence: never a traceback on the page.
    return page(request, "message.html", 500, title_key="busy_title", text_key="busy_text")


# --------------------------------------------------------------------------- the app

def secret_key(project: Project) -> str:
    """W4R_KIT_SECRET, else a random key kept in the project (0600), made on first start;
    every server process of the project signs cookies with it."""
    if os.environ.get("W4R_KIT_SECRET"):
        return os.environ["W4R_KIT_SECRET"]
    path = project.root / SECRET_FILE
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    for _ in range(50):                       # another process may be writing it this instant
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise KitError(Problem(SECRET_FILE, 0, "", "is empty; delete it and start the server again"))


def create_app(project: Project, processes: int = 2, staff_seconds: int = 30 * 60,
               registry_url: str | None = None, https_only: bool = False) -> Starlette:
    """The self-service app for one kit project; raises KitError if the project does not load."""
    kit = load_project(project, allow_incomplete=True)
    env = Environment(loader=PackageLoader("w4r_kit.web", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    renderer = Renderer(project.root, processes)
    the_site = Site(project, kit, renderer, env, staff_seconds, registry_url)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(lambda: the_site.registry)      # migrate before the first visitor
        await run_in_threadpool(renderer.warm_up)
        try:
            yield
        finally:
            renderer.close()

    routes = [
        Route("/", home),
        Route("/pack", make_pack, methods=["POST"]),
        Route("/groups", make_groups, methods=["POST"]),
        Route("/cases/{case_id}/{lang}", case_page),
        Route("/cases/{case_id}/{lang}/{kind}.pdf", case_document),
        *staff.routes,
        *results_pages.routes,
        Mount("/static", StaticFiles(packages=[("w4r_kit.web", "static")]), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders),
                  Middleware(SessionMiddleware, secret_key=secret_key(project), session_cookie="w4r_session",
                             max_age=SESSION_SECONDS, same_site="lax", https_only=https_only),
                  Middleware(staff.StaffSessions)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: not_found, 500: server_error})
    app.state.site = the_site
    return app
