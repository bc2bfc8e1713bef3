"""Django's Redis cache backend, without a new client object for every operation.

Django's RedisCacheClient builds a `redis.Redis` for each get and set; setting one up costs
more than the round trip to Redis itself for the page cache's small reads. A client is
thread-safe and holds no connection of its own (its pool does), so one per pool is enough.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
