"""Importing an EU "public summary of training content" onto the answer where the fields overlap."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from disclosures.services import responses as services
from disclosures.services.responses import draft_for
from tests.auth import login

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]

SUMMARY = {
    "template": "eu-gpai-training-content-summary",
    "template_version": "2025-07",
    "general_information": {
        "provider": {"name": "Kumo K.K.", "contact": "Kumo K.K., Tokyo", "authorised_representative": ""},
        "model": {
            "versioned_names": ["Kumo Video 2.1"],
            "dependencies": ["Kumo Base 1"],
            "union_market_date": "2025-09-01",
        },
        "modalities": ["text", "images", "holograms"],
        "training_data_size": {"text": "1 billion to 10 trillion tokens", "images": "less than 1 billion images"},
        "content_types": "News, fiction, illustrations",
        "latest_collection_date": "2025-06-30",
        "linguistic_characteristics": "Mostly Japanese and English",
    },
    "data_sources": {
        "public_datasets": {
            "used": True,
            "modalities": ["text"],
            "datasets": [{"name": "Common Crawl 2024", "link": "https://commoncrawl.org/", "modality": "text"}],
            "description": "Smaller open corpora",
        },
        "licensed_datasets": {"used": True, "modalities": ["images"], "description": "Licences with two studios"},
        "crawled_data": {
            "used": True,
            "crawlers": [{"name": "KumoBot", "purpose": "training", "behaviour": "honours robots.txt"}],
            "collection_period": {"start": "2024-01-01", "end": "2025-06-30"},
            "top_domains": ["Example.JP", "not a domain"],
        },
        "synthetic_data": {"used": True, "modalities": ["text"], "generating_models": ["Kumo Base 1"]},
    },
    "data_processing": {
        "reservation_of_rights": "We honour robots.txt and TDMRep before and during crawling.",
        "illegal_content_removal": "Known piracy domains are excluded.",
        "other_information": "",
    },
}


@pytest.fixture
def full_request(issued_request):
    issued_request.sections = ALL
    issued_request.save()
    return issued_request


def test_a_summary_fills_the_fields_that_overlap_and_reports_the_others(full_request, responder):
    result = services.import_eu_summary(request=full_request, by=responder, summary=SUMMARY, revision=0)
    answers = result.draft.answers
    assert answers["provider"]["legal_name"] == "Kumo K.K."
    assert answers["provider"]["model_names"] == ["Kumo Video 2.1"]
    assert answers["provider"]["base_models"] == ["Kumo Base 1"]
    assert answers["provider"]["release_date"] is None  # the EU market date is not the release date
    assert answers["training_data"]["modalities"] == ["text", "image"]
    assert answers["training_data"]["latest_collection_date"] == "2025-06-30"
    assert "1 billion to 10 trillion tokens" in answers["training_data"]["size_range"]
    assert answers["governance"]["copyright_policy"].startswith("We honour robots.txt")
    rows = {row["kind"]: row for row in answers["sources"]}
    assert set(rows) == {"public_dataset", "licensed", "web_crawl", "synthetic"}
    assert rows["public_dataset"]["name"] == "Common Crawl 2024" and rows["public_dataset"]["modality"] == "text"
    assert rows["licensed"]["consent_basis"] == "opt_in_licence"
    assert rows["licensed"]["licence_scope"] == "Licences with two studios" and rows["licensed"]["modality"] == "image"
    crawl = rows["web_crawl"]
    assert crawl["name"] == "KumoBot" and crawl["collection_start"] == "2024-01-01"
    assert crawl["top_domains"] == []  # one bad domain: the field is reported, not half-kept
    assert all(row["piracy_removal"] == "Known piracy domains are excluded." for row in answers["sources"])
    reported = " ".join(result.reported)
    for path in (
        "general_information.provider.contact",
        "general_information.model.union_market_date",
        "general_information.modalities (holograms)",
        "general_information.content_types",
        "data_sources.public_datasets.description",
        "data_sources.crawled_data.crawlers[0].behaviour",
        "sources-2-top_domains",
    ):
        assert path in reported, path


def test_a_second_import_of_the_same_summary_changes_nothing_and_keeps_other_answers(full_request, responder):
    first = services.import_eu_summary(request=full_request, by=responder, summary=SUMMARY, revision=0).draft
    answers = copy.deepcopy(first.answers)
    answers["governance"]["officer_name"] = "Hanako Sato"
    saved = services.save_draft(request=full_request, by=responder, answers=answers, revision=first.revision)
    again = services.import_eu_summary(request=full_request, by=responder, summary=SUMMARY, revision=saved.revision)
    assert again.draft.answers == saved.answers
    assert again.draft.answers["governance"]["officer_name"] == "Hanako Sato"


@pytest.mark.parametrize(
    "change",
    [
        {"general_information": {"provider": {"nmae": "typo"}}},
        {"data_sources": {"crawled_data": {"used": "often"}}},
        {"general_information": {"latest_collection_date": "last summer"}},
        {"data_sources": []},
    ],
)
def test_a_summary_not_of_the_templates_shape_imports_nothing(full_request, responder, change):
    summary = {**SUMMARY, **change}
    with pytest.raises(ValidationError) as refused:
        services.import_eu_summary(request=full_request, by=responder, summary=summary, revision=0)
    assert "nothing was imported" in " ".join(refused.value.messages) or "何も" in " ".join(refused.value.messages)
    assert draft_for(full_request).revision == 0


def test_sections_the_request_does_not_ask_are_reported(issued_request, responder):
    result = services.import_eu_summary(request=issued_request, by=responder, summary=SUMMARY, revision=0)
    assert "provider" not in result.draft.answers
    assert any(text.startswith("provider") for text in result.reported)
    assert result.draft.answers["sources"]


def test_the_json_import_form_takes_a_summary(full_request, responder):
    client = Client()
    login(client, responder)
    upload = SimpleUploadedFile("summary.json", json.dumps(SUMMARY).encode(), content_type="application/json")
    response = client.post(
        reverse("developer:answers_import", args=[full_request.public_id]), {"document": upload, "revision": "0"}
    )
    assert response.status_code == 302
    assert draft_for(full_request).answers["provider"]["legal_name"] == "Kumo K.K."
