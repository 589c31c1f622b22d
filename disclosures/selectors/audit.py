"""The audit trail as a supervisor reads it: scoped to their ministry, and to its own people, in the query."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, F, GenericIPAddressField, Q, QuerySet, Value, When

from disclosures.models import AuditEvent
from disclosures.states import TRANSITIONS
from portal.accounts.models import Role, User


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    reference: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


def audit_trail_for(user: User, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """The audit trail a supervisor may read, newest first; anyone who is not an active supervisor gets nothing.

    Each audience sees its own organisation's actors: events of the ministry's own staff (on its
    requests, and sign-ins or refusals without a request) come with user names and addresses. Of the
    other side of a shared request only the lifecycle steps it took (acknowledged, submitted, declined)
    appear, attributed to the organisation alone; its reads, downloads and sign-ins are its own business.
    Each row carries `actor_name` and `address` ("" and None where the reader may not know them); the
    page shows those, never the actor or address fields themselves.
    """
    events = AuditEvent.objects.select_related("organisation", "request").order_by("-created_at", "-id")
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR) or user.organisation is None:
        return events.none()
    ministry = user.organisation
    filters = filters or AuditFilter()
    own = Q(organisation=ministry)
    shared = Q(request__ministry=ministry) & (Q(organisation__isnull=True) | Q(action__in=list(TRANSITIONS)))
    events = events.filter(own | shared).annotate(
        actor_name=Case(When(own, then=F("actor__username")), default=Value(""), output_field=CharField()),
        address=Case(When(own, then=F("ip_address")), default=None, output_field=GenericIPAddressField()),
    )
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.reference:
        events = events.filter(request__reference__iexact=filters.reference.strip())
    if filters.actor:
        events = events.filter(own, actor__username__iexact=filters.actor.strip())
    if filters.since:
        events = events.filter(created_at__date__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__date__lte=filters.until)
    return events


def audit_actions_for(user: User) -> list[str]:
    """The actions that occur in the supervisor's trail, for the filter's choice list."""
    return sorted(set(audit_trail_for(user).order_by().values_list("action", flat=True).distinct()))
