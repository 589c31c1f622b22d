"""gunicorn settings for the production run (`make serve`, compose.yaml), from the environment.

Every request is logged once, as JSON, by portal.logging.RequestLogMiddleware; gunicorn's own access log
stays off and its error log goes through the same JSON formatter.
"""

import multiprocessing

from portal.env import env_int, env_str
from portal.logging import gunicorn_logconfig

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# The usual (2 x cores) + 1; threads let a process serve while one request waits on the database.
workers = env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 4, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 60, minimum=1)
# On SIGTERM a worker finishes the requests it holds, for up to this long.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 20, minimum=1)
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
# gunicorn 27's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl), so two runs on one
# machine (a test's production run beside `make serve`) would take it from each other; nothing uses it.
control_socket_disable = True
accesslog = None
logconfig_dict = gunicorn_logconfig()


def post_worker_init(worker) -> None:
    from portal.wsgi import freeze_loaded_objects

    freeze_loaded_objects()
