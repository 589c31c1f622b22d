"""The only code that changes a request's state: one function per transition of `states.TRANSITIONS`."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest, LegalBasis, Question, ReferenceCounter, Section
from disclosures.permissions import may_edit_draft, may_transition
from disclosures.services.audit import EDIT_DRAFT, record_event
from disclosures.services.errors import InvalidTransition
from disclosures.services.notifications import queue_transition_notices
from disclosures.services.publication import public_changed
from disclosures.services.records import schedule_records
from disclosures.services.summary import request_changed
from disclosures.states import MINISTRY, TRANSITIONS, Action, EscalationAction, State
from portal.accounts.models import Organisation, User


@dataclass(frozen=True)
class QuestionInput:
    text: str
    guidance: str = ""


@dataclass(frozen=True)
class RequestDraft:
    """What an official fills in; shared by creating and editing a draft."""

    developer: Organisation
    model_name: str
    covering_letter: str
    sections: Sequence[str]
    deadline: date | None = None
    legal_basis: str = LegalBasis.ARTICLE_16
    legal_basis_other: str = ""
    model_version: str = ""
    questions: Sequence[QuestionInput] = ()


def _validate_draft(draft: RequestDraft) -> None:
    errors: dict[str, list[str]] = {}
    if draft.developer.kind != Organisation.Kind.DEVELOPER:
        errors.setdefault("developer", []).append(_("Requests can only be addressed to an AI developer."))
    if draft.legal_basis not in LegalBasis.values:
        errors.setdefault("legal_basis", []).append(_("Choose a legal basis from the list."))
    if draft.legal_basis == LegalBasis.OTHER and not draft.legal_basis_other.strip():
        errors.setdefault("legal_basis_other", []).append(_("Name the legal basis."))
    unknown = set(draft.sections) - set(Section.values)
    if unknown:
        errors.setdefault("sections", []).append(_("Unknown sections: %s") % ", ".join(sorted(unknown)))
    if not draft.sections and not draft.questions:
        errors.setdefault("sections", []).append(_("Ask at least one section or one free question."))
    if draft.deadline is not None and draft.deadline <= today_in_japan():
        errors.setdefault("deadline", []).append(_("The deadline must be after today (Japan time)."))
    if any(not q.text.strip() for q in draft.questions):
        errors.setdefault("questions", []).append(_("A free question cannot be empty."))
    if errors:
        raise ValidationError(errors)


def _next_reference(legal_basis: str) -> str:
    from disclosures.models.request import REFERENCE_PREFIX

    prefix = REFERENCE_PREFIX[legal_basis]
    year = today_in_japan().year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:04d}"


def _apply_draft(request: DisclosureRequest, draft: RequestDraft) -> None:
    request.developer = draft.developer
    request.legal_basis = draft.legal_basis
    request.legal_basis_other = draft.legal_basis_other.strip() if draft.legal_basis == LegalBasis.OTHER else ""
    request.model_name = draft.model_name.strip()
    request.model_version = draft.model_version.strip()
    request.sections = [s for s in Section.values if s in set(draft.sections)]
    request.covering_letter = draft.covering_letter
    request.deadline = draft.deadline


def _replace_questions(request: DisclosureRequest, questions: Sequence[QuestionInput]) -> None:
    request.questions.all().delete()
    Question.objects.bulk_create(
        Question(request=request, position=i, text=q.text.strip(), guidance=q.guidance.strip())
        for i, q in enumerate(questions, start=1)
    )


@transaction.atomic
def create_request(*, by: User, draft: RequestDraft, ip: str | None = None) -> DisclosureRequest:
    """Draft a new request from the official's ministry; it stays invisible to the developer until issued."""
    if not by.has_role(*MINISTRY):
        raise PermissionDenied(_("Only ministry officials can draft requests."))
    _validate_draft(draft)
    request = DisclosureRequest(ministry=by.organisation, drafted_by=by, reference=_next_reference(draft.legal_basis))
    _apply_draft(request, draft)
    request.save()
    _replace_questions(request, draft.questions)
    record_event(action=Action.CREATE, actor=by, request=request, to_state=State.DRAFT, ip=ip)
    return request


@transaction.atomic
def update_draft(
    *, request: DisclosureRequest, by: User, draft: RequestDraft, ip: str | None = None
) -> DisclosureRequest:
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if not may_edit_draft(by, request):
        raise PermissionDenied(_("Only the ministry can edit its drafts, and only before they are issued."))
    _validate_draft(draft)
    _apply_draft(request, draft)
    request.save()
    _replace_questions(request, draft.questions)
    # Who changed the letter or questions matters for the two-person rule of publication.
    record_event(action=EDIT_DRAFT, actor=by, request=request, ip=ip)
    return request


def _lock_for(*, request: DisclosureRequest, by: User, action: str) -> DisclosureRequest:
    """Lock the request's row and check that `by` may make this move from its current state.

    Of two concurrent moves on one request the second waits here, then sees the state the first left
    and fails cleanly instead of overwriting it. Must run inside a transaction.
    """
    locked = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if not may_transition(by, locked, action):
        raise PermissionDenied(_("You may not do this on this request."))
    if locked.state not in TRANSITIONS[action].sources:
        raise InvalidTransition(
            _("A request that is %(state)s cannot be %(action)s.")
            % {"state": locked.get_state_display(), "action": Action(action).label.lower()}
        )
    return locked


def _transition(
    *,
    request: DisclosureRequest,
    by: User,
    action: str,
    message: str = "",
    deadline: date | None = None,
    ip: str | None = None,
    data: dict | None = None,
) -> tuple[DisclosureRequest, AuditEvent]:
    """Move a request along one edge of the lifecycle, or raise and change nothing."""
    transition = TRANSITIONS[action]
    with transaction.atomic():
        locked = _lock_for(request=request, by=by, action=action)
        message = message.strip()
        if transition.needs_message and not message:
            raise ValidationError({"message": _("Please give a message: it is part of the record.")})
        if transition.needs_deadline:
            if deadline is None or deadline <= today_in_japan():
                raise ValidationError({"deadline": _("Set a new deadline after today (Japan time).")})
            locked.deadline = deadline
        from_state = locked.state
        locked.state = transition.target
        if action == Action.ISSUE:
            if locked.deadline is None or locked.deadline <= today_in_japan():
                raise ValidationError({"deadline": _("Set a deadline after today (Japan time) before issuing.")})
            locked.issued_at = timezone.now()
        locked.save()
        event = record_event(
            action=action,
            actor=by,
            request=locked,
            from_state=from_state,
            to_state=locked.state,
            message=message,
            deadline=locked.deadline if locked.state in (State.ISSUED, State.CLARIFICATION_REQUESTED) else None,
            ip=ip,
            data=data,
        )
        public_changed(locked)
        request_changed(locked)  # the public figures' summary rows, in this transaction
        schedule_records(event=event)
        queue_transition_notices(event=event)
    return locked, event


def issue_request(*, request: DisclosureRequest, by: User, ip: str | None = None) -> DisclosureRequest:
    """Send a draft to the developer; they are notified and it appears in their inbox."""
    return _transition(request=request, by=by, action=Action.ISSUE, ip=ip)[0]


def acknowledge_request(*, request: DisclosureRequest, by: User, ip: str | None = None) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.ACKNOWLEDGE, ip=ip)[0]


def submit_response(*, request: DisclosureRequest, by: User, ip: str | None = None) -> DisclosureRequest:
    """The developer's submission (first round, or a resubmission after a clarification request).

    The draft is validated as a whole and frozen into the next numbered `ResponseVersion`; an incomplete
    draft raises `IncompleteAnswer` (a ValidationError listing each missing answer) and nothing changes.
    """
    from disclosures.services.responses import create_version

    action = Action.RESUBMIT if request.state == State.CLARIFICATION_REQUESTED else Action.SUBMIT
    with transaction.atomic():
        locked = _lock_for(request=request, by=by, action=action)
        version = create_version(request=locked, by=by)
        return _transition(request=locked, by=by, action=action, ip=ip, data={"version": version.number})[0]


def decline_request(*, request: DisclosureRequest, by: User, reasons: str, ip: str | None = None) -> DisclosureRequest:
    """Article 16 does not compel an answer: declining with reasons is a first-class, public outcome."""
    return _transition(request=request, by=by, action=Action.DECLINE, message=reasons, ip=ip)[0]


def start_review(*, request: DisclosureRequest, by: User, ip: str | None = None) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.START_REVIEW, ip=ip)[0]


def accept_response(
    *, request: DisclosureRequest, by: User, message: str = "", ip: str | None = None
) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.ACCEPT, message=message, ip=ip)[0]


def request_clarification(
    *,
    request: DisclosureRequest,
    by: User,
    points: str,
    deadline: date,
    ip: str | None = None,
    data: dict | None = None,
) -> DisclosureRequest:
    return _transition(
        request=request, by=by, action=Action.REQUEST_CLARIFICATION, message=points, deadline=deadline, ip=ip, data=data
    )[0]


def find_insufficient(
    *, request: DisclosureRequest, by: User, reasons: str, ip: str | None = None
) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.FIND_INSUFFICIENT, message=reasons, ip=ip)[0]


def escalate_request(
    *, request: DisclosureRequest, by: User, action_taken: str, message: str, ip: str | None = None
) -> DisclosureRequest:
    """Record what the ministry did after an insufficient answer or a decline."""
    if action_taken not in EscalationAction.values:
        raise ValidationError({"action_taken": _("Choose the action taken from the list.")})
    return _transition(
        request=request, by=by, action=Action.ESCALATE, message=message, ip=ip, data={"action_taken": action_taken}
    )[0]


def close_request(
    *, request: DisclosureRequest, by: User, message: str = "", ip: str | None = None
) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.CLOSE, message=message, ip=ip)[0]


def withdraw_request(*, request: DisclosureRequest, by: User, reasons: str, ip: str | None = None) -> DisclosureRequest:
    return _transition(request=request, by=by, action=Action.WITHDRAW, message=reasons, ip=ip)[0]
