"""The account page, password reset and invitations."""

import pytest
from django.core import mail
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
    path = link.split("testserver", 1)[1]
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
