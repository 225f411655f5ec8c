"""Validating OParl output against the OParl 1.1 JSON Schemas (draft-07) kept in shared/oparl/schema/.

Every ``$ref`` (``File.json``, ``Organization``) is resolved to the local schema file of that name: nothing is
fetched. The formats the schemas use are checked as OParl defines them (OParl 2.4).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_URL = "https://schema.oparl.org/1.1/"

FORMATS = FormatChecker()
# OParl 2.4: yyyy-mm-ddThh:mm:ss±hh:mm and yyyy-mm-dd, nothing looser.
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
DATE = re.compile(r"\d{4}-\d\d-\d\d")


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or DATE_TIME.fullmatch(value) is not None


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or DATE.fullmatch(value) is not None


@FORMATS.checks("url")
def _is_url(value: object) -> bool:
    return not isinstance(value, str) or value.startswith(("http://", "https://"))


def schema_directory() -> Path:
    """The OParl 1.1 schemas kept with the tests (``tests/oparl_schema``); COUNCIL_TEST_OPARL_SCHEMAS names another
    directory, e.g. a newer copy of the specification."""
    if override := os.environ.get("COUNCIL_TEST_OPARL_SCHEMAS"):
        return Path(override)
    return Path(__file__).with_name("oparl_schema")


@cache
def registry() -> Registry[Any]:
    """Every schema file under its own URL, and under that URL with ".json": the two ways $refs name them."""
    resources = []
    for path in sorted(schema_directory().glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources += [(contents["$id"], resource), (contents["$id"] + ".json", resource)]
    return Registry().with_resources(resources)


@cache
def validator(type_name: str) -> Draft7Validator:
    schema = registry().contents(SCHEMA_URL + type_name)
    return Draft7Validator(schema, registry=registry(), format_checker=FORMATS)


def type_name_of(document: dict[str, Any]) -> str:
    kind = str(document.get("type", ""))
    assert kind.startswith(SCHEMA_URL), f"not an OParl object: {document.get('id')}"
    return kind.removeprefix(SCHEMA_URL)


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Everything the object's own schema (with the schemas it refers to) finds wrong with it."""
    errors: list[ValidationError] = list(validator(type_name_of(document)).iter_errors(document))
    return [f"{document.get('id')}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
