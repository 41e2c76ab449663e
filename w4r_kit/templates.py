"""Load stage: the one Jinja environment for model letters, and its lookup order.

Lookup for case C in language L: `L/C.j2` then `L/letter.j2` in the project's
letter_templates/, then the package default. `{% extends "!default/L/letter.j2" %}`
reaches the package default from a project template. Templates run sandboxed
(no access to Python internals) and an undefined variable is an error.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .errors import Problems
from .model import Case, KitConfig
from .project import Project
from .strings import DATA

DEFAULT_PREFIX = "!default"


def environment(project: Project) -> SandboxedEnvironment:
    loader = jinja2.PrefixLoader({
        DEFAULT_PREFIX: jinja2.FileSystemLoader(str(DATA / "letter_templates")),
    }, delimiter="/")
    return SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([loader, jinja2.FileSystemLoader(str(project.templates_dir))]),
        undefined=jinja2.StrictUndefined, autoescape=False, auto_reload=False,
        keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


def template_names(case_id: str, lang: str) -> list[str]:
    return [f"{lang}/{case_id}.j2", f"{lang}/letter.j2", f"{DEFAULT_PREFIX}/{lang}/letter.j2"]


def letter_context(config: KitConfig, case: Case, lang: str) -> dict[str, Any]:
    """What a letter template may use: plain strings in the language of the letter."""
    a = case.addressee
    return {
        "lang": lang,
        "case": {
            "id": case.id, "name": case.name, "country": case.country.get(lang, ""),
            "theme": case.theme.get(lang, ""), "headline": case.headline.get(lang, ""),
            "ask": case.ask.get(lang, ""),
            "addressee": {"name": a.name, "title": a.title.get(lang, ""),
                          "salutation": a.salutation.get(lang, ""), "address": list(a.address)},
        },
        "section": {"name": config.section.name, "short": config.section.short,
                    "email": config.section.email, "website": config.section.website},
        "campaign": {"year": config.campaign.year, "title": config.campaign.title.get(lang, "")},
    }


def render_letter(env: SandboxedEnvironment, project: Project, config: KitConfig, case: Case,
                  lang: str, problems: Problems) -> list[str] | None:
    """The letter body as paragraphs, or None with a problem naming template and line."""
    try:
        template = env.select_template(template_names(case.id, lang))
    except jinja2.TemplatesNotFound:
        problems.add(f"no letter template for '{lang}'; add letter_templates/{lang}/letter.j2",
                     project.templates_dir / lang / "letter.j2")
        return None
    except jinja2.TemplateSyntaxError as exc:
        problems.add(f"template syntax error: {exc.message}", _template_file(project, exc.filename, exc.name),
                     exc.lineno, f"case {case.id}")
        return None
    file = _template_file(project, template.filename, template.name)
    try:
        text = template.render(letter_context(config, case, lang))
    except jinja2.UndefinedError as exc:
        problems.add(f"undefined variable: {exc.message}; templates may use case, section, campaign, lang",
                     file, _error_line(exc), f"case {case.id} [{lang}]")
        return None
    except SecurityError as exc:
        problems.add(f"not allowed in a template: {exc}", file, _error_line(exc), f"case {case.id} [{lang}]")
        return None
    except jinja2.TemplateError as exc:
        problems.add(f"template error: {exc}", file, _error_line(exc), f"case {case.id} [{lang}]")
        return None
    except Exception as exc:  # a template can raise anything (e.g. 1/0); it is still bad input
        problems.add(f"template failed: {type(exc).__name__}: {exc}", file, _error_line(exc),
                     f"case {case.id} [{lang}]")
        return None
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return [p for p in paragraphs if p]


def _template_file(project: Project, filename: str | None, name: str | None) -> Path | str:
    return Path(filename) if filename else (name or "")


def _error_line(exc: BaseException) -> int:
    """The template line of a render error, from Jinja's rewritten traceback."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
