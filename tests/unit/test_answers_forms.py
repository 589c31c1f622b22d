import pytest

from disclosures.forms.answers import AnswerForms, data_from_document
from disclosures.services.responses import clean_document
from tests.answers_data import complete_answers

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture
def full_request(issued_request):
    issued_request.sections = ALL
    issued_request.save()
    return issued_request


def errors_for(request, document, *, strict=False):
    forms = AnswerForms(request, data_from_document(request, document), strict=strict)
    forms.is_valid()
    return {p.anchor: p.message for p in forms.problems()}, forms


def test_a_complete_answer_passes_submission_checks(full_request):
    _cleaned, problems = clean_document(full_request, complete_answers(), strict=True)
    assert problems == []


@pytest.mark.parametrize(
    ("section", "field", "value", "anchor"),
    [
        ("training_data", "japanese_share_percent", "lots", "id_training_data-japanese_share_percent"),
        ("training_data", "japanese_share_percent", 140, "id_training_data-japanese_share_percent"),
        ("training_data", "total_size", -3, "id_training_data-total_size"),
        ("provider", "release_date", "next spring", "id_provider-release_date"),
        ("provider", "contact_email", "not-an-email", "id_provider-contact_email"),
        ("takedown", "received", 2.5, "id_takedown-received"),
        ("takedown", "target_days", -1, "id_takedown-target_days"),
        ("governance", "copyright_policy_url", "not a url", "id_governance-copyright_policy_url"),
    ],
)
def test_bad_input_in_a_section_is_an_error_on_that_field_and_nothing_else(full_request, section, field, value, anchor):
    document = complete_answers()
    document[section][field] = value
    errors, forms = errors_for(full_request, document)
    assert list(errors) == [anchor]
    # Everything else stays as typed, including the bad value itself.
    assert forms.parts[0].form["legal_name"].value() == "Kumo K.K."
    part = next(p for p in forms.parts if p.key == section)
    assert str(part.form[field].value()) == str(value)


def test_invalid_domains_are_named_on_the_sources_domain_field(full_request):
    document = complete_answers()
    document["sources"][0]["top_domains"] = ["example.jp", "https://bad/path", "no_tld"]
    errors, forms = errors_for(full_request, document)
    assert list(errors) == ["id_sources-0-top_domains"]
    assert "https://bad/path" in errors["id_sources-0-top_domains"] and "no_tld" in errors["id_sources-0-top_domains"]
    assert forms.parts[2].rows.forms[1]["name"].value() == "Studio archive"


def test_domains_are_normalised_to_lower_case_ascii(full_request):
    document = complete_answers()
    document["sources"][0]["top_domains"] = ["Example.JP", "日本.jp"]
    cleaned, problems = clean_document(full_request, document)
    assert problems == []
    assert cleaned["sources"][0]["top_domains"] == ["example.jp", "xn--wgv71a.jp"]


def test_negative_source_size_is_refused(full_request):
    document = complete_answers()
    document["sources"][1]["size"] = -10
    document["sources"][1]["size_unit"] = "tokens"
    errors, _forms = errors_for(full_request, document)
    assert list(errors) == ["id_sources-1-size"]


def test_an_output_filter_rate_must_be_a_percentage(full_request):
    document = complete_answers()
    document["output_filters"][0]["miss_rate_percent"] = 101
    errors, _forms = errors_for(full_request, document)
    assert list(errors) == ["id_output_filters-0-miss_rate_percent"]


def test_complaint_figures_must_add_up(full_request):
    document = complete_answers()
    document["takedown"]["upheld"] = 9
    errors, _forms = errors_for(full_request, document)
    assert list(errors) == ["id_takedown-received"]


def test_missing_required_rows_are_reported_per_section_on_submission(full_request):
    document = complete_answers()
    document["sources"] = []
    document["output_filters"] = []
    document["takedown"]["channels"] = []
    errors, _forms = errors_for(full_request, document, strict=True)
    assert set(errors) == {"rows-sources", "rows-output_filters", "rows-takedown-channels"}


def test_a_draft_may_be_incomplete_but_submission_names_each_missing_field(full_request):
    document = {"provider": {"legal_name": "Kumo K.K.", "tier": "public"}}
    assert clean_document(full_request, document)[1] == []
    errors, _forms = errors_for(full_request, document, strict=True)
    assert "id_provider-contact_email" in errors
    assert "id_provider-legal_name" not in errors
    assert "id_governance-attestation" in errors


def test_a_licence_needs_grantor_scope_and_dates_and_other_needs_text(full_request):
    document = complete_answers()
    document["sources"][1]["licence_grantor"] = ""
    document["sources"][0]["kind"] = "other"
    errors, _forms = errors_for(full_request, document, strict=True)
    assert set(errors) == {"id_sources-1-licence_grantor", "id_sources-0-kind_other"}


def test_a_confidentiality_claim_needs_a_reason(full_request):
    document = complete_answers()
    document["governance"]["tier"] = "ministry_only"
    errors, _forms = errors_for(full_request, document, strict=True)
    assert list(errors) == ["id_governance-reason"]


def test_an_unknown_choice_is_refused_on_its_field(full_request):
    document = complete_answers()
    document["sources"][0]["consent_basis"] = "implied"
    errors, _forms = errors_for(full_request, document)
    assert list(errors) == ["id_sources-0-consent_basis"]


def test_only_the_sections_the_request_asks_are_shown(issued_request):
    forms = AnswerForms(issued_request)
    assert [p.key for p in forms.parts] == ["training_data", "sources", "output_filters"]


def test_rows_keep_the_order_the_author_set_and_removed_rows_go(full_request):
    data = data_from_document(full_request, complete_answers())
    data["sources-0-ORDER"] = "2"
    data["sources-1-ORDER"] = "1"
    forms = AnswerForms(full_request, data)
    assert forms.is_valid()
    assert [r["name"] for r in forms.to_document()["sources"]] == ["Studio archive", "Common Crawl 2024"]
    data["sources-0-DELETE"] = "on"
    forms = AnswerForms(full_request, data)
    assert forms.is_valid()
    assert [r["name"] for r in forms.to_document()["sources"]] == ["Studio archive"]
