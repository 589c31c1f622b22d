"""JSON log lines (structlog): one per request, one per task, and every library's own lines alike.

A request gets an id (the proxy's `X-Request-ID` when it sends a sane one, else a new one), echoed in the
response and carried into every task the request schedules through a Celery message header, so one id
ties a page view to the records it caused. Nothing a user typed is logged: no bodies, no query strings
of token links, no task arguments; and every line is scrubbed of the deployment's secret values.
"""

import logging
import re
import time
import uuid
from urllib.parse import urlsplit

import structlog
from celery import signals as celery_signals
from django.core.exceptions import ImproperlyConfigured

logger = structlog.get_logger("portal")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Event keys that are never written, whoever passes them.
_SECRET_KEYS = re.compile(r"password|passphrase|secret|token|authorization|cookie|session", re.IGNORECASE)
# Loggers that narrate routine work at INFO or log request bodies at DEBUG (botocore); their warnings show.
QUIET_LOGGERS = (
    "axes",
    "weasyprint",
    "fontTools",
    "pyhanko",
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    # portal.logging writes the one line per task; these would add a second and third.
    "celery.app.trace",
    "celery.worker.strategy",
    "health_check",
    # With DEBUG on it logs every query with its parameters, answers included.
    "django.db.backends",
)
REDACTED = "[redacted]"


def _secret_values() -> list[str]:
    """The deployment's secrets as they could appear in a line (settings may not be loaded yet)."""
    import os

    from django.conf import settings

    values = [os.environ.get("AWS_SECRET_ACCESS_KEY")]
    try:
        values += [
            settings.SECRET_KEY,
            getattr(settings, "RECORD_SIGNING_PASSPHRASE", None),
            getattr(settings, "LOG_SIGNING_KEY", None),
            settings.DATABASES["default"].get("PASSWORD"),
            settings.MAILERS["default"].get("OPTIONS", {}).get("password"),
        ]
        for url in (getattr(settings, "REDIS_URL", None), getattr(settings, "CELERY_BROKER_URL", None)):
            if url:
                values.append(urlsplit(url).password)
    except ImproperlyConfigured:
        pass
    # Short values would blank out ordinary words.
    return [value for value in values if value and len(value) >= 8]


def redact_secrets(_logger, _method, line):
    """Last step, on the rendered line: replace any secret value that reached it."""
    for value in _secret_values():
        if value in line:
            line = line.replace(value, REDACTED)
    return line


def drop_secret_keys(_logger, _method, event_dict):
    for key in [key for key in event_dict if _SECRET_KEYS.search(key)]:
        event_dict[key] = REDACTED
    return event_dict


_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(log_format: str = "json") -> structlog.stdlib.ProcessorFormatter:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder(allow=["status_code"])],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            drop_secret_keys,
            structlog.processors.format_exc_info,
            renderer,
            redact_secrets,
        ],
    )


def _configure_structlog() -> None:
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(*, level: str = "INFO", log_format: str = "json") -> dict:
    """Django's LOGGING: everything through one JSON formatter on standard error."""
    _configure_structlog()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"portal": {"()": formatter, "log_format": log_format}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {name: {"level": "WARNING"} for name in QUIET_LOGGERS},
    }


def gunicorn_logconfig() -> dict:
    """gunicorn's logconfig_dict: its error log as JSON lines too; its access log is replaced by ours."""
    _configure_structlog()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"portal": {"()": formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }


def _route(request) -> str:
    """The path, unless it carries a token (password reset, invitation): then the URL pattern instead."""
    match = getattr(request, "resolver_match", None)
    if match is not None and any(_SECRET_KEYS.search(name) or name == "uidb64" for name in match.kwargs):
        return "/" + match.route
    return request.path


class RequestLogMiddleware:
    """One line per request: method, path, status, duration, user id and the request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            logger.exception("request", method=request.method, path=_route(request), status=500)
            structlog.contextvars.clear_contextvars()
            raise
        user = getattr(request, "user", None)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(
            level,
            "request",
            method=request.method,
            path=_route(request),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        response[REQUEST_ID_HEADER] = request_id
        structlog.contextvars.clear_contextvars()
        return response


# Celery: the request id travels in a message header; each task writes one line when it ends.
_task_started: dict[str, float] = {}
_task_errors: dict[str, str] = {}


@celery_signals.setup_logging.connect
def _use_django_logging(**kwargs) -> None:
    # Connected, so Celery leaves logging alone; Django's LOGGING is already in force.
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@celery_signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


@celery_signals.task_prerun.connect
def _bind_task(task_id=None, task=None, **kwargs) -> None:
    if not task.request.is_eager:
        # A worker process runs many tasks: start each from its own message's context.
        structlog.contextvars.clear_contextvars()
        request_id = getattr(task.request, "request_id", None)
        if request_id:
            structlog.contextvars.bind_contextvars(request_id=request_id)
    _task_started[task_id] = time.perf_counter()


@celery_signals.task_failure.connect
def _note_task_error(task_id=None, exception=None, **kwargs) -> None:
    # The error's type only: its message may quote what the task was working on.
    _task_errors[task_id] = type(exception).__name__


@celery_signals.task_postrun.connect
def _log_task(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _task_started.pop(task_id, None)
    error = _task_errors.pop(task_id, None)
    state = state or "FAILURE"  # an in-process run that propagates its error ends without a state
    level = logging.INFO if state in ("SUCCESS", "RETRY") else logging.ERROR
    logger.log(
        level,
        "task",
        task=task.name,
        task_id=task_id,
        state=state,
        retries=task.request.retries or 0,
        duration_ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        **({"error": error} if error else {}),
    )
    if not task.request.is_eager:
        structlog.contextvars.clear_contextvars()
