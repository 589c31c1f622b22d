"""Read-side queries for concerns. Every read is scoped to the user's organisation here (404 otherwise)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from concerns.models import TRIAGE_STATES, Concern, ConcernEvidence, State, WatchMatch, WatchTerm
from disclosures.deadlines import today_in_japan
from disclosures.models import DisclosureRequest
from disclosures.states import MINISTRY
from disclosures.states import State as RequestState
from portal.accounts.models import Role, User


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    """A rights holder sees their organisation's concerns; an official their ministry's filed ones."""
    base = Concern.objects.select_related("organisation", "ministry", "developer", "assignee", "merged_into")
    if not user.is_authenticated or not user.is_active or user.organisation is None:
        return base.none()
    if user.role == Role.RIGHTS_HOLDER:
        return base.filter(organisation=user.organisation)
    if user.role in MINISTRY:
        return base.filter(ministry=user.organisation).exclude(state=State.DRAFT)
    return base.none()


def get_concern_for(user: User, public_id) -> Concern:
    """The concern, or 404 whether it does not exist or belongs to someone else: the two look the same."""
    try:
        return concerns_visible_to(user).get(public_id=public_id)
    except (Concern.DoesNotExist, ValueError):
        raise Http404 from None


def get_evidence_for(user: User, concern: Concern, evidence_id) -> ConcernEvidence:
    try:
        return concern.evidence.get(public_id=evidence_id)
    except (ConcernEvidence.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class QueueFilter:
    state: str = ""
    developer_slug: str = ""
    mine: bool = False
    overdue: bool = False
    include_closed: bool = False


def triage_queue(user: User, filters: QueueFilter) -> QuerySet[Concern]:
    concerns = concerns_visible_to(user).annotate(work_count=Count("works")).order_by("due_date", "reference")
    if filters.state:
        concerns = concerns.filter(state=filters.state)
    elif not filters.include_closed:
        concerns = concerns.filter(state__in=[State.NEW, State.UNDER_ASSESSMENT, State.LINKED])
    if filters.developer_slug:
        concerns = concerns.filter(developer__slug=filters.developer_slug)
    if filters.mine:
        concerns = concerns.filter(assignee=user)
    if filters.overdue:
        concerns = concerns.filter(state__in=TRIAGE_STATES, due_date__lt=today_in_japan())
    return concerns


def linkable_requests(user: User) -> QuerySet[DisclosureRequest]:
    """Requests of the official's ministry a concern may be linked to (not withdrawn)."""
    return DisclosureRequest.objects.filter(ministry=user.organisation).exclude(state=RequestState.WITHDRAWN)


def public_progress(concern: Concern) -> list[DisclosureRequest]:
    """The linked requests the public may see (issued ones): what the filer follows. Drafts stay hidden."""
    return list(
        concern.requests.filter(issued_at__isnull=False)
        .exclude(state=RequestState.DRAFT)
        .select_related("developer", "ministry")
        .order_by("issued_at")
    )


def linked_request_pending(concern: Concern) -> bool:
    """Whether a linked request is still being prepared by the ministry (the filer learns only that)."""
    return concern.requests.filter(issued_at__isnull=True).exclude(state=RequestState.WITHDRAWN).exists()


def filer_history(concern: Concern):
    """The events the filer is told about, oldest first (who in the ministry acted is not shown)."""
    return concern.events.filter(Q(tell_filer=True) | Q(action__in=["file", "withdraw"]))


@dataclass(frozen=True)
class PublicConcern:
    organisation: str
    works: list[str]


def public_concerns_for(request: DisclosureRequest) -> list[PublicConcern]:
    """For the public page of an issued request: filers who allowed it, with their works; nobody else."""
    if request.issued_at is None or request.state == RequestState.DRAFT:
        return []
    concerns = (
        Concern.objects.filter(links__request=request, allow_public=True)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .select_related("organisation")
        .prefetch_related("works")
        .order_by("filed_at")
    )
    return [PublicConcern(organisation=c.organisation.name, works=[str(w) for w in c.works.all()]) for c in concerns]


def public_concern_counts() -> dict:
    """Counts of filed concerns by state and by developer, naming no filer (for the statistics page).

    Only developers the public may know of (`public_developers()`) are named; concerns about any other
    developer are counted together in `unnamed_developers`, so a concern never reveals who is registered.
    """
    from disclosures.selectors.public import public_developers

    filed = Concern.objects.exclude(state=State.DRAFT)
    by_state = {row["state"]: row["n"] for row in filed.values("state").annotate(n=Count("id"))}
    named = filed.filter(developer__in=public_developers())
    by_developer = list(
        named.values("developer__slug", "developer__name_ja", "developer__name_en")
        .annotate(n=Count("id"))
        .order_by("-n", "developer__slug")
    )
    return {
        "by_state": [(s.label, by_state.get(s.value, 0)) for s in State if s != State.DRAFT],
        "by_developer": by_developer,
        "unnamed_developers": sum(by_state.values()) - sum(row["n"] for row in by_developer),
    }


def watch_terms_of(user: User) -> QuerySet[WatchTerm]:
    if not user.has_role(Role.RIGHTS_HOLDER):
        return WatchTerm.objects.none()
    return WatchTerm.objects.filter(organisation=user.organisation).annotate(match_count=Count("matches"))


def get_watch_term_for(user: User, public_id) -> WatchTerm:
    try:
        return watch_terms_of(user).get(public_id=public_id)
    except (WatchTerm.DoesNotExist, ValueError):
        raise Http404 from None


def recent_matches(user: User, limit: int = 50) -> list[WatchMatch]:
    """Matches of the organisation's terms whose source is still public (a later claim may withhold it)."""
    from disclosures.selectors.public import public_sources

    matches = (
        WatchMatch.objects.filter(term__organisation=user.organisation)
        .filter(source__in=public_sources().values("pk"))
        .select_related("term", "source", "request", "request__developer")
        .order_by("-matched_at")[:limit]
    )
    return list(matches)
