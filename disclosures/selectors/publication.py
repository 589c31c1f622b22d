"""Requests waiting for a supervisor's approval of publication: the queue and the digest read these."""

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from disclosures.models import AuditEvent, DisclosureRequest, Publication
from disclosures.selectors.requests import requests_visible_to
from disclosures.services.audit import EDIT_DRAFT
from disclosures.states import Action
from portal.accounts.models import Organisation, Role, User

# The letter waits until the request's first approval; each submitted version until its own.
_WAITING = Q(publication__isnull=True) | Q(response_versions__publication__isnull=True, response_versions__isnull=False)


def _waiting(requests: QuerySet[DisclosureRequest]) -> QuerySet[DisclosureRequest]:
    return requests.filter(issued_at__isnull=False).filter(_WAITING)


def _awaiting(requests: QuerySet[DisclosureRequest]) -> QuerySet[DisclosureRequest]:
    return (
        _waiting(requests)
        .annotate(
            waiting_versions=Count(
                "response_versions",
                filter=Q(response_versions__publication__isnull=True),
                distinct=True,
            ),
            oldest_waiting_version=Min(
                "response_versions__submitted_at", filter=Q(response_versions__publication__isnull=True)
            ),
            letter_waiting=~Exists(Publication.objects.filter(request=OuterRef("pk"))),
        )
        .distinct()
        .order_by("issued_at", "reference")
    )


def _authored_by(user: User):
    """Whether `user` drafted or changed the request: such a supervisor may not approve its publication."""
    return Q(drafted_by=user) | Exists(
        AuditEvent.objects.filter(request=OuterRef("pk"), actor=user, action__in=[Action.CREATE, EDIT_DRAFT])
    )


def awaiting_publication(user: User) -> QuerySet[DisclosureRequest]:
    """The requests of a supervisor's ministry with something one approval would make public.

    Each row carries `letter_waiting`, `waiting_versions`, `oldest_waiting_version` and `authored` (the user drafted or
    changed it, so another supervisor approves it). Anyone else gets nothing.
    """
    if not user.has_role(Role.SUPERVISOR):
        return DisclosureRequest.objects.none()
    return _awaiting(requests_visible_to(user)).annotate(authored=_authored_by(user))


def approvable_by(user: User) -> list[DisclosureRequest]:
    """The waiting requests `user` may approve (not those they drafted or changed): what their digest lists."""
    return [request for request in awaiting_publication(user) if not request.authored]


def ministries_with_waiting_publication() -> QuerySet[Organisation]:
    waiting = _waiting(DisclosureRequest.objects.filter(ministry=OuterRef("pk")))
    return Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).filter(Exists(waiting)).order_by("pk")
