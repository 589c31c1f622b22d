"""Filters for the PDF record templates."""

from django import template

from disclosures.records import render

register = template.Library()


@register.filter
def breakable(value) -> str:
    """Long unbroken runs (URLs, hashes) get line-break opportunities; see records.render.breakable.

    Returns plain text, so autoescaping and `linebreaksbr` still apply after it.
    """
    return render.breakable(value)
