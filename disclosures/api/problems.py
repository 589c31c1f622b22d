"""Every API error as RFC 9457 problem details, in the caller's language (Accept-Language: ja or en).

One JSON shape for all: `type` (a URN naming the kind of problem), `title`, `status`, `detail`, and for
invalid input `errors`, each with a JSON `pointer` (into the request body, or for answers into the
answer document) and a `detail`. Conflicts also carry the draft's current `revision` and `etag`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from disclosures.services.errors import InvalidTransition

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:article16:problem:"


class Problem(exceptions.APIException):
    """An API error raised by the API's own code, with its problem type and any extra members."""

    def __init__(self, *, status_code: int, kind: str, title: str, detail: str = "", errors=None, **extra):
        super().__init__(detail or title)
        self.status_code = status_code
        self.kind = kind
        self.title = title
        self.errors = errors or []
        self.extra = extra


def pointer(*parts) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _drf_errors(detail, path=()) -> list[dict]:
    """DRF's nested error detail as a flat list of {pointer, detail}."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            found += _drf_errors(value, path if key == "non_field_errors" else (*path, key))
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"pointer": pointer(*path), "detail": str(item)} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _drf_errors(item, (*path, index) if isinstance(item, dict | list) else path)
        return found
    return [{"pointer": pointer(*path), "detail": str(detail)}]


def _service_errors(error: DjangoValidationError) -> list[dict]:
    """A service's ValidationError: answer problems carry their JSON pointer; other errors their field."""
    problems = getattr(error, "problems", None)
    if problems:
        return [
            {
                "pointer": getattr(problem, "path", "") or "",
                "label": str(getattr(problem, "label", "") or ""),
                "detail": str(getattr(problem, "message", "") or problem),
            }
            for problem in problems
        ]
    if hasattr(error, "error_dict"):
        return [
            {"pointer": "" if field == "__all__" else pointer(field), "detail": str(message)}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"pointer": "", "detail": str(message)} for message in error.messages]


def problem_response(
    *, status_code: int, kind: str, title: str, detail: str = "", errors=None, headers=None, **extra
) -> Response:
    body = {"type": TYPE_PREFIX + kind, "title": str(title), "status": status_code, "detail": str(detail or title)}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    response["Content-Language"] = (get_language() or "ja")[:2]
    return response


def problem_for(exc, context) -> Response | None:
    """The problem response for an exception raised in an API view; None for one that is a bug."""
    if isinstance(exc, Problem):
        return problem_response(
            status_code=exc.status_code,
            kind=exc.kind,
            title=exc.title,
            detail=str(exc.detail),
            errors=exc.errors,
            **exc.extra,
        )
    if isinstance(exc, Http404 | exceptions.NotFound):
        return problem_response(
            status_code=404, kind="not-found", title=_("Not found"), detail=_("There is nothing here you may see.")
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return problem_response(
            status_code=413, kind="body-too-large", title=_("Request body too large"), detail=str(exc)
        )
    if isinstance(exc, InvalidTransition):
        return problem_response(
            status_code=409,
            kind="invalid-transition",
            title=_("Not possible in the request's current state"),
            detail=" ".join(exc.messages),
        )
    if isinstance(exc, DjangoValidationError):
        return problem_response(
            status_code=422,
            kind="invalid-answer",
            title=_("The input was not accepted"),
            detail=" ".join(str(m) for m in exc.messages[:5]),
            errors=_service_errors(exc),
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=400,
            kind="invalid-request",
            title=_("The request is not valid"),
            detail=_("See the errors for each field."),
            errors=_drf_errors(exc.detail),
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        # DRF's view has set `auth_header` (401) or turned the error into a 403 when nothing can challenge.
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        kinds = {
            exceptions.ParseError: ("malformed-body", _("The body could not be read")),
            exceptions.NotAuthenticated: ("not-authenticated", _("Authentication needed")),
            exceptions.AuthenticationFailed: ("authentication-failed", _("Authentication failed")),
            exceptions.PermissionDenied: ("forbidden", _("Not allowed")),
            exceptions.MethodNotAllowed: ("method-not-allowed", _("Method not allowed")),
            exceptions.NotAcceptable: ("not-acceptable", _("No acceptable representation")),
            exceptions.UnsupportedMediaType: ("unsupported-media-type", _("Unsupported media type")),
            exceptions.Throttled: ("too-many-requests", _("Too many requests")),
        }
        kind, title = next(
            (value for cls, value in kinds.items() if isinstance(exc, cls)), ("error", _("The request failed"))
        )
        return problem_response(
            status_code=exc.status_code, kind=kind, title=title, detail=str(exc.detail), headers=headers
        )
    return None


def problem_json(*, status_code: int, kind: str, title: str, detail: str = ""):
    """The same problem body outside a DRF view (middleware, the URL resolver's 404)."""
    from django.http import JsonResponse

    body = {"type": TYPE_PREFIX + kind, "title": str(title), "status": status_code, "detail": str(detail or title)}
    response = JsonResponse(
        body, status=status_code, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Language"] = (get_language() or "ja")[:2]
    return response


def not_found(request, exception=None):
    """The site's 404 (handler404): under /api/ a problem like every other API error, elsewhere the page."""
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return problem_json(
            status_code=404, kind="not-found", title=_("Not found"), detail=_("No endpoint has this address.")
        )
    return page_not_found(request, exception)
