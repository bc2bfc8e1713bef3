"""What one request costs: every database query (the database cache's own included) and
every operation on the page cache, in this process's memory or in Redis."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

CACHE_OPERATIONS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr")


@dataclass
class Cost:
    queries: list[str] = field(default_factory=list)
    cache_operations: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.queries) + len(self.cache_operations)


@contextmanager
def counted() -> Iterator[Cost]:
    cost = Cost()
    pages = caches["pages"]

    def counting(name: str):
        operation = getattr(pages, name)

        def call(*args, **kwargs):
            cost.cache_operations.append(name)
            return operation(*args, **kwargs)

        return call

    for name in CACHE_OPERATIONS:
        setattr(pages, name, counting(name))
    try:
        with CaptureQueriesContext(connection) as captured:
            yield cost
    finally:
        for name in CACHE_OPERATIONS:
            delattr(pages, name)  # back to the backend's own methods
    cost.queries = [query["sql"] for query in captured]


def cost_of(client, url: str) -> Cost:
    with counted() as cost:
        response = client.get(url)
    assert response.status_code == 200, url
    return cost


def cold_cost_of(client, url: str) -> Cost:
    """A view of `url` not yet in the page cache (its versions exist: made once per piece)."""
    client.get(url)
    caches["pages"].clear()
    return cost_of(client, url)
