"""Settings for the test suite: fast hashing, in-memory mail and files, tasks in-process.

Integration tests (`-m integration`) keep the broker and database from the environment, so the same
flows run against PostgreSQL, Redis and a real worker. So do the browser tests (`-m e2e`, PORTAL_E2E=1):
they share the database, Redis, files and mail folder with the production run they start.
"""

import os

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

INTEGRATION = os.environ.get("PORTAL_INTEGRATION") == "1"
E2E = os.environ.get("PORTAL_E2E") == "1"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not (INTEGRATION or E2E):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_BROKER_URL = None
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if E2E:
    # The production run serves static files with DEBUG off (no finders): collectstatic fills this folder.
    STATIC_ROOT = DATA_DIR / "static"  # noqa: F405
LANGUAGE_CODE = "ja"
# The suite calls the API thousands of times from one address; the throttle has a test of its own.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},  # noqa: F405
}
