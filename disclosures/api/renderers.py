"""What the organisation endpoints answer with: JSON, problem details, and files as they are."""

from rest_framework import renderers


class ProblemJSONRenderer(renderers.JSONRenderer):
    """So a client that accepts only `application/problem+json` still gets its error (not a 406)."""

    media_type = "application/problem+json"


class FileRenderer(renderers.BaseRenderer):
    """Lets a download be negotiated (`Accept: application/pdf`); a problem on the way is still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


class OctetStreamRenderer(FileRenderer):
    media_type = "application/octet-stream"
    format = "bin"


JSON_RENDERERS = [renderers.JSONRenderer, ProblemJSONRenderer]
FILE_RENDERERS = [*JSON_RENDERERS, FileRenderer, OctetStreamRenderer]
