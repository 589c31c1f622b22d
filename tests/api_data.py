"""API clients for tests: a token for a user, and a DRF client that sends it."""

from datetime import timedelta

from rest_framework.test import APIClient

from disclosures.deadlines import today_in_japan
from portal.accounts import api_tokens
from portal.accounts.models import ApiToken


def make_token(user, *, scope: str = ApiToken.Scope.READ_WRITE, days: int = 30) -> str:
    """A new token of `user` (as made on the token page, second factor verified); its secret."""
    return api_tokens.create_api_token(
        user=user,
        name="test",
        scope=scope,
        expires_on=today_in_japan() + timedelta(days=days),
        second_factor_verified=True,
    ).secret


def api_client(secret: str | None = None, *, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def token_client(user, **kwargs) -> APIClient:
    return api_client(make_token(user, **kwargs))


def form_data(request, document: dict, revision: int, **extra) -> dict:
    """What the browser's answer form posts for `document` (the same conversion the form page uses)."""
    from disclosures.forms.answers import data_from_document

    data = data_from_document(request, document)
    payload = {key: data.getlist(key) for key in data}
    payload["revision"] = str(revision)
    payload.update(extra)
    return payload
