import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosures.models import AuditEvent
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import PASSWORD, member


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in_with_password(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, user) -> list[str]:
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response["Location"] == reverse("two_factor_recovery_codes")
    page = client.get(reverse("two_factor_recovery_codes"))
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.text)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.SUPERVISOR, Role.SUBMITTER])
def test_a_user_in_a_sensitive_role_is_sent_to_enrol_after_the_password(client, role):
    user = member(role)
    sign_in_with_password(client, user)
    home = "official:dashboard" if role != Role.SUBMITTER else "developer:inbox"
    response = client.get(reverse(home))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.django_db
def test_the_enrolment_page_shows_the_secret_and_an_svg_qr_code(client, official):
    sign_in_with_password(client, official)
    page = client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.text
    secret = page.context["secret"].replace(" ", "")
    assert secret and secret in device.config_url
    assert "<script" not in page.text


@pytest.mark.django_db
def test_a_wrong_code_does_not_confirm_the_authenticator(client, official):
    sign_in_with_password(client, official)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=official, confirmed=True).exists()
    assert client.get(reverse("official:dashboard")).status_code == 302


@pytest.mark.django_db
def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(client, official):
    sign_in_with_password(client, official)
    codes = enrol(client, official)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=official).values_list("token", flat=True))
    # Shown once: a second visit shows none.
    assert client.get(reverse("two_factor_recovery_codes"))["Location"] == reverse("account")
    assert client.get(reverse("official:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_enrolled", actor=official).count() == 1


@pytest.mark.django_db
def test_after_enrolment_the_next_sign_in_asks_for_a_code_and_a_correct_one_opens_the_requests(client, official):
    sign_in_with_password(client, official)
    enrol(client, official)
    client.post(reverse("logout"))

    sign_in_with_password(client, official)
    dashboard = client.get(reverse("official:dashboard"))
    assert dashboard["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 400
    assert AuditEvent.objects.filter(action="two_factor_failed", actor=official).exists()

    device = TOTPDevice.objects.get(user=official, confirmed=True)
    device.throttle_reset()
    # The authenticator's next time step: a code that was used once is refused.
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device, steps_ahead=1), "next": reverse("official:dashboard")}
    )
    assert response["Location"] == reverse("official:dashboard")
    assert client.get(reverse("official:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, official):
    sign_in_with_password(client, official)
    codes = enrol(client, official)
    client.post(reverse("logout"))

    sign_in_with_password(client, official)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("official:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_verified", data__method="recovery_code").exists()
    client.post(reverse("logout"))

    sign_in_with_password(client, official)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400
    assert client.get(reverse("official:dashboard")).status_code == 302


@pytest.mark.django_db
def test_verifying_the_second_factor_rotates_the_session_key(client, official):
    login(client, official, verified=False)
    TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    device = TOTPDevice.objects.get(user=official)
    before = client.session.session_key
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.session.session_key != before
    assert client.get(reverse("official:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_responder_needs_no_second_factor_unless_they_opted_in(client, responder):
    sign_in_with_password(client, responder)
    assert client.get(reverse("developer:inbox")).status_code == 200
    enrol(client, responder)
    client.post(reverse("logout"))
    sign_in_with_password(client, responder)
    assert client.get(reverse("developer:inbox"))["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.django_db
def test_an_unverified_official_may_still_sign_out_and_read_public_pages(client, official):
    login(client, official, verified=False)
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_public_pages_and_the_public_api_stay_open_to_an_unverified_official_as_to_anyone(client, official):
    login(client, official, verified=False)
    page = client.get(reverse("public:index"))
    assert page.status_code == 200
    assert official.username not in page.text  # served as to an anonymous visitor
    assert client.get(reverse("api:public-request-list")).status_code == 200


@pytest.mark.django_db
def test_signing_in_without_a_next_page_leads_to_the_second_step(client, official):
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))


@pytest.mark.django_db
def test_a_verified_official_opens_request_pages(client, official, issued_request):
    login(client, official)
    assert client.get(reverse("official:request_detail", args=[issued_request.public_id])).status_code == 200


@pytest.mark.django_db
def test_replacing_an_authenticator_needs_the_current_one_first(client, official):
    login(client, official, verified=False)
    TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    assert client.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")
