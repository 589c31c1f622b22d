"""Stable cursors for every list of the organisation endpoints: a row added meanwhile never shifts a page."""

from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Opaque `cursor` links (`next`, `previous`); the order ends in a unique column, so ties never repeat."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")
