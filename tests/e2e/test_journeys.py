"""The key journeys in a real browser: sign in with two factors, issue a request, answer it, read it publicly."""

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosures.models import DisclosureRequest
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import PASSWORD, DeveloperFactory, MinistryFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def sign_in(page, user, *, device: TOTPDevice | None = None):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if device is not None:
        page.wait_for_url("**/two-factor/verify/**")
        page.fill("input[name=code]", str(totp(device.bin_key)).zfill(6))
        page.click("main button[type=submit]")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_an_official_issues_a_request_the_developer_answers_and_the_public_sees_it(page, new_page):
    ministry = MinistryFactory(name_ja="文化技術省", name_en="Ministry of Culture and Technology")
    developer = DeveloperFactory(name_ja="クモラボ株式会社", name_en="Kumo Labs K.K.", slug="kumo-labs")
    official = member(Role.OFFICIAL, ministry)
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    responder = member(Role.RESPONDER, developer)

    # The official signs in with both factors and lands on the ministry's dashboard.
    sign_in(page, official, device=device)
    page.wait_for_url("**/official/")
    assert page.locator("h1").count() == 1

    # Draft a request and issue it.
    page.goto("/official/requests/new/")
    page.select_option("select[name=developer]", str(developer.pk))
    page.fill("input[name=model_name]", "KumoMotion")
    page.check("input[name=sections][value=training_data]")
    page.check("input[name=sections][value=sources]")
    page.fill("textarea[name=covering_letter]", "学習データの出所について説明を求めます。")
    page.fill("textarea[name=questions-0-text]", "アニメ作品は学習に含まれていますか。")
    page.click("main button[type=submit]")
    page.wait_for_url("**/official/requests/*/")
    request = DisclosureRequest.objects.get()
    page.click("form[action$='/issue/'] button")
    page.wait_for_url(f"**/official/requests/{request.public_id}/")
    request.refresh_from_db()
    assert request.state == State.ISSUED
    assert page.locator("text=発出").first.is_visible()
    shot(page, "official-request-issued")

    # The responder (no second factor required) finds it in the inbox and acknowledges it.
    developer_page = new_page()
    sign_in(developer_page, responder)
    developer_page.wait_for_url("**/developer/")
    developer_page.click(f"text={request.reference}")
    assert developer_page.locator("text=アニメ作品は学習に含まれていますか。").is_visible()
    developer_page.click("form[action$='/acknowledge/'] button")
    developer_page.wait_for_url(f"**/developer/requests/{request.public_id}/")
    request.refresh_from_db()
    assert request.state == State.ACKNOWLEDGED
    shot(developer_page, "developer-request-acknowledged")

    # Anyone can find the issued request on the transparency index, without the staff's names.
    public_page = new_page(locale="en-GB")
    public_page.goto("/requests/")
    assert public_page.locator(f"text={request.reference}").first.is_visible()
    assert official.username not in public_page.content()
    shot(public_page, "public-index")


def test_a_visitor_switches_the_language_and_the_page_follows(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ログイン"
    page.select_option("#language-select", "en")
    page.click(".language-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"


def test_a_ministry_user_without_a_second_factor_is_sent_to_enrol(page):
    official = member(Role.OFFICIAL, MinistryFactory())
    sign_in(page, official)
    page.wait_for_url("**/two-factor/setup/**")
    page.goto("/official/")
    assert "/two-factor/setup/" in page.url
