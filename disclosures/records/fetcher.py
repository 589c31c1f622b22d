"""The only way a record's HTML may load anything: the portal's own static files, nothing else.

WeasyPrint asks its URL fetcher for every stylesheet, image, font and SVG reference. This fetcher
serves files under the static directories itself (it never goes through urllib, so there is no
redirect to follow) and refuses everything else: other files, http(s), ftp, and data: URLs other
than plain raster images. Fonts come from fontconfig (fonts-noto-cjk), not through URLs.
"""

import base64
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ALLOWED_DATA_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


class RefusedURL(ValueError):
    """Raised for any URL outside the portal's static files; WeasyPrint logs it and carries on."""


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that keeps a list of what it was asked and what it refused."""

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=False)
        self.roots = roots if roots is not None else static_roots()
        self.asked: list[str] = []
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        try:
            response = self._serve(url)
        except RefusedURL:
            self.refused.append(url)
            logger.warning("Record renderer refused to fetch %.200s", url)
            raise
        self.served.append(url)
        return response

    def _serve(self, url: str) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._serve_file(url)
        if scheme == "data":
            return self._serve_data(url)
        raise RefusedURL(f"scheme {scheme!r} is not allowed")

    def _serve_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL("remote file URL")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise RefusedURL("file outside the static directories")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _serve_data(self, url: str) -> URLFetcherResponse:
        header, _comma, payload = url[len("data:") :].partition(",")
        media_type, *params = header.split(";")
        if media_type.strip().lower() not in ALLOWED_DATA_TYPES or params != ["base64"]:
            raise RefusedURL("data URL of a type that is not a raster image")
        try:
            body = base64.b64decode(unquote(payload), validate=True)
        except ValueError:
            raise RefusedURL("malformed data URL") from None
        return URLFetcherResponse("data:", body, {"Content-Type": media_type.strip().lower()})
