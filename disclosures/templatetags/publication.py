from django import template

from disclosures.models import Publication
from disclosures.services.publication import may_approve_publication

register = template.Library()


@register.simple_tag
def publication_status(disclosure, user) -> dict:
    """Whether the request's letter and answers are public, and whether `user` may approve that."""
    publication = Publication.objects.filter(request=disclosure).select_related("approved_by").first()
    return {
        "publication": publication,
        "may_approve": publication is None and may_approve_publication(user, disclosure),
        "is_drafter": user.pk == disclosure.drafted_by_id,
    }
