"""The JSON Schema of the answer document, generated from the models (docs/answer-schema.json).

`manage.py answer_schema` writes the committed file and `--check` fails when it drifts; the API's
OpenAPI components reuse `json_schema()`.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

from disclosures.answer.model import AnswerDocument

SCHEMA_ID = "https://article16.example.jp/docs/answer-schema.json"
DESCRIPTION = (
    "The answer document a developer exports and imports. Field names follow the EU GPAI training-content "
    "summary template where they overlap (docs/answer-schema.md has the mapping). Every block and row carries "
    "its own confidentiality tier and reason; rows carry a stable row_id. A draft may leave anything empty; "
    'fields marked "x-required-on-submit" must be answered before the answer is submitted.'
)


def json_schema() -> dict:
    """JSON Schema 2020-12 of the answer document, with English titles (the msgids).

    Self-contained (no `$defs`), so a reader (the API's OpenAPI components, its body checks) can take
    any section's schema on its own.
    """
    with translation.override("en"):
        schema = AnswerDocument.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})
    schema = _inline(schema, definitions)
    schema["properties"]["questions"] = {
        "type": "object",
        "description": "Answers to the request's free questions, by the question's position.",
        "patternProperties": {"^[0-9]+$": schema["properties"]["questions"]["additionalProperties"]},
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": schema.pop("title"),
        "description": DESCRIPTION,
        **{key: value for key, value in schema.items() if key != "description"},
    }


def _inline(node, definitions: dict):
    """`node` with every `$ref` replaced by its definition and `anyOf [X, null]` written as a nullable X."""
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = definitions[node["$ref"].rsplit("/", 1)[-1]]
        return _inline({**target, **{k: v for k, v in node.items() if k != "$ref"}}, definitions)
    node = {key: _inline(value, definitions) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (kept,) = [option for option in options if option != {"type": "null"}]
        node.pop("anyOf")
        node = {**kept, **node, "type": [kept["type"], "null"]} if "type" in kept else node
    return node


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "answer-schema.json"
