"""A developer declines a request with reasons; the public company page counts it as declined with reasons
and the public record of the request shows the reasons."""

import pytest

from disclosures.services.publication import approve_publication
from disclosures.states import State
from tests.e2e.journey import act, fact, follow, look, sign_in, t, two_factor_device
from tests.e2e.worlds import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASONS = "当該モデルは日本国内で提供しておらず、本法第16条の対象外と考えます。"


def test_a_developer_declines_a_request_with_reasons_and_the_company_page_shows_it(page, new_page, axe_check):
    world = World()
    request = world.issued()
    # The letter is made public by a second person of the ministry, as journey 1 does through the page.
    approve_publication(request=request, by=world.supervisor)
    request.refresh_from_db()

    # The submitter reads the request and declines it, giving reasons.
    sign_in(page, world.submitter, device=two_factor_device(world.submitter))
    follow(page, page.get_by_role("link", name=request.reference).first)
    look(page, axe_check, "decline-01-request")
    decline = page.locator("main form").filter(has=page.get_by_role("button", name=t("Decline with reasons")))
    decline.get_by_label(t("Reasons")).fill(REASONS)
    act(page, axe_check, "decline-02-decline", decline.get_by_role("button", name=t("Decline with reasons")))
    assert fact(page, t("State")) == t(State.DECLINED.label)
    look(page, axe_check, "decline-03-declined")

    # The public, in another browser, sees it on the company's page: counted and listed, with the reasons.
    public = new_page()
    public.goto(f"/companies/{world.developer.slug}/")
    assert fact(public, t("Declined with reasons")) == "1"
    look(public, axe_check, "decline-04-company-page")
    follow(public, public.locator("main").get_by_role("link", name=request.reference).first)
    assert public.get_by_text(REASONS).first.is_visible()
    look(public, axe_check, "decline-05-public-request")
