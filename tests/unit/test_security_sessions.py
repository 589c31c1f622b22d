from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosures.models import AuditEvent
from portal.accounts.services import deactivate_user
from tests.auth import login
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_signing_in_rotates_the_session_key(client, responder):
    client.get(reverse("login"))
    client.session.save()
    before = client.cookies["sessionid"].value
    client.post(reverse("login"), {"username": responder.username, "password": PASSWORD})
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_a_ministry_session_ends_after_30_idle_minutes(client, official):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, official)
        assert client.get(reverse("official:dashboard")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("official:dashboard")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("official:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_activity_keeps_a_ministry_session_alive_until_the_absolute_limit(client, official, settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, official)
        for _ in range(11 * 3):  # every 20 minutes for 11 hours
            traveller.shift(timedelta(minutes=20))
            assert client.get(reverse("official:dashboard")).status_code == 200
        traveller.shift(timedelta(hours=1, minutes=1))
        assert client.get(reverse("official:dashboard")).status_code == 302


@pytest.mark.django_db
def test_developers_have_the_longer_idle_timeout(client, responder, settings):
    settings.SESSION_IDLE_TIMEOUT = 2 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, responder)
        traveller.shift(timedelta(minutes=45))
        assert client.get(reverse("developer:inbox")).status_code == 200
        traveller.shift(timedelta(hours=2, minutes=1))
        assert client.get(reverse("developer:inbox")).status_code == 302


@pytest.mark.django_db
def test_deactivating_a_user_ends_all_their_sessions_at_once(official, supervisor):
    laptop, phone, colleague = Client(), Client(), Client()
    login(laptop, official)
    login(phone, official)
    login(colleague, supervisor)

    deactivate_user(user=official, by=supervisor)

    official.refresh_from_db()
    assert not official.is_active
    for client in (laptop, phone):
        assert client.get(reverse("official:dashboard")).status_code == 302
    assert colleague.get(reverse("official:dashboard")).status_code == 200
    event = AuditEvent.objects.get(action="user_deactivated")
    assert event.actor == supervisor
    assert event.data["sessions_ended"] == 2
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_unticking_active_in_the_admin_ends_the_users_sessions(official):
    admin = UserFactory(is_staff=True, is_superuser=True)
    staff_client, official_client = Client(), Client()
    login(staff_client, admin)
    login(official_client, official)

    change_url = reverse("admin:accounts_user_change", args=[official.pk])
    form = staff_client.get(change_url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "password"}
    data.update(
        {
            "is_active": "",
            "date_joined_0": official.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": official.date_joined.strftime("%H:%M:%S"),
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-id": str(official.membership.pk),
            "membership-0-user": str(official.pk),
            "membership-0-organisation": str(official.organisation.pk),
            "membership-0-role": official.role,
        }
    )
    data = {key: value for key, value in data.items() if value not in (False, "")} | {"groups": []}
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    official.refresh_from_db()
    assert not official.is_active
    assert official_client.get(reverse("official:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="user_deactivated", actor=admin).exists()
