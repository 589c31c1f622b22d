"""The request lifecycle as data: every state and every allowed transition, in one place.

Services consult this table; nothing else decides which move is legal or who may make it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    ACCEPTED = "accepted", _("Accepted")
    INSUFFICIENT = "insufficient", _("Insufficient")
    DECLINED = "declined", _("Declined")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The developer's move is awaited, against a deadline: only these stages can be overdue.
AWAITING_DEVELOPER = frozenset({State.ISSUED, State.ACKNOWLEDGED, State.CLARIFICATION_REQUESTED})
AWAITING_MINISTRY = frozenset({State.SUBMITTED, State.UNDER_REVIEW})
OPEN_STATES = AWAITING_DEVELOPER | AWAITING_MINISTRY
FINAL_STATES = frozenset({State.ACCEPTED, State.CLOSED, State.WITHDRAWN})

MINISTRY = frozenset({Role.OFFICIAL, Role.SUPERVISOR})
DEVELOPER = frozenset({Role.RESPONDER, Role.SUBMITTER})
SUBMITTER = frozenset({Role.SUBMITTER})


class Action(models.TextChoices):
    CREATE = "create", _("Drafted")
    ISSUE = "issue", _("Issued")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    SUBMIT = "submit", _("Submitted")
    RESUBMIT = "resubmit", _("Resubmitted")
    DECLINE = "decline", _("Declined")
    START_REVIEW = "start_review", _("Review started")
    ACCEPT = "accept", _("Accepted")
    REQUEST_CLARIFICATION = "request_clarification", _("Clarification requested")
    FIND_INSUFFICIENT = "find_insufficient", _("Found insufficient")
    ESCALATE = "escalate", _("Escalated")
    CLOSE = "close", _("Closed")
    WITHDRAW = "withdraw", _("Withdrawn")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # Whether the actor must give a message (reasons, points to clarify, the action taken).
    needs_message: bool = False
    # Whether the transition sets a new deadline for the developer.
    needs_deadline: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(Action.ISSUE, frozenset({State.DRAFT}), State.ISSUED, MINISTRY),
        Transition(Action.ACKNOWLEDGE, frozenset({State.ISSUED}), State.ACKNOWLEDGED, DEVELOPER),
        Transition(Action.SUBMIT, frozenset({State.ISSUED, State.ACKNOWLEDGED}), State.SUBMITTED, SUBMITTER),
        Transition(Action.RESUBMIT, frozenset({State.CLARIFICATION_REQUESTED}), State.SUBMITTED, SUBMITTER),
        Transition(
            Action.DECLINE, frozenset({State.ISSUED, State.ACKNOWLEDGED}), State.DECLINED, SUBMITTER, needs_message=True
        ),
        Transition(Action.START_REVIEW, frozenset({State.SUBMITTED}), State.UNDER_REVIEW, MINISTRY),
        Transition(Action.ACCEPT, frozenset({State.SUBMITTED, State.UNDER_REVIEW}), State.ACCEPTED, MINISTRY),
        Transition(
            Action.REQUEST_CLARIFICATION,
            frozenset({State.SUBMITTED, State.UNDER_REVIEW}),
            State.CLARIFICATION_REQUESTED,
            MINISTRY,
            needs_message=True,
            needs_deadline=True,
        ),
        Transition(
            Action.FIND_INSUFFICIENT,
            frozenset({State.SUBMITTED, State.UNDER_REVIEW}),
            State.INSUFFICIENT,
            MINISTRY,
            needs_message=True,
        ),
        Transition(
            Action.ESCALATE,
            frozenset({State.INSUFFICIENT, State.DECLINED}),
            State.ESCALATED,
            MINISTRY,
            needs_message=True,
        ),
        Transition(
            Action.CLOSE,
            frozenset({State.INSUFFICIENT, State.DECLINED, State.ESCALATED}),
            State.CLOSED,
            MINISTRY,
        ),
        Transition(
            Action.WITHDRAW, frozenset({State.DRAFT}) | OPEN_STATES, State.WITHDRAWN, MINISTRY, needs_message=True
        ),
    )
}


# Of the messages written with a transition only decline reasons are public ("comply or explain").
# Clarification points, review remarks and withdrawal reasons may quote confidential answers, so they
# stay between the two parties: off the public timeline and out of public record PDFs.
PUBLIC_MESSAGE_ACTIONS = frozenset({Action.DECLINE})


def stays_in_ministry(*, action: str, from_state: str) -> bool:
    """Whether only the ministry ever hears of this move: drafting, and anything done to a draft but issuing it.

    A draft never left the ministry, so withdrawing it sends no mail and makes no record and no log entry.
    """
    return action == Action.CREATE or (from_state == State.DRAFT and action != Action.ISSUE)


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


class EscalationAction(models.TextChoices):
    GUIDANCE_ISSUED = "guidance_issued", _("Guidance issued")
    REFERRAL = "referral", _("Referral to another authority")
    PUBLIC_STATEMENT = "public_statement", _("Public statement")
