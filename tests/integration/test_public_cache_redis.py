"""Issue 12 on Redis: a public page served from cache costs two round trips (the throttle's counter, then
the data version with the page), and the throttle still refuses an address over its rate."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from disclosures.services.publication import bump_public_version
from portal.cache import SharedClientRedisCache
from portal.throttling import AddressRateThrottle
from tests.public_data import clear_page_cache, issued

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _redis_commands(monkeypatch) -> list[int]:
    """The number of round trips to Redis, counted at redis-py's connection (a pipeline is one)."""
    from redis.connection import Connection

    sent: list[int] = []
    original = Connection.send_packed_command
    monkeypatch.setattr(
        Connection, "send_packed_command", lambda self, *a, **k: sent.append(1) or original(self, *a, **k)
    )
    return sent


def test_a_cached_page_costs_two_round_trips_and_a_data_change_rebuilds_it(client, monkeypatch):
    assert isinstance(caches["default"], SharedClientRedisCache)
    request = issued(model_name="Before")
    index = reverse("public:index")
    assert "Before" in client.get(index, REMOTE_ADDR="192.0.2.10").content.decode()

    sent = _redis_commands(monkeypatch)
    assert "Before" in client.get(index, REMOTE_ADDR="192.0.2.10").content.decode()
    assert len(sent) == 2

    request.model_name = "After"
    request.save()
    bump_public_version()
    assert "After" in client.get(index, REMOTE_ADDR="192.0.2.10").content.decode()


def test_the_throttle_counts_per_address_on_redis_and_says_when_to_come_back(client, monkeypatch):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"public_page": "2/minute"})
    index = reverse("public:index")
    statuses = [client.get(index, REMOTE_ADDR="192.0.2.20").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get(index, REMOTE_ADDR="192.0.2.20")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(index, REMOTE_ADDR="192.0.2.21").status_code == 200
    # The counter expires with its minute: Redis holds no address for longer.
    redis = caches["default"]._cache.get_client(write=True)
    keys = redis.keys("*throttle_public_page_192.0.2.20_*")
    assert len(keys) == 1 and 0 < redis.ttl(keys[0]) <= 60
