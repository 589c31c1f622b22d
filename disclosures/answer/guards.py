"""Checks of a parsed JSON value before any field is read: nesting depth and valid Unicode."""

import re

from django.utils.translation import gettext as _

# Deeper than any answer document (document > section > rows > row > list is five levels).
MAX_DOCUMENT_DEPTH = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def is_valid_text(text: str) -> bool:
    """Whether `text` is valid Unicode: it can be written as UTF-8 (no lone surrogate such as \\ud800)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def invalid_text_message(where: str):
    return _(
        "%(where)s holds text that is not valid Unicode (a lone surrogate such as \\ud800). Correct it and try again."
    ) % {"where": _printable(where)}


def json_too_deep(text: str, limit: int = MAX_DOCUMENT_DEPTH) -> bool:
    """Whether JSON text nests objects and lists deeper than `limit` (checked before parsing, in linear time)."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def document_error(document) -> str | None:
    """What makes a parsed document unusable before any field is read, or None.

    Nesting deeper than an answer document can be, and text (keys or values) that is not valid Unicode,
    are refused here for every entry point; the answer forms check each field again.
    """
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DOCUMENT_DEPTH:
            return str(_("The document is nested more deeply than an answer document can be."))
        if isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_valid_text(key):
                    return invalid_text_message(key_path)
                stack.append((item, key_path, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and not is_valid_text(value):
            return invalid_text_message(path or _("The document"))
    return None
