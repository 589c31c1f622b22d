"""An official drafts and issues a request with a second factor; a supervisor approves its publication."""

import re

import pytest

from disclosures.models import DisclosureRequest
from disclosures.states import State
from portal.accounts.models import Role
from tests.e2e.journey import act, exactly, fact, flash, follow, look, sign_in, t, two_factor_device
from tests.factories import DeveloperFactory, MinistryFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LETTER = "学習データの出所と出力フィルタについて説明を求めます。"
QUESTION = "アニメ作品は学習に含まれていますか。"
APPROVE = re.compile("approve publication", re.IGNORECASE)


def approve_publication(page, axe_check, section) -> None:
    """Press "Approve publication", through a review page or a confirmation when the portal shows one."""
    control = section.get_by_role("button", name=APPROVE).or_(section.get_by_role("link", name=APPROVE)).first
    follow(page, control)
    if "/publication/" in page.url:
        look(page, axe_check, "request-08-approval-review")
        act(page, axe_check, "request-08-approve", page.locator("main").get_by_role("button", name=APPROVE).first)


def test_an_official_issues_a_request_and_a_supervisor_approves_its_publication(page, new_page, axe_check):
    ministry = MinistryFactory(name_ja="文化技術省", name_en="Ministry of Culture and Technology")
    DeveloperFactory(name_ja="クモラボ株式会社", name_en="Kumo Labs K.K.", slug="kumo-labs")
    official = member(Role.OFFICIAL, ministry)
    supervisor = member(Role.SUPERVISOR, ministry, preferred_language="en")
    outsider = member(Role.OFFICIAL, MinistryFactory())

    # The official signs in with password and authenticator code, in Japanese.
    sign_in(page, official, device=two_factor_device(official))
    page.wait_for_url("**/official/")
    look(page, axe_check, "request-01-official-dashboard")

    follow(page, page.get_by_role("link", name=exactly(t("New request"))))
    look(page, axe_check, "request-02-draft-form")
    page.get_by_label(t("AI developer")).select_option(label="クモラボ株式会社")
    page.get_by_label(t("Model or service concerned")).fill("KumoMotion")
    page.get_by_role("checkbox", name=t("Training data overview")).check()
    page.get_by_role("checkbox", name=t("Sources")).check()
    page.get_by_label(t("Covering letter")).fill(LETTER)
    page.get_by_label(t("Question")).first.fill(QUESTION)
    # The last "Save draft": the first is the hidden default button that Enter in a field presses.
    follow(page, page.get_by_role("button", name=exactly(t("Save draft"))).last)
    page.wait_for_url("**/official/requests/*/")
    request = DisclosureRequest.objects.get()
    assert fact(page, t("State")) == t(State.DRAFT.label)
    look(page, axe_check, "request-03-draft-saved")

    act(page, axe_check, "request-04-issue", page.get_by_role("button", name=t("Issue the request")))
    page.wait_for_url(f"**/official/requests/{request.public_id}/")
    assert fact(page, t("State")) == t(State.ISSUED.label)
    assert page.get_by_text(QUESTION).is_visible()
    look(page, axe_check, "request-05-issued")

    # Another ministry's official is told the request does not exist.
    other = new_page()
    sign_in(other, outsider, device=two_factor_device(outsider))
    response = other.goto(f"/official/requests/{request.public_id}/")
    assert response.status == 404
    assert LETTER not in other.content()
    look(other, axe_check, "request-06-other-ministry-404")

    # Until a supervisor approves, the public page shows the request but not its covering letter.
    public = new_page(locale="en-GB")
    public.goto(f"/requests/{request.reference}/")
    assert public.locator("h1").inner_text().startswith(request.reference)
    assert LETTER not in public.content()

    # The supervisor, in English, approves what the approval lists.
    lead = new_page(locale="en-GB")
    sign_in(lead, supervisor, device=two_factor_device(supervisor))
    lead.goto(f"/official/requests/{request.public_id}/")
    publication = lead.get_by_role("region", name="Publication")
    assert publication.get_by_text("The covering letter and 1 free question").is_visible()
    look(lead, axe_check, "request-07-supervisor-sees-approval")
    approve_publication(lead, axe_check, publication)
    assert "Publication approved" in flash(lead)
    look(lead, axe_check, "request-09-approved")

    public.reload()
    assert public.get_by_text(LETTER).is_visible()
    assert public.get_by_text(QUESTION).is_visible()
    assert official.username not in public.content() and supervisor.username not in public.content()
    look(public, axe_check, "request-10-public-page")
