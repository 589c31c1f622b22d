"""Settings for the test suite: fast hashing, in-memory mail and files, tasks in-process.

Integration tests (`-m integration`) keep the broker and database from the environment, so the same
flows run against PostgreSQL, Redis and a real worker.
"""

import os

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

INTEGRATION = os.environ.get("PORTAL_INTEGRATION") == "1"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not INTEGRATION:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_BROKER_URL = None
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "ja"
# The suite calls the API thousands of times from one address; the throttle has a test of its own.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {scope: "100000/minute" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},  # noqa: F405
}
