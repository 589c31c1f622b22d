"""Signing in as a person would: the saved language applies, recovery codes can be kept, the menu fits the step."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import Role
from tests.factories import PASSWORD, member
from tests.unit.test_security_two_factor import code_for


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.mark.django_db
def test_the_saved_preferred_language_applies_after_sign_in(client, settings):
    responder = member(Role.RESPONDER, preferred_language="en")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "ja"})
    response = sign_in(client, responder)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("developer:inbox"))
    assert '<html lang="en">' in page.text


@pytest.mark.django_db
def test_a_japanese_user_gets_japanese_after_signing_in_from_an_english_page(client, settings):
    official = member(Role.OFFICIAL, preferred_language="ja")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    sign_in(client, official)
    page = client.get(reverse("two_factor_setup"))
    assert '<html lang="ja">' in page.text


@pytest.mark.django_db
def test_during_enrolment_the_menu_offers_only_what_the_user_can_use(client):
    official = member(Role.OFFICIAL, preferred_language="en")
    sign_in(client, official)
    page = client.get(reverse("two_factor_setup")).text
    for unusable in ("official:dashboard", "official:request_create", "concern_triage:queue", "account"):
        assert f'href="{reverse(unusable)}"' not in page
    assert reverse("logout") in page and reverse("public:index") in page


def _enrol(client, user) -> tuple[list[str], str]:
    sign_in(client, user)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    page = client.get(reverse("two_factor_recovery_codes")).text
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", page), page


@pytest.mark.django_db
def test_recovery_codes_can_be_downloaded_copied_and_printed(client):
    official = member(Role.OFFICIAL, preferred_language="en")
    codes, page = _enrol(client, official)
    assert len(codes) == 10
    assert "data-copy-codes" in page and "data-print" in page and "js/recovery_codes.js" in page
    download = client.post(reverse("two_factor_recovery_codes"), {"code": codes})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert 'filename="recovery-codes.txt"' in download["Content-Disposition"]
    assert all(code in download.text for code in codes)


@pytest.mark.django_db
def test_the_download_serves_only_the_users_own_unused_codes(client):
    official = member(Role.OFFICIAL)
    codes, _page = _enrol(client, official)
    forged = client.post(reverse("two_factor_recovery_codes"), {"code": [codes[0], "<script>alert(1)</script>"]})
    assert forged.status_code == 302
    StaticToken.objects.filter(token=codes[0]).delete()  # used
    assert client.post(reverse("two_factor_recovery_codes"), {"code": [codes[0]]}).status_code == 302
