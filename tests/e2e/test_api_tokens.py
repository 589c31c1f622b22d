"""The API token page in a real browser: make a token (shown once), use it, see its last use, revoke it."""

import json
import urllib.error
import urllib.request

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosures.states import State
from portal.accounts.models import ApiToken, Role
from tests.e2e.test_journeys import sign_in
from tests.factories import DeveloperFactory, DisclosureRequestFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def call_api(base_url: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the tests' own production run)
        f"{base_url}/api/v1/developer/requests/",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "ja"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the tests' own production run)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_submitter_makes_uses_and_revokes_an_api_token(page, served, axe_check):
    developer = DeveloperFactory(name_ja="クモラボ株式会社", name_en="Kumo Labs K.K.")
    submitter = member(Role.SUBMITTER, developer)
    device = TOTPDevice.objects.create(user=submitter, name="phone", confirmed=True)
    request = DisclosureRequestFactory(developer=developer, state=State.ISSUED)
    sign_in(page, submitter, device=device)
    page.wait_for_url("**/developer/")

    page.goto("/account/")
    page.click("main a[href='/account/tokens/']")
    page.wait_for_url("**/account/tokens/")
    assert page.locator("h1").inner_text() == "APIトークン"
    axe_check(page)

    page.fill("input[name=name]", "社内コンプライアンスシステム")
    page.select_option("select[name=scope]", "read_write")
    page.click("main form:not(.inline) button[type=submit]")
    secret = page.input_value("#token-secret")
    assert secret.startswith("a16_")
    assert page.locator("h1").inner_text() == "新しいAPIトークン"
    axe_check(page)

    status, body = call_api(served, secret)
    assert status == 200
    assert [row["reference"] for row in body["results"]] == [request.reference]

    page.click("text=トークン一覧に戻る")
    page.wait_for_url("**/account/tokens/")
    row = page.locator("tbody tr", has_text="社内コンプライアンスシステム")
    assert ApiToken.objects.get().prefix in row.inner_text()
    assert "127.0.0.1" in row.inner_text()  # the address of the last use
    assert secret not in page.content()

    row.locator("button", has_text="失効させる").click()
    page.wait_for_url("**/account/tokens/")
    assert "失効" in page.locator("tbody tr", has_text="社内コンプライアンスシステム").inner_text()
    status, body = call_api(served, secret)
    assert status == 401
    assert body["type"] == "urn:article16:problem:authentication-failed"
    assert body["detail"] == "APIトークンは失効しています。"
    assert len(axe_check.checked) == 2


def test_swagger_ui_and_redoc_render_from_the_portal_under_its_csp(page):
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    tags = page.locator(".swagger-ui .opblock-tag").all_inner_texts()
    assert {"developer", "ministry", "public"} <= {tag.split()[0] for tag in tags}, tags
    assert page.locator("h1").count() == 1
    page.goto("/api/v1/redoc/")
    page.wait_for_selector(".api-content", timeout=20_000)
    assert "Article 16 disclosure portal API" in page.locator(".api-content h1").first.inner_text()
    assert not [text for text in refused if "script" in text], refused
