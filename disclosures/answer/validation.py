"""Validating an answer document against the definition: the cleaned document and every problem, by path.

A draft is checked leniently (types, ranges, domains; nothing required), a submission strictly (what
must be answered and the rules between fields). Only the sections and questions the request asks are
kept. With `drop_invalid` (the import) a value that fails is left out of the cleaned document and
reported, so the rest can still be kept.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import ValidationError as PydanticError

from disclosures.answer import model as m
from disclosures.answer.guards import invalid_text_message
from disclosures.models import Section


@dataclass(frozen=True)
class Problem:
    """One thing wrong or missing, with the anchor of the field it concerns on the answer page."""

    anchor: str
    section: str
    label: str
    message: str
    # JSON pointer into the answer document (e.g. "/sources/0/name"), for API clients and spreadsheets.
    path: str = ""
    # "invalid" (a value or a missing answer), "unknown" (no such field or section), "shape" (not an
    # object or list where the document has one).
    code: str = "invalid"


def message_for(error: dict, spec: m.Spec | None) -> str:
    """A pydantic error in the reader's language, worded as the page words it (Django's msgids)."""
    kind, context = error["type"], error.get("ctx") or {}
    label = str(spec.label) if spec is not None else ""
    if kind == "invalid_text":
        return invalid_text_message(label or _("The document"))
    if kind == "invalid_choice":
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": context.get("value", "")
        }
    if kind == "invalid_item":
        return _("Not valid: %(items)s") % {"items": context.get("items", "")}
    if kind == "max_length":
        limit, shown = context["limit_value"], context["show_value"]
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": shown}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": _number(context.get("ge", context.get("gt")))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": _number(context.get("le", context.get("lt")))
        }
    if kind == "email":
        return _("Enter a valid email address.")
    if kind == "url":
        return _("Enter a valid URL.")
    if kind == "list_type":
        return _("Enter a list of values.")
    if kind == "extra_forbidden":
        return _("Unknown field; it is not part of the answer document.")
    if kind.startswith(("int_", "float_", "number_")) or (spec is not None and spec.kind in ("number", "integer")):
        if spec is not None and spec.kind == "integer":
            return _("Enter a whole number.")
        return _("Enter a number.")
    if kind.startswith(("date_", "datetime_")) or (spec is not None and spec.kind == "date"):
        return _("Enter a valid date.")
    if kind.startswith(("list_", "model_", "dict_")):
        return _("Expected an object or a list of the shape of the answer document.")
    return _("Enter a valid value.")


def _number(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def anchor_for(path: str) -> str:
    """The id of the field a path names on the answer page ("/sources/0/name" -> "id_sources-0-name").

    A list of rows is anchored on its rows ("rows-sources"); a whole block or row has no anchor.
    """
    parts = path.strip("/").split("/")
    if parts[0] == "questions":
        return f"id_q{parts[1]}-{parts[2]}" if len(parts) == 3 else ""
    if len(parts) == 1 and parts[0] in m.SECTION_ROWS:
        return f"rows-{parts[0]}"
    nested = m.NESTED_ROWS.get(parts[0])
    if len(parts) == 2 and nested and parts[1] == nested[0]:
        return f"rows-{parts[0]}-{parts[1]}"
    model = m.model_for("/".join(parts[:-1])) if len(parts) > 1 else None
    if model is not None and model.spec(parts[-1]) is not None:
        return "id_" + "-".join(parts)
    return ""


def section_title(path: str) -> str:
    """The title of the part of the page a path belongs to: its section, "Question 2", or "Sources 3"."""
    parts = path.strip("/").split("/")
    if parts[0] == "questions":
        return str(_("Question %(number)s") % {"number": parts[1] if len(parts) > 1 else ""})
    title = str(Section(parts[0]).label) if parts[0] in Section.values else parts[0]
    if parts[0] in m.SECTION_ROWS and len(parts) >= 2 and parts[1].isdigit():
        return f"{title} {int(parts[1]) + 1}"
    nested = m.NESTED_ROWS.get(parts[0])
    if nested and len(parts) >= 3 and parts[1] == nested[0] and parts[2].isdigit():
        return f"{title} {int(parts[2]) + 1}"
    return title


def validate_block(
    model: type[m.Answer], raw: dict, *, strict: bool, drop_invalid: bool = False
) -> tuple[dict, list[tuple[str, str, str]]]:
    """One block or row: its cleaned fields (nested rows excluded) and (field, message, code) per problem.

    A field that fails to parse keeps its empty value in the cleaned block; with `drop_invalid`, so does
    a field that breaks a rule between fields. The answer forms validate each of their blocks here.
    """
    nested = {name for name in model.model_fields if model.spec(name) is None}
    values = {key: value for key, value in raw.items() if key not in nested}
    found: list[tuple[str, str, str]] = []
    invalid: set[str] = set()
    try:
        answer = model.model_validate(values)
    except PydanticError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else ""
            invalid.add(name)
            code = "unknown" if item["type"] == "extra_forbidden" else "invalid"
            found.append((name, message_for(item, model.spec(name)), code))
        answer = model.model_validate({key: value for key, value in values.items() if key not in invalid})
    broken = set()
    for name, message in answer.checks(strict):
        if name not in invalid and name not in broken:
            broken.add(name)
            found.append((name, str(message), "invalid"))
    cleaned = answer.model_dump(mode="json", exclude=nested)
    if drop_invalid and broken:
        empty = _empty(model)
        cleaned.update({name: empty[name] for name in broken})
    return cleaned, found


def too_few_rows(count: int, *, strict: bool) -> str | None:
    """Why a list of rows cannot be submitted (every row section needs one), or None."""
    return str(_("Add at least one row.")) if strict and count < m.MIN_ROWS else None


def _empty(model: type[m.Answer]) -> dict:
    """A block or row with nothing answered, as a cleaned document holds it."""
    return model().model_dump(mode="json", include=set(model.specs()))


# Top-level keys of a document besides the sections ("attachments" is set by the portal at submission).
DOCUMENT_KEYS = ("schema", "schema_version", "questions", "attachments")


class _Collector:
    def __init__(self, *, strict: bool, drop_invalid: bool):
        self.strict = strict
        self.drop_invalid = drop_invalid
        self.problems: list[Problem] = []

    def add(self, path: str, message, spec: m.Spec | None = None, code: str = "invalid") -> None:
        title = section_title(path)
        label = str(spec.label) if spec is not None else title
        self.problems.append(Problem(anchor_for(path), title, label, str(message), path, code))

    def block(self, model: type[m.Answer], raw, path: str) -> dict | None:
        """One block or row cleaned as a dict (its nested rows excluded), or None when unusable."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.add(path, _("Expected an object."), code="shape")
            return None
        cleaned, found = validate_block(model, raw, strict=self.strict, drop_invalid=self.drop_invalid)
        for name, message, code in found:
            self.add(f"{path}/{name}", message, model.spec(name), code)
        return cleaned

    def rows(self, model: type[m.Row], raw, path: str) -> list[dict]:
        """The rows with content, cleaned, each with its row id; a submission needs at least one."""
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            self.add(path, _("Expected a list of rows."), code="shape")
            raw = []
        content = model.content_fields()
        rows = []
        for index, row in enumerate(raw):
            if isinstance(row, dict) and all(m.is_empty(row.get(name)) for name in content):
                continue  # a blank row (confidentiality alone does not make a row)
            cleaned = self.block(model, row, f"{path}/{index}")
            if cleaned is not None:
                rows.append(cleaned)
        message = too_few_rows(len(rows), strict=self.strict)
        if message:
            self.add(path, message)
        return m.assign_row_ids(rows)


def validate(request, document, *, strict: bool, drop_invalid: bool = False) -> tuple[dict, list[Problem]]:
    """The cleaned document of the sections and questions `request` asks, and every problem found.

    The cleaned document holds every asked section (empty fields where nothing was answered), so it is
    the shape a saved draft always has. Sections and questions the request does not ask are left out.
    """
    collector = _Collector(strict=strict, drop_invalid=drop_invalid)
    if not isinstance(document, dict):
        collector.add("", _("The document must be a JSON object."), code="shape")
        return {}, collector.problems
    cleaned: dict = {"schema_version": m.SCHEMA_VERSION}
    asked = set(request.sections)
    for key in document:
        if key not in Section.values and key not in DOCUMENT_KEYS:
            collector.add(f"/{key}", _("Unknown section; it is not part of the answer document."), code="unknown")
    for section in Section:
        key = section.value
        if key not in asked:
            continue
        raw = document.get(key)
        if key in m.SECTION_ROWS:
            cleaned[key] = collector.rows(m.SECTION_ROWS[key], raw, f"/{key}")
            continue
        model = m.SECTION_BLOCKS[key]
        block = collector.block(model, raw, f"/{key}")
        if block is None:
            block = _empty(model)
        if key in m.NESTED_ROWS:
            nested_key, row_model = m.NESTED_ROWS[key]
            rows = raw.get(nested_key) if isinstance(raw, dict) else None
            block[nested_key] = collector.rows(row_model, rows, f"/{key}/{nested_key}")
        cleaned[key] = block
    answers = document.get("questions")
    if answers is not None and not isinstance(answers, dict):
        collector.add("/questions", _("Expected an object."), code="shape")
        answers = {}
    questions = {}
    for question in request.questions.all():
        position = str(question.position)
        block = collector.block(m.QuestionAnswer, (answers or {}).get(position), f"/questions/{position}")
        questions[position] = block if block is not None else _empty(m.QuestionAnswer)
    if questions:
        cleaned["questions"] = questions
    return cleaned, collector.problems


def validate_draft(request, document) -> tuple[dict, list[Problem]]:
    """A draft: types, ranges and domains checked, nothing required."""
    return validate(request, document, strict=False)


def validate_submission(request, document) -> tuple[dict, list[Problem]]:
    """A submission: the draft's checks plus what must be answered and the rules between fields."""
    return validate(request, document, strict=True)
