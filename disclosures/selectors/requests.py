"""Read-side queries for requests. Every non-public read is scoped to the user's organisation here."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest
from disclosures.states import AWAITING_DEVELOPER, DEVELOPER, MINISTRY, TRANSITIONS, State
from portal.accounts.models import User


def requests_visible_to(user: User) -> QuerySet[DisclosureRequest]:
    """The requests a signed-in user may see: their ministry's, or their company's issued ones."""
    base = DisclosureRequest.objects.select_related("ministry", "developer")
    if not user.is_authenticated or not user.is_active or user.organisation is None:
        return base.none()
    if user.role in MINISTRY:
        return base.filter(ministry=user.organisation)
    if user.role in DEVELOPER:
        # Drafts, and drafts withdrawn before issue, never reach the developer.
        return base.filter(developer=user.organisation, issued_at__isnull=False)
    return base.none()


def get_request_for(user: User, public_id) -> DisclosureRequest:
    """The request, or 404 whether it does not exist or belongs to someone else: the two look the same."""
    try:
        return requests_visible_to(user).get(public_id=public_id)
    except (DisclosureRequest.DoesNotExist, ValueError):
        raise Http404 from None


def overdue_q(today: date | None = None) -> Q:
    return Q(state__in=AWAITING_DEVELOPER, deadline__lt=today or today_in_japan())


@dataclass(frozen=True)
class DashboardFilter:
    state: str = ""
    developer_slug: str = ""
    overdue: bool = False
    due_within_7_days: bool = False


def ministry_dashboard(user: User, filters: DashboardFilter) -> QuerySet[DisclosureRequest]:
    requests = requests_visible_to(user).order_by("deadline", "reference")
    today = today_in_japan()
    if filters.state:
        requests = requests.filter(state=filters.state)
    if filters.developer_slug:
        requests = requests.filter(developer__slug=filters.developer_slug)
    if filters.overdue:
        requests = requests.filter(overdue_q(today))
    if filters.due_within_7_days:
        requests = requests.filter(
            state__in=AWAITING_DEVELOPER, deadline__gte=today, deadline__lte=today + timedelta(days=7)
        )
    return requests


def developer_inbox(user: User) -> QuerySet[DisclosureRequest]:
    return requests_visible_to(user).order_by("deadline", "reference")


@dataclass(frozen=True)
class Stage:
    """A stretch of a request's life between two transitions, with its own deadline if it had one."""

    state: str
    started: date
    ended: date | None
    deadline: date | None

    @property
    def label(self) -> str:
        return State(self.state).label

    @property
    def days_open(self) -> int:
        return ((self.ended or today_in_japan()) - self.started).days

    @property
    def days_overdue(self) -> int:
        if self.deadline is None or self.state not in AWAITING_DEVELOPER:
            return 0
        return max(0, ((self.ended or today_in_japan()) - self.deadline).days)


def timeline(request: DisclosureRequest) -> list[AuditEvent]:
    """The lifecycle transitions of a request, oldest first, with who made them."""
    return list(request.events.filter(action__in=[*TRANSITIONS, "create"]).select_related("actor", "organisation"))


def stages(events: list[AuditEvent]) -> list[Stage]:
    """Cut a timeline into stages; the deadline carries over until a transition sets a new one."""
    from django.utils import timezone

    result: list[Stage] = []
    deadline = None
    for index, event in enumerate(events):
        if not event.to_state:
            continue
        if event.deadline is not None:
            deadline = event.deadline
        later = next((e for e in events[index + 1 :] if e.to_state), None)
        result.append(
            Stage(
                state=event.to_state,
                started=timezone.localdate(event.created_at),
                ended=timezone.localdate(later.created_at) if later else None,
                deadline=deadline if event.to_state in AWAITING_DEVELOPER else None,
            )
        )
    return result
