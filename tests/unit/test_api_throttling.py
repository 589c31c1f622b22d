"""The open-data API answers a client up to its rate, then asks it to wait."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle


@pytest.mark.django_db
def test_an_anonymous_client_over_its_rate_gets_429_with_a_retry_after(client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    url = reverse("api:public-request-list")
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(url)
    assert int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_other_clients_are_not_throttled_by_one_busy_client(client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    url = reverse("api:public-request-list")
    for _ in range(3):
        client.get(url, REMOTE_ADDR="203.0.113.1")
    assert client.get(url, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert client.get(url, REMOTE_ADDR="203.0.113.2").status_code == 200
