"""Settings of the integration tests' slow worker: the test settings plus the slow render (test only)."""

from portal.test_settings import *  # noqa: F403

CELERY_IMPORTS = ["tests.integration.slow_render"]
