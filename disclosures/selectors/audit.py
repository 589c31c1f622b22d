"""The audit trail as a supervisor reads it: scoped to their ministry in the query."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from disclosures.models import AuditEvent
from portal.accounts.models import Role, User


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    reference: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None


def audit_trail_for(user: User, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Events on the supervisor's ministry's requests, and events of the ministry's own staff (sign-ins, refusals).

    Newest first. Anyone who is not an active supervisor gets nothing.
    """
    events = AuditEvent.objects.select_related("actor", "organisation", "request").order_by("-created_at", "-id")
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR) or user.organisation is None:
        return events.none()
    ministry = user.organisation
    filters = filters or AuditFilter()
    events = events.filter(Q(request__ministry=ministry) | Q(request__isnull=True, organisation=ministry))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.reference:
        events = events.filter(request__reference__iexact=filters.reference.strip())
    if filters.actor:
        events = events.filter(actor__username__iexact=filters.actor.strip())
    if filters.since:
        events = events.filter(created_at__date__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__date__lte=filters.until)
    return events


def audit_actions_for(user: User) -> list[str]:
    """The actions that occur in the supervisor's trail, for the filter's choice list."""
    return sorted(set(audit_trail_for(user).order_by().values_list("action", flat=True).distinct()))
