"""A developer acknowledges a request and answers it section by section: source rows (one claimed a trade
secret), a filter, takedown, a free question and an attachment; the session expires mid-form and signing in
again brings the input back; then the submitter reviews and submits."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from disclosures.models import Section
from disclosures.models.response import Tier
from disclosures.states import State
from portal.accounts.models import Role
from tests.e2e.journey import act, exactly, fact, flash, follow, look, shot, sign_in, t, two_factor_device
from tests.e2e.worlds import World
from tests.factories import member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "アニメ作品は学習に含まれていますか。"
SECRET_REASON = "ライセンス契約の条件のため。"


def is_autosave(response) -> bool:
    return response.request.method == "POST" and response.request.headers.get("x-autosave") == "1"


def save_and_next(page, axe_check, name: str) -> None:
    """Let the autosave catch up with what was typed and say so, then save and move on.

    Pressing Save while an autosave is still in flight posts the revision the page had before it, and the
    portal reports that "someone" (the same user) saved in the meantime; see the report of this journey.
    """
    with page.expect_response(is_autosave, timeout=20_000):
        page.locator("#answer-form").dispatch_event("change")
    # The script's own wording (static/js/autosave.js), not the catalog's.
    expect(page.locator("#save-status")).to_contain_text(re.compile("最終保存|Last saved"))
    look(page, axe_check, name)
    follow(page, page.get_by_role("button", name=t("Save and go to the next section")))
    assert not page.locator("#error-summary").count(), page.locator("#error-summary").inner_text()


def test_a_developer_answers_every_section_claims_a_secret_attaches_a_file_and_submits(
    page, new_page, axe_check, tmp_path
):
    world = World()
    sections = [Section.SOURCES, Section.OUTPUT_FILTERS, Section.TAKEDOWN]
    request = world.issued(sections=sections, questions=(QUESTION,))
    outsider = member(Role.SUBMITTER)

    sign_in(page, world.submitter, device=two_factor_device(world.submitter))
    follow(page, page.get_by_role("link", name=request.reference).first)
    look(page, axe_check, "answer-01-request")
    act(page, axe_check, "answer-02-acknowledge", page.get_by_role("button", name=t("Acknowledge receipt")))
    assert fact(page, t("State")) == t(State.ACKNOWLEDGED.label)

    page.goto(f"/developer/requests/{request.public_id}/answers/")
    page.wait_for_load_state()
    menu = page.get_by_role("navigation", name=t("Sections of the answer"))
    follow(page, menu.get_by_role("link", name=t(Section.SOURCES.label)))

    # Two sources: a public web crawl and a licensed archive claimed as a trade secret.
    first = page.locator("fieldset.row").nth(0)
    first.get_by_label(t("Name of the dataset or source")).fill("アニメ原画アーカイブ2024")
    first.get_by_label(t("Kind of source")).select_option("web_crawl")
    first.get_by_label(t("Modality"), exact=False).first.select_option("text")
    first.get_by_label(t("Consent basis")).select_option("opt_out_honoured")
    if page.locator("fieldset.row").count() < 2:
        page.get_by_role("button", name=t("Add a row")).first.click()
    # The autosave indicator says when what was typed was saved.
    with page.expect_response(is_autosave, timeout=20_000):
        page.locator("#answer-form").dispatch_event("change")
    status = page.locator("#save-status")
    expect(status).to_contain_text(re.compile("最終保存|Last saved"))
    shot(page, "answer-03a-autosaved")

    # The session expires while the second row is typed: the autosave is refused, the portal keeps what was
    # typed, and signing in again (from the link the indicator shows) brings it back into the form.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    second = page.locator("fieldset.row").nth(1)
    with page.expect_response(lambda response: is_autosave(response) and response.status == 401, timeout=20_000):
        second.get_by_label(t("Name of the dataset or source")).fill("スタジオ資料")
        second.get_by_label(t("Kind of source")).select_option("licensed")
        second.get_by_label(t("Modality"), exact=False).first.select_option("video")
        second.get_by_label(t("Consent basis")).select_option("opt_in_licence")
        page.locator("#answer-form").dispatch_event("change")
    expect(status).to_contain_text(re.compile("セッションが切れました|Your session expired"))
    shot(page, "answer-03b-session-expired")
    axe_check(page)
    follow(page, status.get_by_role("link"))
    assert "/accounts/login/" in page.url
    sign_in(page, world.submitter, device=two_factor_device(world.submitter), on_login_page=True)
    assert "/answers/" in page.url and "restore=" in page.url, page.url
    assert t("Your unsaved input was restored after signing in. Save to keep it.") in flash(page)
    second = page.locator("fieldset.row").nth(1)
    expect(second.get_by_label(t("Name of the dataset or source"))).to_have_value("スタジオ資料")
    expect(second.get_by_label(t("Kind of source"))).to_have_value("licensed")
    expect(page.locator("fieldset.row").nth(0).get_by_label(t("Name of the dataset or source"))).to_have_value(
        "アニメ原画アーカイブ2024"
    )
    look(page, axe_check, "answer-03c-input-restored")
    # Rows with a name are shown folded: open the second one to finish it.
    page.locator("details.row-details summary", has_text="スタジオ資料").click()
    second.get_by_label(t("Licence grantor")).fill("スタジオ例")
    second.get_by_label(t("Licence scope")).fill("学習のみ")
    second.get_by_label(t("Licence start")).fill("2024-01-01")
    second.get_by_label(t("Confidentiality"), exact=True).select_option(Tier.TRADE_SECRET.value)
    second.get_by_label(t("Reason for confidentiality")).fill(SECRET_REASON)
    save_and_next(page, axe_check, "answer-03d-sources")

    # One output filter.
    row = page.locator("fieldset.row").nth(0)
    row.get_by_label(t("Kind of safeguard")).select_option("blocklist")
    row.get_by_label(t("What it blocks")).fill("登録されたキャラクター名")
    row.get_by_label(t("Where in the pipeline")).select_option("input")
    row.get_by_label(t("Live since")).fill("2025-03-01")
    save_and_next(page, axe_check, "answer-04-filters")

    # Takedown and complaints.
    page.get_by_label(t("Japanese-language contact point")).fill("著作権窓口 東京都千代田区1-1")
    page.get_by_label(t("What a complaint must contain")).fill("作品名、権利者名、生成物")
    page.get_by_label(t("Steps of handling a complaint")).fill("受付、確認、対応、通知")
    page.get_by_label(t("Target time to handle a complaint")).fill("14")
    page.get_by_role("checkbox", name=t("Block the output")).check()
    channel = page.locator("fieldset.row").nth(0)
    channel.get_by_label(t("Kind of channel")).select_option("email")
    channel.get_by_label(t("Address, URL or number")).fill("takedown@kumo.example.jp")
    save_and_next(page, axe_check, "answer-05-takedown")

    # The free question.
    assert page.get_by_text(QUESTION).first.is_visible()
    page.locator("main textarea").first.fill("はい。ライセンスを受けたアニメ作品のみ含まれます。")
    save_and_next(page, axe_check, "answer-06-question")

    # An attachment: a CSV of the sources.
    attachment = tmp_path / "sources.csv"
    attachment.write_text("name,kind\nアニメ原画アーカイブ2024,web_crawl\n", encoding="utf-8")
    page.get_by_label(t("Attach a file"), exact=False).first.set_input_files(attachment)
    follow(page, page.get_by_role("button", name=t("Attach the file"), exact=True))
    assert page.get_by_role("link", name="sources.csv").is_visible()
    look(page, axe_check, "answer-07-attachment")

    # The review shows what will be public and what is claimed; then the submitter submits.
    menu = page.get_by_role("navigation", name=t("Sections of the answer"))
    follow(page, menu.get_by_role("link", name=t("Review and submit")))
    problems = page.locator("#missing")
    assert problems.count() == 0, problems.inner_text()
    claimed = page.locator(".review-claimed")
    assert "スタジオ資料" in claimed.inner_text() or SECRET_REASON in claimed.inner_text()
    assert SECRET_REASON in claimed.inner_text()
    look(page, axe_check, "answer-08-review")
    act(page, axe_check, "answer-09-submit", page.get_by_role("button", name=exactly(t("Submit the answers"))))
    page.goto(f"/developer/requests/{request.public_id}/")
    assert fact(page, t("State")) == t(State.SUBMITTED.label)
    look(page, axe_check, "answer-10-submitted")
    version = request.response_versions.get()
    assert version.answers["sources"][1]["tier"] == Tier.TRADE_SECRET

    # Another developer's submitter is told the answers do not exist.
    stranger = new_page()
    sign_in(stranger, outsider, device=two_factor_device(outsider))
    assert stranger.goto(f"/developer/requests/{request.public_id}/answers/").status == 404
