"""Loaded only by the slow worker of tests/integration/test_records_worker.py (see slow_worker_settings).

Each render waits RECORD_RENDER_TEST_DELAY seconds after its job is claimed, so the test can kill the
worker in the middle of a render. The delay is installed in the worker's pool processes by this
test-only module; the portal's own code has no test hook.
"""

import os
import time

from celery.signals import worker_process_init


@worker_process_init.connect
def _render_slowly(**kwargs) -> None:
    from disclosures.services import records

    render, delay = records.render_pdf, float(os.environ["RECORD_RENDER_TEST_DELAY"])

    def slow_render_pdf(*args, **kwargs):
        time.sleep(delay)
        return render(*args, **kwargs)

    records.render_pdf = slow_render_pdf
