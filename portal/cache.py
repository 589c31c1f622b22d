"""Django's Redis cache, with one `redis.Redis` client per connection pool instead of one per call.

Django makes a new client for every cache operation; redis-py's client does enough in its constructor
that this cost a quarter of a millisecond a call, about as much as the Redis round trip itself, and a
cached public page makes four calls (throttle, data version, page). A client is safe to share between
threads: each command takes a connection from the pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _SharedClientCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientCacheClient
