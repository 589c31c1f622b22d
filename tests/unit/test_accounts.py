"""The account page, password reset and invitations."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.accounts.services import send_invitation
from tests.auth import login


@pytest.mark.django_db
def test_a_user_changes_their_name_and_language_and_the_pages_follow(client, responder):
    login(client, responder)
    response = client.post(reverse("account"), {"first_name": "Aiko", "last_name": "Mori", "preferred_language": "en"})
    assert response.status_code == 302
    responder.refresh_from_db()
    assert (responder.first_name, responder.preferred_language) == ("Aiko", "en")
    page = client.get(reverse("account"))
    assert 'lang="en"' in page.text and "Your account" in page.text


@pytest.mark.django_db
def test_an_unknown_language_is_refused_and_nothing_changes(client, responder):
    login(client, responder)
    response = client.post(reverse("account"), {"first_name": "X", "last_name": "Y", "preferred_language": "fr"})
    assert response.status_code == 200
    assert "preferred_language" in response.context["form"].errors
    responder.refresh_from_db()
    assert responder.preferred_language == "ja" and responder.first_name != "X"


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_lets_the_user_choose_a_new_password(client, responder):
    client.post(reverse("password_reset"), {"email": responder.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line).strip()
    path = link.removeprefix(settings.PORTAL_BASE_URL)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    responder.refresh_from_db()
    assert responder.check_password("a-brand-new-passphrase")


@pytest.mark.django_db
def test_an_invitation_mails_the_new_user_a_link_in_their_language(responder):
    responder.preferred_language = "en"
    responder.save()
    send_invitation(user=responder)
    message = mail.outbox[0]
    assert message.to == [responder.email]
    assert "Your account on the Article 16 disclosure portal" in message.subject
    assert "/accounts/reset/" in message.body and "/accounts/reset/" in message.alternatives[0].content


@pytest.fixture
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def reset_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/accounts/reset/" in line).strip()


@pytest.mark.django_db
def test_the_reset_link_starts_with_the_portal_base_url_whatever_host_the_request_named(
    client, responder, settings, _fresh_limits
):
    settings.PORTAL_BASE_URL = "https://portal.example.jp"
    settings.ALLOWED_HOSTS = ["testserver", "attacker.example"]
    client.post(reverse("password_reset"), {"email": responder.email}, HTTP_HOST="attacker.example")
    link = reset_link(mail.outbox[0])
    assert link.startswith("https://portal.example.jp/accounts/reset/")
    assert "attacker.example" not in mail.outbox[0].body


@pytest.mark.django_db
def test_every_email_link_starts_with_the_portal_base_url(
    client, responder, official, developer, settings, django_capture_on_commit_callbacks, _fresh_limits
):
    from datetime import timedelta
    from unittest import mock

    from disclosures import tasks
    from disclosures.deadlines import today_in_japan
    from disclosures.services.notifications import send_deadline_reminders, send_overdue_digests
    from disclosures.services.requests import issue_request
    from disclosures.states import State
    from tests.factories import DisclosureRequestFactory

    settings.PORTAL_BASE_URL = "https://portal.example.jp"
    send_invitation(user=responder)
    client.post(reverse("password_reset"), {"email": responder.email}, HTTP_HOST="testserver")
    draft = DisclosureRequestFactory(ministry=official.organisation, developer=developer, state=State.DRAFT)
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    today = today_in_japan()
    for deadline in (today + timedelta(days=7), today - timedelta(days=1)):
        DisclosureRequestFactory(
            ministry=official.organisation, developer=developer, state=State.ISSUED, deadline=deadline
        )
    assert send_deadline_reminders() == 2
    assert send_overdue_digests() == 1

    # The invitation, the reset, the issue, two reminders and the ministry's digest (to each of its staff).
    assert len(mail.outbox) >= 6
    for message in mail.outbox:
        parts = [message.body] + [content for content, _type in message.alternatives]
        for part in parts:
            links = re.findall(r"[a-z]+://[^\s\"<>]+", part)
            assert links, part
            assert all(link.startswith("https://portal.example.jp/") for link in links), part


@pytest.mark.django_db
def test_reset_mails_for_one_address_stop_at_the_limit_whether_or_not_an_account_has_it(
    client, responder, settings, _fresh_limits
):
    settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = 2
    for email in (responder.email, "nobody@example.invalid"):
        answers = [client.post(reverse("password_reset"), {"email": email}) for _ in range(4)]
        assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert [m.to for m in mail.outbox] == [[responder.email], [responder.email]]
    # The same page for a known and an unknown address: the limit tells nobody which has an account.
    assert "Too many password-reset emails" not in answers[-1].text  # Japanese by default
    assert "パスワード再設定メールの依頼が多すぎます" in answers[-1].text


@pytest.mark.django_db
def test_reset_mails_from_one_client_address_stop_at_the_limit_and_say_so_in_english(
    client, responder, settings, _fresh_limits
):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answers = [
        client.post(reverse("password_reset"), {"email": f"someone{i}@example.invalid"}, REMOTE_ADDR="203.0.113.9")
        for i in range(4)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many password-reset emails were asked for" in answers[-1].text
    other = client.post(reverse("password_reset"), {"email": responder.email}, REMOTE_ADDR="203.0.113.10")
    assert other.status_code == 302
    assert [m.to for m in mail.outbox] == [[responder.email]]
