"""API tokens: made only by the roles that may hold them, stored as a hash, refused once they should stop."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent
from portal.accounts import api_tokens
from portal.accounts.models import ApiToken, Membership, Role
from portal.accounts.services import deactivate_user
from tests.api_data import api_client, make_token
from tests.auth import login
from tests.factories import DeveloperFactory, member

pytestmark = pytest.mark.django_db


def developer_list() -> str:
    return reverse("api:developer-request-list")


def create(user, **overrides):
    kwargs = {
        "user": user,
        "name": "compliance system",
        "scope": ApiToken.Scope.READ_WRITE,
        "expires_on": today_in_japan() + timedelta(days=30),
        "second_factor_verified": True,
        **overrides,
    }
    return api_tokens.create_api_token(**kwargs)


def test_a_token_is_stored_only_as_its_sha256_with_a_short_visible_prefix(submitter):
    created = create(submitter)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret.startswith(token.prefix) and len(token.prefix) == 12
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert created.secret not in stored
    assert len(created.secret) > 40


def test_a_token_lasts_one_year_at_most(submitter):
    with pytest.raises(ValidationError) as error:
        create(submitter, expires_on=today_in_japan() + timedelta(days=366))
    assert "expires_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        create(submitter, expires_on=today_in_japan())
    assert create(submitter, expires_on=today_in_japan() + timedelta(days=365)).token.pk


def test_responders_and_rights_holders_may_not_make_tokens(responder):
    with pytest.raises(PermissionDenied):
        create(responder)
    with pytest.raises(PermissionDenied):
        create(member(Role.RIGHTS_HOLDER))


def test_ministry_staff_make_read_tokens_only_and_only_with_a_verified_second_factor(official, supervisor):
    with pytest.raises(ValidationError):
        create(official, scope=ApiToken.Scope.READ_WRITE)
    with pytest.raises(PermissionDenied):
        create(supervisor, scope=ApiToken.Scope.READ, second_factor_verified=False)
    assert create(supervisor, scope=ApiToken.Scope.READ).token.scope == "read"


def test_the_token_page_refuses_to_make_a_token_without_a_verified_second_factor(official):
    client = Client()
    login(client, official, verified=False)
    response = client.post(
        reverse("api_tokens"), {"name": "x", "scope": "read", "expires_on": str(today_in_japan() + timedelta(days=5))}
    )
    # The two-factor middleware sends the official to the second step first; nothing is made.
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_a_call_with_a_token_records_its_last_use_and_address_and_is_audited(submitter, issued_request):
    secret = make_token(submitter)
    response = api_client(secret).get(developer_list(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [issued_request.reference]
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "203.0.113.9"
    event = AuditEvent.objects.get(action="api_token_use")
    assert (event.actor, event.ip_address, event.data["token"], event.data["method"]) == (
        submitter,
        "203.0.113.9",
        token.prefix,
        "GET",
    )


def _refused(response, reason: str):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"] == "urn:article16:problem:authentication-failed"
    assert reason in body["detail"]


def test_a_revoked_token_is_refused_at_once(submitter):
    created = create(submitter)
    api_tokens.revoke_api_token(token=created.token, by=submitter)
    _refused(api_client(created.secret).get(developer_list()), "revoked")
    _refused(api_client(created.secret).post(reverse("api:developer-request-list")), "revoked")


def test_an_expired_token_is_refused(submitter):
    created = create(submitter)
    ApiToken.objects.filter(pk=created.token.pk).update(expires_at=created.token.created_at + timedelta(microseconds=1))
    _refused(api_client(created.secret).get(developer_list()), "expired")


def test_an_unknown_or_malformed_token_is_refused(db):
    _refused(api_client("a16_not-a-real-token").get(developer_list()), "not valid")
    _refused(api_client("something-else").get(developer_list()), "not valid")


def test_no_token_at_all_is_a_401_problem_with_a_challenge(db):
    response = api_client().get(developer_list())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:article16:problem:not-authenticated"


def test_deactivating_the_creator_revokes_their_tokens(submitter, official):
    created = create(submitter)
    deactivate_user(user=submitter, by=official)
    assert ApiToken.objects.get().revoked_at is not None
    _refused(api_client(created.secret).get(developer_list()), "revoked")


def test_a_token_stops_working_when_its_creator_leaves_or_changes_organisation_or_role(submitter):
    created = create(submitter)
    client = api_client(created.secret)
    assert client.get(developer_list()).status_code == 200
    Membership.objects.filter(user=submitter).update(role=Role.RESPONDER)
    _refused(client.get(developer_list()), "role")
    Membership.objects.filter(user=submitter).update(role=Role.SUBMITTER, organisation=DeveloperFactory())
    _refused(client.get(developer_list()), "organisation")
    Membership.objects.filter(user=submitter).delete()
    _refused(client.get(developer_list()), "organisation")


def test_a_read_only_token_may_read_but_not_write(submitter, issued_request):
    client = api_client(make_token(submitter, scope=ApiToken.Scope.READ))
    detail = reverse("api:developer-request-detail", args=[issued_request.public_id])
    assert client.get(detail).status_code == 200
    response = client.post(reverse("api:developer-request-acknowledge", args=[issued_request.public_id]))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:article16:problem:forbidden"
    issued_request.refresh_from_db()
    assert issued_request.state == "issued"


def test_a_ministry_token_reads_the_ministry_endpoints_but_not_the_developer_ones(official, issued_request):
    client = api_client(make_token(official, scope=ApiToken.Scope.READ))
    listed = client.get(reverse("api:ministry-request-list")).json()["results"]
    assert [row["reference"] for row in listed] == [issued_request.reference]
    assert client.get(developer_list()).status_code == 403


def test_an_official_without_a_verified_second_factor_gets_a_403_problem_from_the_api(official):
    client = Client()
    login(client, official, verified=False)
    response = client.get(reverse("api:ministry-request-list"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:article16:problem:second-factor-required"


def test_problems_answer_in_the_language_the_caller_asks_for(db):
    japanese = api_client(language="ja").get(developer_list())
    english = api_client(language="en").get(developer_list())
    assert japanese["Content-Language"] == "ja" and english["Content-Language"] == "en"
    assert english.json()["title"] == "Authentication needed"
    assert japanese.json()["title"] == "認証が必要です"


# The token page


def test_the_token_page_shows_a_new_secret_once_then_lists_the_token_without_it(client, submitter):
    login(client, submitter)
    expires = today_in_japan() + timedelta(days=60)
    response = client.post(
        reverse("api_tokens"), {"name": "社内システム", "scope": "read_write", "expires_on": expires}
    )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    secret = response.context["created"].secret
    assert secret.encode() in response.content
    assert response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    listing = client.get(reverse("api_tokens"))
    assert listing.status_code == 200
    assert secret.encode() not in listing.content
    assert token.prefix.encode() in listing.content and "社内システム".encode() in listing.content


def test_the_token_page_revokes_only_the_users_own_tokens(client, submitter, developer):
    other = member(Role.SUBMITTER, developer)
    theirs = create(other).token
    mine = create(submitter).token
    login(client, submitter)
    assert client.post(reverse("api_token_revoke", args=[theirs.public_id])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[mine.public_id])).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.revoked_at is None and mine.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token_revoked", actor=submitter).count() == 1


def test_the_token_page_refuses_an_expiry_beyond_a_year(client, submitter):
    login(client, submitter)
    too_late = today_in_japan() + timedelta(days=400)
    response = client.post(reverse("api_tokens"), {"name": "x", "scope": "read", "expires_on": too_late})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
