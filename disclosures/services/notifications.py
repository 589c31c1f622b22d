"""Who hears about what, and when. Emails go out only after the state change has committed.

A transition's mails are rows of the outbox (`OutboxMail`), written in the transition's transaction:
they are sent by a task enqueued on commit and, should the broker lose that message or be away, by
beat's drain. Each row is claimed with a conditional update before it is sent (the record jobs'
pattern), so a duplicated message or a drain running beside a worker sends nothing twice. A worker
killed between the SMTP server's acceptance and the row's update is the one case that can repeat a
mail (at least once, never lost).
"""

import logging
import smtplib
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest, OutboxMail, PublicationDigestSent, ReminderSent
from disclosures.states import AWAITING_DEVELOPER, DEVELOPER, MINISTRY, Action, stays_in_ministry
from portal.accounts.models import Organisation, Role, User
from portal.mail import send_templated_email

logger = logging.getLogger(__name__)

TRANSITION_TEMPLATE = "email/transition"
PUBLICATION_DIGEST_TEMPLATE = "email/publication_digest"
# The audit event a day's publication digest hangs from (outbox rows belong to an event).
PUBLICATION_DIGEST_EVENT = "publication_digest"
# A mail server that is away or refuses for now: the row goes back to pending and is tried again later.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError, SoftTimeLimitExceeded)
# Waits between attempts: 1, 2, 4 ... minutes, at most 6 hours; after OUTBOX_MAX_ATTEMPTS the row fails.
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 60 * 60

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


def notified_side(*, action: str, from_state: str) -> str | None:
    """Which side is told of a transition by mail ("developer" or "ministry"), or None."""
    if stays_in_ministry(action=action, from_state=from_state):
        return None  # a draft's withdrawal: the developer never saw the draft
    if action in _NOTIFY_DEVELOPER:
        return "developer"
    if action in _NOTIFY_MINISTRY:
        return "ministry"
    return None


def _transition_recipients(event: AuditEvent) -> list[User]:
    request = event.request
    side = notified_side(action=event.action, from_state=event.from_state)
    if side == "developer":
        return _members(request.developer, DEVELOPER)
    if side == "ministry":
        return _members(request.ministry, MINISTRY)
    return []


def queue_transition_notices(*, event: AuditEvent) -> list[OutboxMail]:
    """Write the outbox rows telling the other side of a transition, and send them after commit.

    Call inside the transaction that wrote the event: the mails exist if and only if the change does.
    """
    if event.request_id is None:
        return []
    mails = OutboxMail.objects.bulk_create(
        OutboxMail(event=event, recipient=user, template=TRANSITION_TEMPLATE) for user in _transition_recipients(event)
    )
    ids = [mail.pk for mail in mails]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return mails


def _enqueue(mail_ids: list[int]) -> None:
    from disclosures import tasks

    for position, mail_id in enumerate(mail_ids):
        try:
            tasks.send_outbox_mail.delay(mail_id)
        except KombuOperationalError:  # the broker is away: the rows stay pending and beat's drain sends them
            # Each attempt waits for the publish retries; the rest would fail the same way, so stop here.
            left = mail_ids[position:]
            logger.warning("Could not enqueue mail(s) %s; the outbox drain will send them.", left, exc_info=True)
            return


def _stale_claim_before():
    # A claim older than the hard time limit of a task cannot belong to a live send: that worker is gone.
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _claimable() -> Q:
    return Q(status=OutboxMail.Status.PENDING, next_attempt_at__lte=timezone.now()) | Q(
        status=OutboxMail.Status.SENDING, claimed_at__lt=_stale_claim_before()
    )


def claim_mail(mail_id: int) -> OutboxMail | None:
    """pending (and due) -> sending, or take over a send whose worker must be gone; None if not ours to send."""
    now = timezone.now()
    claimed = (
        OutboxMail.objects.filter(pk=mail_id)
        .filter(_claimable())
        .update(status=OutboxMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if not claimed:
        return None
    return OutboxMail.objects.select_related(
        "recipient", "event__organisation", "event__request__ministry", "event__request__developer"
    ).get(pk=mail_id)


def _context(mail: OutboxMail) -> dict:
    if mail.template == PUBLICATION_DIGEST_TEMPLATE:
        return _publication_digest_context(mail)
    event, request = mail.event, mail.event.request
    audience = "official" if mail.recipient.role in MINISTRY else "developer"
    return {"event": event, "request": request, "link": _request_link(request, audience)}


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def send_outbox_mail(mail_id: int) -> bool:
    """Send one outbox mail if it is ours to send; True when this call sent it.

    A transient error hands the row back with a later `next_attempt_at` (until OUTBOX_MAX_ATTEMPTS,
    then it is failed); any other error fails it at once, with the error kept.
    """
    mail = claim_mail(mail_id)
    if mail is None:
        return False
    if not mail.recipient.is_active:
        _mark(mail, OutboxMail.Status.FAILED, error="The recipient's account was deactivated before the mail went out.")
        return False
    try:
        send_templated_email(
            template=mail.template,
            to=[mail.recipient.email],
            language=mail.recipient.preferred_language,
            context=_context(mail),
        )
    except TRANSIENT_MAIL_ERRORS as error:
        _retry_later(mail, error)
        if isinstance(error, SoftTimeLimitExceeded):
            raise
        logger.warning("Mail %s not sent (attempt %d); it will be tried again.", mail.pk, mail.attempts, exc_info=True)
        return False
    except Exception as error:
        # Anything else (a missing template, a malformed address) will fail every time: the row is marked
        # failed with its error and logged in full, instead of staying claimed and blocking the outbox.
        logger.exception("Mail %s failed", mail.pk)
        _mark(mail, OutboxMail.Status.FAILED, error=_describe(error))
        return False
    _mark(mail, OutboxMail.Status.SENT, error="", sent_at=timezone.now())
    return True


def _mark(mail: OutboxMail, status: str, **fields) -> None:
    OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.SENDING).update(
        status=status, updated_at=timezone.now(), **fields
    )


def _retry_later(mail: OutboxMail, error: BaseException) -> None:
    if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _mark(mail, OutboxMail.Status.FAILED, error=_describe(error))
        return
    wait = min(RETRY_BASE_SECONDS * 2 ** (mail.attempts - 1), RETRY_MAX_SECONDS)
    _mark(
        mail,
        OutboxMail.Status.PENDING,
        error=_describe(error),
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )


def drain_outbox(*, limit: int = 200) -> int:
    """Send the mails that are due (beat runs this): those a lost message left, retries, dead workers' sends."""
    ids = list(
        OutboxMail.objects.filter(_claimable()).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for mail_id in ids if send_outbox_mail(mail_id))
    if sent:
        logger.info("Outbox drain sent %d mail(s).", sent)
    return sent


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


def send_publication_digests() -> int:
    """Tell each supervisor, at most once a day, which requests wait for their approval of publication.

    A supervisor hears only of requests they may approve (not those they drafted or changed). The claim
    row (`PublicationDigestSent`, one per ministry and day) makes a second run on the same day write
    nothing; the mails are outbox rows written with it, so a broker outage delays them but loses none.
    Returns the number of mails written.
    """
    from disclosures.selectors.publication import approvable_by, ministries_with_waiting_publication

    today = today_in_japan()
    written = 0
    for ministry in ministries_with_waiting_publication():
        listed = {user: approvable_by(user) for user in _members(ministry, {Role.SUPERVISOR})}
        listed = {user: requests for user, requests in listed.items() if requests}
        if not listed:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    PublicationDigestSent.objects.create(ministry=ministry, day=today)
            except IntegrityError:
                continue  # today's digest of this ministry was already written
            event = AuditEvent.objects.create(
                action=PUBLICATION_DIGEST_EVENT,
                organisation=ministry,
                data={
                    "day": today.isoformat(),
                    "requests": {str(user.pk): [r.reference for r in requests] for user, requests in listed.items()},
                },
            )
            mails = OutboxMail.objects.bulk_create(
                OutboxMail(event=event, recipient=user, template=PUBLICATION_DIGEST_TEMPLATE) for user in listed
            )
            ids = [mail.pk for mail in mails]
            transaction.on_commit(lambda ids=ids: _enqueue(ids))
        written += len(ids)
    return written


def _publication_digest_context(mail: OutboxMail) -> dict:
    references = mail.event.data.get("requests", {}).get(str(mail.recipient_id), [])
    requests = (
        DisclosureRequest.objects.filter(ministry_id=mail.event.organisation_id, reference__in=references)
        .select_related("developer")
        .order_by("issued_at", "reference")
    )
    return {"requests": list(requests), "link": reverse("official:publication_queue")}
