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
