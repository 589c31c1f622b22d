import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()


def freeze_loaded_objects() -> None:
    """Load every view (the URLconf), then keep what is loaded so far out of the garbage collector's walks.

    A full collection visits every object the collector tracks. A worker holds about 140,000 once its views
    are imported (Django, DRF, the portal), and a full collection of them took 100 to 130 ms on the
    benchmark machine, paid by whichever request happened to trigger it: the one slow call in a run of
    `bench/scale.py`. They live as long as the process, so none of them is garbage; frozen (`gc.freeze`),
    a collection walks only what requests made. Called once in each gunicorn worker
    (`gunicorn_conf.post_worker_init`) and by `bench/scale.py`, so it measures what a worker serves.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.collect()
    gc.freeze()
