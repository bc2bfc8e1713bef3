"""Stand-ins for the per-reader parts of HTML that is rendered once and served to many.

Cached HTML (a whole page for anonymous readers, each comment's fragment for everyone)
holds these markers instead of a reader's CSRF token and current address; `fill` puts the
reader's own in as the response goes out.
"""

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.html import escape

CSRF_TOKEN = "csrf-token-placeholder-8c1f3a"  # noqa: S105 - a marker, not a secret
CURRENT_PATH = "/current-path-placeholder-8c1f3a"


def fill(request: HttpRequest, content: bytes) -> bytes:
    token = get_token(request)  # also sets the reader's CSRF cookie when they have none
    return content.replace(CSRF_TOKEN.encode(), token.encode()).replace(
        CURRENT_PATH.encode(), escape(request.get_full_path()).encode()
    )
