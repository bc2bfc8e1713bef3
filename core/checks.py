"""System checks for settings that production cannot do without."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def site_url_is_set(app_configs, **kwargs) -> list[Error]:
    """Links in mail are built from SITE_URL, never from a request's Host: without it,
    a production site would mail links that go nowhere."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        Error(
            "SITE_URL is not set: links in mail (sign-up, password reset, replies, "
            "moderators' alerts) are built from it.",
            hint="Set the environment variable SITE_URL to the site's public address, "
            "such as https://example.org.",
            id="core.E001",
        )
    ]
