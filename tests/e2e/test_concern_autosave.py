"""A rights holder's concern draft saves itself as they type, through the same autosave script as answers."""

import pytest

from concerns import services
from concerns.models import Concern
from tests.concerns_data import concern_input, rights_holder
from tests.e2e.test_journeys import sign_in
from tests.factories import DeveloperFactory, MinistryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_in_a_concern_draft_autosaves_it_and_says_when(page):
    filer = rights_holder()
    draft = services.start_concern(
        by=filer, data=concern_input(ministry=MinistryFactory(), developer=DeveloperFactory())
    )
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    sign_in(page, filer)
    page.wait_for_load_state()
    page.goto(f"/concerns/{draft.public_id}/edit/")
    page.fill("textarea[name=observed]", "「鬼滅の刃」の炭治郎に酷似したキャラクターが生成された。")

    # A locator wait: the page's CSP (rightly) forbids evaluating strings as script.
    page.locator("#save-status", has_text="最終保存").wait_for(timeout=15000)
    saved = Concern.objects.get(pk=draft.pk)
    assert saved.observed == "「鬼滅の刃」の炭治郎に酷似したキャラクターが生成された。"
    assert console_errors == []
