"""The Jinja2 environment: autoescaping, gettext, German date filters, enum labels."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from web import formatting, i18n, labels

TEMPLATES = Path(__file__).parent / "templates"


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    environment.filters.update(
        datetime_long=formatting.datetime_long,
        date_short=formatting.date_short,
        time_short=formatting.time_short,
        iso=formatting.iso,
        month_long=formatting.month_long,
        label=labels.label,
        code_label=labels.code_label,
        heading=labels.heading,
    )
    environment.globals["current_language"] = i18n.current_language
    environment.globals["weekday_names"] = formatting.weekday_names
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(build_environment()))
