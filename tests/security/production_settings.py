"""Production settings, as a deployment runs them, for tests in a fresh interpreter.

One difference: static files use the plain storage, because the manifest of hashed names
exists only after `collectstatic`, which a test run does not do (tests/performance covers
the collected, hashed files).
"""

from site_config.settings import *  # noqa: F403
from site_config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
