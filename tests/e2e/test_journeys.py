"""Journeys every visitor shares: the language switch, keyboard use, and the second factor for ministry staff.

`sign_in` and `shot` are importable from here as before; they live in tests/e2e/journey.py with the other
shared steps. The role journeys are in test_journey_*.py, one module per person's task.
"""

import pytest

from portal.accounts.models import Role
from tests.e2e.journey import exactly, follow, look, shot, sign_in, t, two_factor_device
from tests.factories import MinistryFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["shot", "sign_in"]


def test_a_visitor_switches_the_language_and_the_page_follows(page, axe_check):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ログイン"
    look(page, axe_check, "language-01-login-ja")
    page.get_by_label(t("Language")).select_option("en")
    follow(page, page.locator(".language-switch").get_by_role("button", name=t("Switch")))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    # The choice sticks on the next page.
    follow(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Transparency index"))
    assert page.locator("h1").inner_text() == "Transparency index"
    axe_check(page)


def test_a_keyboard_user_skips_to_the_content_and_sees_where_the_focus_is(page, axe_check):
    page.goto("/requests/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=t("Skip to content"))
    assert skip.evaluate("element => element === document.activeElement")
    # The skip link appears on screen when focused, with a visible outline.
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert skip.evaluate("element => getComputedStyle(element).outlineStyle") not in ("none", "")
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/#main")
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert focused_in_main, "after the skip link, Tab moves into the content"
    axe_check(page)


def test_form_errors_are_announced_and_linked_to_their_fields(page, axe_check):
    official = member(Role.OFFICIAL, MinistryFactory())
    sign_in(page, official, device=two_factor_device(official))
    page.goto("/official/requests/new/")
    # The last "Save draft": the first is the hidden default button that Enter in a field presses.
    follow(page, page.get_by_role("button", name=exactly(t("Save draft"))).last)
    summary = page.get_by_role("alert")
    assert summary.first.is_visible()
    link = summary.first.get_by_role("link", name=t("Covering letter"))
    target = link.get_attribute("href")
    assert target.startswith("#")
    field = page.locator(target)
    assert field.get_attribute("aria-invalid") == "true"
    follow_focus = link.evaluate("element => { element.click(); return document.activeElement.id; }")
    assert follow_focus == target[1:]
    shot(page, "form-errors-request-draft")
    axe_check(page)


def test_a_ministry_user_without_a_second_factor_is_sent_to_enrol(page, axe_check):
    official = member(Role.OFFICIAL, MinistryFactory())
    sign_in(page, official)
    page.wait_for_url("**/two-factor/setup/**")
    look(page, axe_check, "two-factor-setup")
    page.goto("/official/")
    assert "/two-factor/setup/" in page.url
