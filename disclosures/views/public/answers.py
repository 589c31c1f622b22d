"""Public answers in readable form, and what changed between two versions.

The input is always the output of `selectors.answers.public_answers()`: this module only lays it out.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst


def _label(key) -> str:
    return capfirst(str(key).replace("_", " "))


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _render(value) -> SafeString:
    if isinstance(value, dict):
        shown = [(k, v) for k, v in value.items() if not _empty(v)]
        if not shown:
            return mark_safe("—")
        return format_html(
            '<dl class="answers">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((_label(k), _render(v)) for k, v in shown)),
        )
    if isinstance(value, list | tuple):
        if not value:
            return mark_safe("—")
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return format_html("{}", ", ".join(str(v) for v in value))
        return format_html(
            '<ol class="answer-list">{}</ol>', format_html_join("", "<li>{}</li>", ((_render(v),) for v in value))
        )
    if isinstance(value, bool):
        return format_html("{}", "✓" if value else "✗")
    if _empty(value):
        return mark_safe("—")
    return format_html("{}", value)


def render_answers(answers: dict) -> SafeString:
    """The public answers as nested definition lists; `version` and the `withheld` paths are left out."""
    return _render({k: v for k, v in answers.items() if k not in ("version", "withheld")})


def _flatten(value, path: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        items = {}
        for key, item in value.items():
            items.update(_flatten(item, f"{path} › {_label(key)}" if path else _label(key)))
        return items
    if isinstance(value, list | tuple):
        items = {}
        for index, item in enumerate(value, start=1):
            items.update(_flatten(item, f"{path} {index}"))
        return items
    return {path: "" if value is None else str(value)}


def answer_changes(older: dict, newer: dict) -> list[tuple[str, str, str]]:
    """(field, before, after) for every public field that differs between two versions."""
    before, after = _flatten(older), _flatten(newer)
    return [
        (path, before.get(path, ""), after.get(path, ""))
        for path in sorted(set(before) | set(after))
        if before.get(path, "") != after.get(path, "")
    ]
