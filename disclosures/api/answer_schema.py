"""The answer document's JSON Schema, as the API publishes it and checks bodies against it.

It comes from the one definition of the answer (`disclosures.answer.json_schema()`, from which
docs/answer-schema.json is generated); until that module exists, from the committed file. The API
checks the shape of a body here (unknown fields, wrong types, each error with its JSON pointer) before
the service validates the content and saves: nothing reaches the draft that the schema refuses.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from disclosures.api.problems import pointer

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "answer-schema.json"
# Blocks of the document whose rows have a stable `row_id`: section -> key of the rows in the block
# (None: the section itself is the list of rows).
ROW_LISTS: dict[str, str | None] = {"sources": None, "output_filters": None, "takedown": "channels"}


@cache
def document_schema() -> dict:
    try:
        from disclosures.answer import json_schema
    except ImportError:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    else:
        schema = json_schema()
    # Inside an OpenAPI document the schema is a component: its own identity keys would re-base references.
    return {key: value for key, value in schema.items() if key not in ("$schema", "$id")}


def section_names() -> list[str]:
    return [name for name in document_schema()["properties"] if name not in ("schema", "schema_version", "questions")]


def section_schema(section: str) -> dict:
    return document_schema()["properties"][section]


def row_schema(section: str) -> dict:
    schema = section_schema(section)
    key = ROW_LISTS[section]
    rows = schema["properties"][key] if key else schema
    return rows["items"]


def question_schema() -> dict:
    questions = document_schema()["properties"]["questions"]
    return next(iter(questions["patternProperties"].values()))


def shape_errors(value, schema: dict, *, at: tuple = ()) -> list[dict]:
    """Every way `value` does not fit `schema`, each as {pointer, detail}; [] when it fits."""
    errors = []
    for error in sorted(Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path)):
        path = (*at, *error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            patterns = error.schema.get("patternProperties")
            for name in sorted(set(error.instance) - allowed):
                if patterns is None:
                    errors.append({"pointer": pointer(*path, name), "detail": _("Unknown field.")})
            if patterns is None:
                continue
        errors.append({"pointer": pointer(*path), "detail": error.message[:500]})
    return errors


COMPONENT = "#/components/schemas/AnswerDocument"


def section_ref(section: str) -> dict:
    """A reference to a section's schema inside the published AnswerDocument component."""
    return {"$ref": f"{COMPONENT}/properties/{section}"}


def row_ref(section: str) -> dict:
    key = ROW_LISTS[section]
    return {"$ref": f"{COMPONENT}/properties/{section}" + (f"/properties/{key}" if key else "") + "/items"}


EU_COMPONENT = "#/components/schemas/EuTrainingContentSummary"


def eu_summary_schema() -> dict:
    """The EU "public summary of training content" template the import maps from (its own definitions inside)."""
    from disclosures.answer import eu_template

    return eu_template.EuSummary.model_json_schema(ref_template=EU_COMPONENT + "/$defs/{model}")
