"""Request bodies the API reads: JSON within a size limit, nested no deeper than a document can be."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from disclosures.api.problems import Problem


def body_too_large(limit: int) -> Problem:
    return Problem(
        status_code=413,
        kind="body-too-large",
        title=_("Request body too large"),
        detail=_("The body may be %(limit)s bytes at most.") % {"limit": limit},
    )


class LimitedJSONParser(parsers.JSONParser):
    """DRF's JSON parser reads the raw stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: bound it here."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise body_too_large(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise body_too_large(limit)
        try:
            return json.loads(raw.decode(parser_context.get("encoding", settings.DEFAULT_CHARSET)))
        except (ValueError, UnicodeDecodeError) as error:
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from None
        except RecursionError:
            raise exceptions.ParseError(_("The body is nested too deeply.")) from None
