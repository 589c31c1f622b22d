import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext

from disclosures.models import AuditEvent
from tests.factories import PASSWORD

LIMIT = 10
WRONG_PASSWORD = "wrong-password-123"


def try_password(client, username: str, password: str = WRONG_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def locked_page(response) -> str:
    # The page without the CSRF token and CSP nonce, which differ per request.
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(client, official, settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    for _ in range(LIMIT - 1):
        assert try_password(client, official.username).status_code == 200
    assert try_password(client, official.username).status_code == 429
    locked = try_password(client, official.username, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    lock = AuditEvent.objects.filter(action="sign_in_locked").first()
    assert lock is not None and lock.data == {"username": official.username}
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == LIMIT + 1


@pytest.mark.django_db
def test_the_lock_counts_per_user_name_whatever_the_address(client, official):
    for number in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": official.username, "password": WRONG_PASSWORD},
            REMOTE_ADDR=f"192.0.2.{number + 1}",
        )
    response = client.post(
        reverse("login"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_lock_page_is_the_same_for_an_unknown_user_name(client, official):
    for _ in range(LIMIT):
        try_password(client, official.username)
        try_password(client, "nobody-by-this-name")
    known = try_password(client, official.username)
    unknown = try_password(client, "nobody-by-this-name")
    assert known.status_code == unknown.status_code == 429
    assert locked_page(known) == locked_page(unknown)
    assert official.username not in known.text
    assert gettext(
        "There were too many failed sign-in attempts with this user name, so signing in with it is paused. "
        "Try again later, or ask your organisation's administrator to unlock it."
    ) in known.text.replace("&#x27;", "'")


@pytest.mark.django_db
def test_a_wrong_password_shows_the_same_message_for_known_and_unknown_users(client, official):
    known = try_password(client, official.username)
    unknown = try_password(client, "nobody-by-this-name")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
def test_an_administrator_unlocks_a_user_name_with_axes_reset_username(client, official):
    for _ in range(LIMIT):
        try_password(client, official.username)
    assert try_password(client, official.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", official.username, stdout=StringIO())
    assert try_password(client, official.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sign_ins_and_failures_are_audited(client, official):
    try_password(client, official.username)
    try_password(client, official.username, PASSWORD)
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert failed.actor is None
    assert failed.data["username"] == official.username
    assert failed.ip_address == "127.0.0.1"
    succeeded = AuditEvent.objects.get(action="sign_in")
    assert succeeded.actor == official
    assert succeeded.organisation == official.organisation
