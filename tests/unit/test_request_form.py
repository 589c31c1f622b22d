"""The request form as an official uses it: questions added, removed and reordered without JavaScript,
an error summary after a failed submit, and a developer menu in the reader's language."""

from datetime import timedelta

import pytest
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.forms.requests import edit_questions
from disclosures.models import DisclosureRequest
from tests.auth import login


def form_data(developer, questions, **extra):
    data = {
        "developer": developer.pk,
        "legal_basis": "article_16",
        "model_name": "Kumo Video",
        "sections": ["training_data"],
        "covering_letter": "説明してください。",
        "deadline": (today_in_japan() + timedelta(days=30)).isoformat(),
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
    }
    for i, text in enumerate(questions):
        data[f"questions-{i}-text"] = text
    data.update(extra)
    return data


def shown_questions(page) -> list[str]:
    formset = page.context["formset"]
    return [
        form.initial.get("text", "") if not form.is_bound else form.data.get(form.add_prefix("text"), "")
        for form in formset
    ]


def test_edit_questions_adds_removes_and_moves_and_ignores_stale_commands():
    qs = [{"text": "a"}, {"text": "b"}, {"text": "c"}]
    assert [q["text"] for q in edit_questions(qs, "up-2")[0]] == ["a", "c", "b"]
    assert [q["text"] for q in edit_questions(qs, "down-0")[0]] == ["b", "a", "c"]
    assert [q["text"] for q in edit_questions(qs, "remove-1")[0]] == ["a", "c"]
    assert len(edit_questions(qs, "add")[0]) == 4
    for stale in ("remove-7", "up-0", "down-2", "jump-1", "remove-x"):
        assert [q["text"] for q in edit_questions(qs, stale)[0]] == ["a", "b", "c"]


@pytest.mark.django_db
def test_a_new_request_form_has_one_question_and_no_raw_formset_controls(client, official):
    login(client, official)
    page = client.get(reverse("official:request_create"))
    assert len(page.context["formset"].forms) == 1
    assert "-ORDER" not in page.text and "-DELETE" not in page.text
    assert 'name="question_edit" value="add"' in page.text
    nonce = page["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'src="/static/js/request_questions.js" nonce="{nonce}"' in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "expected"),
    [("add", ["one", "two", ""]), ("remove-0", ["two"]), ("up-1", ["two", "one"]), ("down-0", ["two", "one"])],
)
def test_question_buttons_work_without_javascript_and_save_nothing(client, official, developer, command, expected):
    login(client, official)
    page = client.post(
        reverse("official:request_create"), form_data(developer, ["one", "two"], question_edit=command, model_name="")
    )
    assert page.status_code == 200
    assert shown_questions(page) == expected
    assert DisclosureRequest.objects.count() == 0
    # Not yet validated: no error for the model name left empty so far, and what was typed is kept.
    assert "error-summary" not in page.text
    assert "説明してください。" in page.text


@pytest.mark.django_db
def test_the_questions_are_saved_in_the_order_shown(client, official, developer):
    login(client, official)
    moved = client.post(reverse("official:request_create"), form_data(developer, ["one", "two"], question_edit="up-1"))
    order = shown_questions(moved)
    response = client.post(reverse("official:request_create"), form_data(developer, order))
    assert response.status_code == 302
    assert [q.text for q in DisclosureRequest.objects.get().questions.all()] == ["two", "one"]


@pytest.mark.django_db
def test_a_failed_submit_shows_an_error_summary_linking_to_each_field_and_focus_moves_there(
    client, official, developer
):
    login(client, official)
    page = client.post(
        reverse("official:request_create"), form_data(developer, ["q"], model_name="", covering_letter="")
    )
    assert page.status_code == 400
    summary = page.text.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_model_name"' in summary and 'href="#id_covering_letter"' in summary
    assert 'tabindex="-1"' in page.text and "data-error-summary" in page.text
    assert "js/error_summary.js" in page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "placeholder"), [("ja", "AI開発者を選んでください"), ("en", "Choose the AI developer")]
)
def test_the_developer_menu_placeholder_is_in_the_readers_language(client, official, settings, language, placeholder):
    login(client, official)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    page = client.get(reverse("official:request_create"))
    assert f'<option value="" selected>{placeholder}</option>' in page.text
    assert "Select an option" not in page.text
