"""Generations: the version stamps that keep cached HTML exact, in the shared cache.

Cached HTML is tagged with the generations it was rendered under and served only while
they are current. A change sets a new generation once its transaction commits; a page
rendered meanwhile from the data before the commit carries the generation that the commit
replaces, so it is never served afterwards. Generations never expire (a lost one would
merely be made again), and they live in the shared cache, never in one process's memory.
"""

import uuid
from collections.abc import Sequence

from django.core.cache import cache
from django.db import transaction


def renew(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def renew_on_commit(key: str) -> None:
    """Call inside the transaction that makes the change."""
    transaction.on_commit(lambda: renew(key))


def current(found: dict, keys: Sequence[str]) -> tuple[str, ...]:
    """The generations under `keys`, from `found` (a `cache.get_many` that asked for them);
    a key that has none yet gets one, the same in every worker (the first `add` wins)."""
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)
