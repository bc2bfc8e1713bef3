"""Stand-ins for the per-reader parts of HTML that is rendered once and served to many.

Cached HTML (a whole page for anonymous readers, each comment's fragment for everyone)
holds these markers instead of a reader's CSRF token and current address; `fill` puts the
reader's own in as the response goes out. A page served many times is `split` once at its
markers, so that each response is one join rather than a search of the whole page.
"""

import re

from django.http import HttpRequest
from django.utils.html import escape

from .csrf import get_token

CSRF_TOKEN = "csrf-token-placeholder-8c1f3a"  # noqa: S105 - a marker, not a secret
CURRENT_PATH = "/current-path-placeholder-8c1f3a"
_MARKERS = re.compile(
    b"(" + re.escape(CSRF_TOKEN.encode()) + b"|" + re.escape(CURRENT_PATH.encode()) + b")"
)


def split(content: bytes) -> tuple[bytes, ...]:
    """`content` as text and markers, alternately: what `fill_split` joins."""
    return tuple(_MARKERS.split(content))


def fill_split(request: HttpRequest, pieces: tuple[bytes, ...]) -> bytes:
    if len(pieces) == 1:
        return pieces[0]
    values = {
        CSRF_TOKEN.encode(): get_token(request).encode(),  # sets their CSRF cookie if new
        CURRENT_PATH.encode(): escape(request.get_full_path()).encode(),
    }
    return b"".join(values[piece] if i % 2 else piece for i, piece in enumerate(pieces))


def fill(request: HttpRequest, content: bytes) -> bytes:
    return fill_split(request, split(content))
