"""How many comments wait for a moderator, for the way in to /moderation/ on every page a
moderator works on: the site's header and the admin's. Counted only when a template shows
it (to a moderator), so no other page pays for it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import queues


def waiting(request: HttpRequest) -> dict:
    return {"moderation_waiting": SimpleLazyObject(queues.pending_count)}
