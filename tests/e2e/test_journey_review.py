"""The official asks for clarification, the developer resubmits, the official compares and accepts;
a supervisor decides the confidentiality claim."""

from datetime import timedelta

import pytest

from disclosures.deadlines import today_in_japan
from disclosures.models.response import ConfidentialityDecision
from disclosures.states import State
from portal.accounts.models import Role
from tests.e2e.journey import act, fact, flash, follow, look, sign_in, t, two_factor_device
from tests.e2e.worlds import SECRET_REASON, World
from tests.factories import member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POINTS = "出所2のライセンス期間を明記してください。"


def test_clarification_resubmission_acceptance_and_the_claim_decided(page, new_page, axe_check):
    world = World()
    request = world.submitted()
    outsider = member(Role.SUBMITTER)

    # The official reviews version 1 and asks for clarification.
    sign_in(page, world.official, device=two_factor_device(world.official))
    page.goto(f"/official/requests/{request.public_id}/")
    follow(page, page.get_by_role("link", name=t("Review the submitted answer")))
    page.wait_for_url("**/review/")
    assert page.get_by_text(SECRET_REASON).first.is_visible()
    look(page, axe_check, "review-01-review-page")
    page.get_by_label(t("Points to clarify")).fill(POINTS)
    page.get_by_label(t("New deadline (Japan time)")).fill((today_in_japan() + timedelta(days=10)).isoformat())
    act(page, axe_check, "review-02-clarify", page.get_by_role("button", name=t("Request clarification")))
    page.wait_for_url(f"**/official/requests/{request.public_id}/")
    assert fact(page, t("State")) == t(State.CLARIFICATION_REQUESTED.label)
    look(page, axe_check, "review-03-clarification-requested")

    # The developer's submitter reads the points and resubmits.
    developer = new_page()
    sign_in(developer, world.submitter, device=two_factor_device(world.submitter))
    developer.goto("/developer/")
    look(developer, axe_check, "review-04-developer-inbox")
    follow(developer, developer.get_by_role("link", name=request.reference).first)
    assert developer.get_by_text(POINTS).first.is_visible()
    look(developer, axe_check, "review-05-developer-sees-points")
    # Resubmission happens where answers are submitted: the review of the saved draft.
    developer.goto(f"/developer/requests/{request.public_id}/answers/review/")
    look(developer, axe_check, "review-06-answer-review")
    act(developer, axe_check, "review-06-resubmit", developer.get_by_role("button", name=t("Submit the answers")))
    developer.goto(f"/developer/requests/{request.public_id}/")
    assert fact(developer, t("State")) == t(State.SUBMITTED.label)
    assert request.response_versions.count() == 2

    # Another developer is told the request does not exist.
    stranger = new_page()
    sign_in(stranger, outsider, device=two_factor_device(outsider))
    assert stranger.goto(f"/developer/requests/{request.public_id}/").status == 404

    # The official compares the two versions and accepts.
    page.goto(f"/official/requests/{request.public_id}/review/")
    follow(page, page.get_by_role("link", name=t("Compare versions")).first)
    look(page, axe_check, "review-07-compare")
    page.goto(f"/official/requests/{request.public_id}/")
    act(page, axe_check, "review-08-accept", page.get_by_role("button", name=t("Accept the answer")))
    assert fact(page, t("State")) == t(State.ACCEPTED.label)
    look(page, axe_check, "review-09-accepted")

    # The supervisor, in English, decides the trade-secret claim; the claim still holds for the public.
    world.supervisor.preferred_language = "en"
    world.supervisor.save(update_fields=["preferred_language"])
    lead = new_page(locale="en-GB")
    sign_in(lead, world.supervisor, device=two_factor_device(world.supervisor))
    lead.goto(f"/official/requests/{request.public_id}/review/")
    claim = lead.locator(".claim").filter(has_text=SECRET_REASON).first
    claim.get_by_role("radio", name="Accept the claim").check()
    claim.get_by_label("Reason").fill("The licence terms are commercially sensitive.")
    act(lead, axe_check, "review-10-decide", claim.get_by_role("button", name="Record the decision"))
    lead.wait_for_load_state()
    assert ConfidentialityDecision.objects.filter(version__request=request, decision="accepted").exists()
    assert lead.get_by_text("The licence terms are commercially sensitive.").first.is_visible()
    assert flash(lead)
    look(lead, axe_check, "review-11-claim-decided")
