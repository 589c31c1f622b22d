"""The one definition of an answer document (docs/answer-schema.json is generated from it).

The forms, the services, the API, the JSON and EU-template imports, the spreadsheet import, the record
pages, the version diff and the confidentiality filter all read the models and field specs here.

    validate_draft(request, document) -> (cleaned, problems)       types, ranges, domains; nothing required
    validate_submission(request, document) -> (cleaned, problems)  plus what must be answered
    row_fields(section) -> [RowField]                              columns of a row section (spreadsheets)
    json_schema() -> dict                                          JSON Schema 2020-12 of the document
"""

from disclosures.answer.fields import RowField, row_fields
from disclosures.answer.model import (
    NESTED_ROWS,
    ROW_ID,
    SCHEMA_VERSION,
    SECTION_BLOCKS,
    SECTION_ROWS,
    Answer,
    AnswerDocument,
    AttachmentEntry,
    ComplaintChannelRow,
    GovernanceAnswer,
    OutputFilterRow,
    ProviderAnswer,
    QuestionAnswer,
    Row,
    SourceRow,
    Spec,
    TakedownAnswer,
    TrainingDataAnswer,
    assign_row_ids,
    model_for,
    valid_row_id,
)
from disclosures.answer.schema import json_schema
from disclosures.answer.validation import Problem, validate, validate_draft, validate_submission

__all__ = [
    "NESTED_ROWS",
    "ROW_ID",
    "SCHEMA_VERSION",
    "SECTION_BLOCKS",
    "SECTION_ROWS",
    "Answer",
    "AnswerDocument",
    "AttachmentEntry",
    "ComplaintChannelRow",
    "GovernanceAnswer",
    "OutputFilterRow",
    "Problem",
    "ProviderAnswer",
    "QuestionAnswer",
    "Row",
    "RowField",
    "SourceRow",
    "Spec",
    "TakedownAnswer",
    "TrainingDataAnswer",
    "assign_row_ids",
    "json_schema",
    "model_for",
    "row_fields",
    "valid_row_id",
    "validate",
    "validate_draft",
    "validate_submission",
]
