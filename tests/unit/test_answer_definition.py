"""The one definition of an answer (disclosures.answer): validation by path, metadata, schema, the services."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from jsonschema import Draft202012Validator

from disclosures import answer as definition
from disclosures.answer.schema import schema_path, schema_text
from disclosures.forms import answers as answer_forms
from disclosures.forms.answers import AnswerForms, data_from_document
from disclosures.models import Question
from disclosures.selectors.answers import compare_documents, readable
from disclosures.services import responses as services
from tests.answers_data import complete_answers

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture
def full_request(issued_request):
    issued_request.sections = ALL
    issued_request.save()
    Question.objects.create(request=issued_request, position=1, text="How do you handle opt-outs?")
    return issued_request


def complete(full_request) -> dict:
    document = complete_answers()
    document["questions"] = {"1": {"tier": "public", "reason": "", "answer": "We honour robots.txt."}}
    return document


def paths(problems) -> dict[str, str]:
    return {problem.path: problem.message for problem in problems}


def test_a_complete_answer_is_a_valid_submission_and_cleaning_it_again_changes_nothing(full_request):
    cleaned, problems = definition.validate_submission(full_request, complete(full_request))
    assert problems == []
    again, problems = definition.validate_submission(full_request, cleaned)
    assert problems == [] and again == cleaned
    assert [row["row_id"] for row in cleaned["sources"]] == ["0", "1"]


def test_problems_name_their_field_by_json_pointer_with_the_page_anchor(full_request):
    document = complete(full_request)
    document["sources"][1]["size"] = -10
    document["output_filters"][0]["miss_rate_percent"] = "lots"
    document["takedown"]["channels"][0]["languages"] = ["ja", "not a language"]
    document["provider"]["contact_email"] = "nobody"
    _cleaned, problems = definition.validate_draft(full_request, document)
    found = {(p.path, p.anchor) for p in problems}
    assert found == {
        ("/sources/1/size", "id_sources-1-size"),
        ("/output_filters/0/miss_rate_percent", "id_output_filters-0-miss_rate_percent"),
        ("/takedown/channels/0/languages", "id_takedown-channels-0-languages"),
        ("/provider/contact_email", "id_provider-contact_email"),
    }
    assert "not a language" in paths(problems)["/takedown/channels/0/languages"]


def test_a_draft_needs_nothing_but_a_submission_names_each_missing_answer_and_rule(full_request):
    document = {
        "provider": {"legal_name": "Kumo K.K."},
        "sources": [{"name": "Crawl", "consent_basis": "opt_in_licence"}],
    }
    assert definition.validate_draft(full_request, document)[1] == []
    found = paths(definition.validate_submission(full_request, document)[1])
    assert "/provider/contact_email" in found and "/provider/legal_name" not in found
    assert "/sources/0/licence_grantor" in found  # required for an opt-in licence
    assert "/output_filters" in found and "/takedown/channels" in found  # at least one row
    assert "/governance/attestation" in found and "/questions/1/answer" in found


def test_a_claim_of_confidentiality_needs_a_reason_only_on_submission(full_request):
    document = complete(full_request)
    document["sources"][0] |= {"tier": "trade_secret", "reason": ""}
    assert definition.validate_draft(full_request, document)[1] == []
    assert list(paths(definition.validate_submission(full_request, document)[1])) == ["/sources/0/reason"]


def test_unknown_fields_and_sections_are_problems_of_their_own_kind(full_request):
    document = complete(full_request)
    document["sources"][0]["colour"] = "blue"
    document["mystery"] = 1
    problems = definition.validate_draft(full_request, document)[1]
    assert {(p.path, p.code) for p in problems} == {("/sources/0/colour", "unknown"), ("/mystery", "unknown")}


def test_messages_are_in_the_readers_language(full_request):
    document = {"training_data": {"japanese_share_percent": 140}}
    with translation.override("ja"):
        (problem,) = definition.validate_draft(full_request, document)[1]
        assert problem.label == "日本語データの割合" or "。" in problem.message
        japanese = problem.message
    with translation.override("en"):
        (problem,) = definition.validate_draft(full_request, document)[1]
    assert problem.message == "Ensure this value is less than or equal to 100."
    assert japanese != problem.message


def test_the_forms_are_built_from_the_definition_and_give_the_same_problems(full_request):
    assert list(answer_forms.SourceForm.base_fields) == list(definition.SourceRow.specs())
    assert answer_forms.SourceForm.base_fields["name"].label == definition.SourceRow.spec("name").label
    document = complete(full_request)
    document["training_data"]["total_size"] = 5
    document["training_data"]["size_unit"] = ""
    document["sources"][0]["kind"] = "other"
    forms = AnswerForms(full_request, data_from_document(full_request, document), strict=True)
    assert not forms.is_valid()
    from_forms = {(p.path, p.anchor, p.message) for p in forms.problems()}
    from_definition = {(p.path, p.anchor, p.message) for p in definition.validate_submission(full_request, document)[1]}
    assert from_forms == from_definition
    assert {path for path, _anchor, _message in from_forms} == {"/training_data/size_unit", "/sources/0/kind_other"}


def test_the_forms_and_the_definition_clean_a_document_alike(full_request):
    document = complete(full_request)
    forms = AnswerForms(full_request, data_from_document(full_request, document))
    assert forms.is_valid()
    assert forms.to_document() == definition.validate_draft(full_request, document)[0]


def test_row_fields_give_the_columns_of_each_row_section():
    columns = {field.name: field for field in definition.row_fields("sources")}
    assert list(columns)[:3] == ["row_id", "tier", "reason"]
    assert columns["kind"].required and not columns["kind_other"].required
    with translation.override("en"):
        assert ("web_crawl", "Web crawl") in [(code, str(label)) for code, label in columns["kind"].choices]
    assert columns["top_domains"].many and not columns["name"].many
    filters = [field.name for field in definition.row_fields("output_filters")]
    assert "block_rate_percent" in filters and "name" not in filters
    assert [f.name for f in definition.row_fields("takedown/channels")][-1] == "languages"
    with pytest.raises(KeyError):
        definition.row_fields("provider")


def test_the_committed_schema_is_the_one_the_definition_generates():
    assert schema_path().read_text(encoding="utf-8") == schema_text(), "run: python manage.py answer_schema"
    call_command("answer_schema", "--check")


def test_the_schema_check_fails_on_drift(tmp_path, monkeypatch):
    stale = tmp_path / "answer-schema.json"
    stale.write_text("{}", encoding="utf-8")
    monkeypatch.setattr("disclosures.management.commands.answer_schema.schema_path", lambda: stale)
    with pytest.raises(CommandError):
        call_command("answer_schema", "--check")
    call_command("answer_schema")
    assert stale.read_text(encoding="utf-8") == schema_text()


def test_the_schema_is_valid_and_accepts_an_exported_answer(full_request):
    schema = definition.json_schema()
    Draft202012Validator.check_schema(schema)
    exported = {"schema": "article16-answer", **definition.validate_submission(full_request, complete(full_request))[0]}
    assert list(Draft202012Validator(schema).iter_errors(json.loads(json.dumps(exported)))) == []
    wrong = {"sources": [{"name": "x", "kind": "scraped"}]}
    assert [list(e.absolute_path) for e in Draft202012Validator(schema).iter_errors(wrong)] == [["sources", 0, "kind"]]
    assert "$defs" not in json.dumps(schema)
    assert schema["properties"]["sources"]["items"]["properties"]["name"]["x-required-on-submit"] is True


def test_save_draft_refuses_an_invalid_answer_with_problems_by_path(full_request, responder):
    draft = services.draft_for(full_request)
    with pytest.raises(services.InvalidAnswer) as refused:
        services.save_draft(
            request=full_request, by=responder, answers={"sources": [{"name": "x", "size": -1}]}, revision=0
        )
    assert [p.path for p in refused.value.problems] == ["/sources/0/size"]
    draft.refresh_from_db()
    assert draft.revision == 0


def test_an_import_keeps_what_is_valid_and_reports_the_rest(full_request, responder):
    document = {"sources": [{"name": "Ok", "top_domains": ["example.jp", "bad domain"], "size": -1}]}
    result = services.import_answers(request=full_request, by=responder, document=document, revision=0)
    row = result.draft.answers["sources"][0]
    assert row["name"] == "Ok" and row["top_domains"] == [] and row["size"] is None
    assert any("sources-0-top_domains" in text for text in result.reported)
    assert any("sources-0-size" in text for text in result.reported)


def test_the_record_and_the_diff_read_labels_and_choices_from_the_definition(full_request):
    old = definition.validate_draft(full_request, complete(full_request))[0]
    new = json.loads(json.dumps(old))
    new["sources"][0]["kind"] = "licensed"
    with translation.override("en"):
        changed = [row for row in compare_documents(old, new) if row.changed]
        (source,) = [a for a in readable(new) if a.path == "sources/0"]
    assert [(row.path, row.label) for row in changed] == [("sources/0.kind", "Kind of source")]
    assert ("Kind of source", "Licensed data") in source.fields
