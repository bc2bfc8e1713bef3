"""The reader's CSRF token for a response, masked as Django masks it, drawn faster.

Django masks the reader's CSRF secret afresh for every response, so that compression
cannot reveal it (BREACH), and draws each of the mask's 32 characters with its own call to
the system's random source; for a new reader it draws the secret the same way. On the
cached article page, which most readers get, those 64 system calls were the largest cost
left (`make bench`). This draws the same characters from one `secrets.token_bytes` call,
without bias (bytes past the largest multiple of the alphabet's size are skipped), and
masks exactly as django.middleware.csrf does: Django's CsrfViewMiddleware checks the
tokens and sets the cookie as for its own (tests/security/test_csrf_token.py).
"""

import secrets

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_SIZE = len(CSRF_ALLOWED_CHARS)
_UNBIASED_BELOW = 256 - 256 % _SIZE
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def random_string(length: int = CSRF_SECRET_LENGTH) -> str:
    """`length` characters of CSRF_ALLOWED_CHARS from the system's random source."""
    chars: list[str] = []
    while len(chars) < length:
        drawn = secrets.token_bytes(length + 8)
        chars += (CSRF_ALLOWED_CHARS[byte % _SIZE] for byte in drawn if byte < _UNBIASED_BELOW)
    return "".join(chars[:length])


def get_token(request: HttpRequest) -> str:
    """As django.middleware.csrf.get_token: the reader's secret, masked afresh; a new secret
    (and, from the CSRF middleware, its cookie) for a reader who has none."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # send the cookie: new, or renewed
    mask = random_string()
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _SIZE]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher
