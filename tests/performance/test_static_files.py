"""Static files go out hashed, compressed (gzip and brotli) and cacheable forever."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import django, json
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
url = static("css/site.css")
client = Client()
br = client.get(url, headers={"Accept-Encoding": "br"})
gz = client.get(url, headers={"Accept-Encoding": "gzip"})
print(json.dumps({
    "url": url,
    "br": [br.status_code, br.headers.get("Content-Encoding"), br.headers.get("Cache-Control")],
    "gzip": [gz.status_code, gz.headers.get("Content-Encoding")],
}))
"""


def test_collected_static_files_are_hashed_compressed_and_immutable(tmp_path):
    (tmp_path / "collected_settings.py").write_text(
        f"from site_config.settings import *\nSTATIC_ROOT = {str(tmp_path / 'static')!r}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_SETTINGS_MODULE": "collected_settings",
        "DJANGO_SECRET_KEY": "static-files-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "PYTHONPATH": f"{tmp_path}:{ROOT}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    collected = list((tmp_path / "static" / "css").glob("site.*.css*"))
    suffixes = {path.name.rsplit(".", 1)[-1] for path in collected}
    assert {"css", "gz", "br"} <= suffixes, collected

    served = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    served = json.loads(served.stdout.strip().splitlines()[-1])
    assert served["url"].startswith("/static/css/site.")
    assert served["url"] != "/static/css/site.css"  # a hashed name
    status, encoding, cache_control = served["br"]
    assert (status, encoding) == (200, "br")
    assert "immutable" in cache_control
    assert "max-age=315360000" in cache_control
    assert served["gzip"] == [200, "gzip"]
