from django import template

from disclosures.selectors.withheld import WithheldAnswer, withheld_answers

register = template.Library()


@register.simple_tag
def withheld_in(version) -> list[WithheldAnswer]:
    """`{% withheld_in version as withheld %}`: what of a public version is withheld, and why."""
    return withheld_answers(version)
