"""What the home page opens with: the headline figures of "comply or explain" and the latest decisions."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from disclosures.models import AuditEvent
from disclosures.selectors.public import outcome_totals, public_base
from disclosures.states import Action


@dataclass(frozen=True)
class HeadlineFigures:
    """Counts over every issued request (the public index's rows).

    - `issued`: requests issued (drafts never count);
    - `answered`: requests with at least one submitted answer, on time or late;
    - `declined`: requests declined with reasons and never answered;
    - `no_answer_past_deadline`: requests neither answered nor declined (nor withdrawn by the ministry)
      whose deadline has passed, in Japan time (a deadline the ministry extended counts from its new date).

    Requests still before their deadline without an answer, and withdrawn ones, are in `issued` only.
    """

    issued: int
    answered: int
    declined: int
    no_answer_past_deadline: int


def headline_figures(today: date | None = None) -> HeadlineFigures:
    """The four headline figures, from the summary rows of the public figures (two queries at any size)."""
    totals = outcome_totals(today)
    return HeadlineFigures(
        issued=totals.issued,
        answered=totals.answered,
        declined=totals.declined,
        no_answer_past_deadline=totals.no_answer,
    )


# The decisions on a request: the ministry's, and the developer's to decline.
DECISION_ACTIONS = [
    Action.ACCEPT,
    Action.FIND_INSUFFICIENT,
    Action.ESCALATE,
    Action.CLOSE,
    Action.WITHDRAW,
    Action.DECLINE,
]


def latest_decisions(limit: int = 5) -> QuerySet[AuditEvent]:
    """The newest decisions on issued requests, with organisations (never people), newest first."""
    return (
        AuditEvent.objects.filter(action__in=DECISION_ACTIONS, request__in=public_base())
        .select_related("request", "request__developer", "request__ministry", "organisation")
        .order_by("-created_at", "-id")[:limit]
    )
