"""What drf-spectacular cannot see in the code: the answer document component, and the errors every endpoint has."""

from disclosures.api.answer_schema import document_schema, eu_summary_schema
from disclosures.api.problems import PROBLEM_CONTENT_TYPE

# Any endpoint can answer these, whoever wrote its view: a malformed parameter, an unknown object, the rate limit.
COMMON_ERRORS = {
    "400": "The body or a parameter is malformed.",
    "404": "Not found.",
    "429": "Too many requests; see Retry-After.",
}


def add_components(result, generator, request, public):
    """Add `AnswerDocument` and the EU summary (the draft, version and import operations refer to them), and errors.

    Every API error is a problem details body (the exception handler), so each operation documents the
    common ones even where its view does not declare them (the public viewsets).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["AnswerDocument"] = document_schema()
    schemas["EuTrainingContentSummary"] = eu_summary_schema()
    problem = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": problem})
    return result
