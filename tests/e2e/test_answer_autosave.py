"""The answer form saves itself as the developer types (the script runs under the site's CSP)."""

import pytest

from disclosures.models import ResponseDraft
from disclosures.states import State
from portal.accounts.models import Role
from tests.e2e.test_journeys import sign_in
from tests.factories import DisclosureRequestFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_in_the_answer_form_autosaves_the_draft_and_says_when(page):
    request = DisclosureRequestFactory(state=State.ACKNOWLEDGED, sections=["provider", "sources"])
    responder = member(Role.RESPONDER, request.developer)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))

    sign_in(page, responder)
    page.wait_for_url("**/developer/")
    page.goto(f"/developer/requests/{request.public_id}/answers/")
    page.fill("input[name=provider-legal_name]", "星空AI株式会社")

    # A locator wait: the page's CSP (rightly) forbids evaluating strings as script.
    page.locator("#save-status", has_text="最終保存").wait_for(timeout=15000)
    draft = ResponseDraft.objects.get(request=request)
    assert draft.answers["provider"]["legal_name"] == "星空AI株式会社"
    assert draft.revision >= 1
    assert failed == [] and console_errors == []


def test_saving_while_an_autosave_is_on_its_way_waits_for_it_instead_of_reporting_a_conflict(page):
    request = DisclosureRequestFactory(state=State.ACKNOWLEDGED, sections=["provider", "sources"])
    responder = member(Role.RESPONDER, request.developer)
    held = []

    def hold_autosaves(route):
        # Keep the autosave unanswered until Save has been pressed: the race a slow network makes.
        if route.request.headers.get("x-autosave") == "1" and not held:
            held.append(route)
        else:
            route.continue_()

    sign_in(page, responder)
    page.wait_for_url("**/developer/")
    page.goto(f"/developer/requests/{request.public_id}/answers/")
    page.route("**/answers/**", hold_autosaves)
    page.fill("input[name=provider-legal_name]", "星空AI株式会社")
    page.locator("#save-status", has_text="保存しています").wait_for(timeout=15000)
    page.fill("input[name=provider-legal_name]", "星空AI株式会社（日本）")
    page.get_by_role("button", name="保存", exact=True).click()
    held[0].continue_()

    # The save went through as the developer's own (no conflict page) once the autosave had answered.
    page.get_by_text("保存しました。").wait_for(timeout=15000)
    assert page.get_by_text("他の人がこの下書きを保存しました").count() == 0
    draft = ResponseDraft.objects.get(request=request)
    assert draft.answers["provider"]["legal_name"] == "星空AI株式会社（日本）"
    assert draft.revision == 2
