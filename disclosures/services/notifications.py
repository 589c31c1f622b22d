"""Who hears about what, and when. Emails go out only after the state change has committed."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest, ReminderSent
from disclosures.states import AWAITING_DEVELOPER, DEVELOPER, MINISTRY, Action
from portal.accounts.models import Organisation, User
from portal.mail import send_templated_email

# Which side hears of each transition: the developer of the ministry's moves, the ministry of the developer's.
_NOTIFY_DEVELOPER = {
    Action.ISSUE,
    Action.ACCEPT,
    Action.REQUEST_CLARIFICATION,
    Action.FIND_INSUFFICIENT,
    Action.ESCALATE,
    Action.CLOSE,
    Action.WITHDRAW,
}
_NOTIFY_MINISTRY = {Action.ACKNOWLEDGE, Action.SUBMIT, Action.RESUBMIT, Action.DECLINE}


def _members(organisation: Organisation, roles) -> list[User]:
    return list(
        User.objects.filter(is_active=True, membership__organisation=organisation, membership__role__in=roles).order_by(
            "pk"
        )
    )


def _send_each(users: list[User], *, template: str, context: dict) -> None:
    # One message per recipient, so each reads it in their own language.
    for user in users:
        send_templated_email(template=template, to=[user.email], language=user.preferred_language, context=context)


def _request_link(request: DisclosureRequest, audience: str) -> str:
    return reverse(f"{audience}:request_detail", kwargs={"public_id": request.public_id})


def notify_of_transition(*, event: AuditEvent) -> None:
    request = event.request
    if event.action in _NOTIFY_DEVELOPER:
        recipients, audience = _members(request.developer, DEVELOPER), "developer"
    elif event.action in _NOTIFY_MINISTRY:
        recipients, audience = _members(request.ministry, MINISTRY), "official"
    else:
        return
    _send_each(
        recipients,
        template="email/transition",
        context={"event": event, "request": request, "link": _request_link(request, audience)},
    )


def _claim(request: DisclosureRequest, kind: str, today) -> bool:
    """Record that a reminder goes out; False when one already went out for this request, kind and stage."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(request=request, kind=kind, deadline=request.deadline, sent_on=today)
    except IntegrityError:
        return False
    return True


def send_deadline_reminders() -> int:
    """Remind developers 7 and 2 days before a deadline, and tell them the day after it passed.

    Safe to run any number of times a day: the claim row is unique per request, kind and stage.
    """
    today = today_in_japan()
    due = {
        today + timedelta(days=7): ReminderSent.Kind.DUE_IN_7_DAYS,
        today + timedelta(days=2): ReminderSent.Kind.DUE_IN_2_DAYS,
        today - timedelta(days=1): ReminderSent.Kind.OVERDUE,
    }
    sent = 0
    requests = DisclosureRequest.objects.filter(state__in=AWAITING_DEVELOPER, deadline__in=due).select_related(
        "developer", "ministry"
    )
    for request in requests:
        kind = due[request.deadline]
        if not _claim(request, kind, today):
            continue
        _send_each(
            _members(request.developer, DEVELOPER),
            template=f"email/reminder_{kind}",
            context={"request": request, "link": _request_link(request, "developer")},
        )
        sent += 1
    return sent


def send_overdue_digests() -> int:
    """One email per ministry user listing the requests that became overdue since the last digest."""
    today = today_in_japan()
    overdue = DisclosureRequest.objects.filter(state__in=AWAITING_DEVELOPER, deadline__lt=today).select_related(
        "developer", "ministry"
    )
    newly_overdue: dict[int, list[DisclosureRequest]] = {}
    for request in overdue:
        if _claim(request, ReminderSent.Kind.MINISTRY_DIGEST, today):
            newly_overdue.setdefault(request.ministry_id, []).append(request)
    for requests in newly_overdue.values():
        _send_each(
            _members(requests[0].ministry, MINISTRY),
            template="email/overdue_digest",
            context={"requests": requests, "today": today},
        )
    return len(newly_overdue)
