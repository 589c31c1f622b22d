from django import template

from disclosures.models import Publication
from disclosures.selectors.public import publication_scope
from disclosures.services.publication import may_approve_publication

register = template.Library()


@register.simple_tag
def publication_status(disclosure, user) -> dict:
    """What is public of the request, what an approval would add, and whether `user` may approve it."""
    publication = Publication.objects.filter(request=disclosure).select_related("approved_by").first()
    scope = publication_scope(disclosure)
    return {
        "publication": publication,
        "scope": scope,
        "may_approve": not scope.empty and may_approve_publication(user, disclosure),
    }
