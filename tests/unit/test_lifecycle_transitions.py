"""Every transition for every role: allowed ones move the request and leave an audit event; the rest change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest
from disclosures.services import requests as services
from disclosures.services.errors import InvalidTransition
from disclosures.states import TRANSITIONS, Action, EscalationAction, State
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member

ROLES = [Role.OFFICIAL, Role.SUPERVISOR, Role.RESPONDER, Role.SUBMITTER, Role.RIGHTS_HOLDER]


def perform(action: str, request: DisclosureRequest, user) -> DisclosureRequest:
    """Call the service of `action` with valid input."""
    later = today_in_japan() + timedelta(days=14)
    calls = {
        Action.ISSUE: lambda: services.issue_request(request=request, by=user),
        Action.ACKNOWLEDGE: lambda: services.acknowledge_request(request=request, by=user),
        # Submission freezes the draft, so these rounds start from a complete one (issue 4).
        Action.SUBMIT: lambda: give_complete_draft(request) and services.submit_response(request=request, by=user),
        Action.RESUBMIT: lambda: give_complete_draft(request) and services.submit_response(request=request, by=user),
        Action.DECLINE: lambda: services.decline_request(request=request, by=user, reasons="営業秘密のため"),
        Action.START_REVIEW: lambda: services.start_review(request=request, by=user),
        Action.ACCEPT: lambda: services.accept_response(request=request, by=user),
        Action.REQUEST_CLARIFICATION: lambda: services.request_clarification(
            request=request, by=user, points="Explain the opt-out.", deadline=later
        ),
        Action.FIND_INSUFFICIENT: lambda: services.find_insufficient(request=request, by=user, reasons="No figures."),
        Action.ESCALATE: lambda: services.escalate_request(
            request=request, by=user, action_taken=EscalationAction.GUIDANCE_ISSUED, message="Guidance given."
        ),
        Action.CLOSE: lambda: services.close_request(request=request, by=user),
        Action.WITHDRAW: lambda: services.withdraw_request(request=request, by=user, reasons="No longer needed."),
    }
    return calls[action]()


def party(role, request):
    organisation = request.ministry if role in (Role.OFFICIAL, Role.SUPERVISOR) else request.developer
    if role == Role.RIGHTS_HOLDER:
        organisation = None
    return member(role, organisation)


CASES = [(action, source, role) for action, t in TRANSITIONS.items() for source in sorted(t.sources) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "source", "role"), CASES, ids=[f"{a}-from-{s}-by-{r}" for a, s, r in CASES])
def test_each_transition_is_allowed_exactly_for_its_roles(action, source, role):
    request = DisclosureRequestFactory(state=source)
    user = party(role, request)
    events_before = AuditEvent.objects.count()

    if role in TRANSITIONS[action].roles:
        moved = perform(action, request, user)
        assert moved.state == TRANSITIONS[action].target
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.from_state, event.to_state) == (action, source, moved.state)
        assert event.actor == user and event.organisation == user.organisation
    else:
        with pytest.raises(PermissionDenied):
            perform(action, request, user)
        request.refresh_from_db()
        assert request.state == source
        assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_a_user_of_another_organisation_cannot_transition(action):
    transition = TRANSITIONS[action]
    request = DisclosureRequestFactory(state=sorted(transition.sources)[0])
    role = sorted(transition.roles)[0]
    stranger_org = MinistryFactory() if role in (Role.OFFICIAL, Role.SUPERVISOR) else DeveloperFactory()
    stranger = member(role, stranger_org)

    with pytest.raises(PermissionDenied):
        perform(action, request, stranger)
    request.refresh_from_db()
    assert request.state == sorted(transition.sources)[0]


# One service, submit_response(), makes both the first submission and a resubmission, choosing by state;
# so "submit" and "resubmit" share the states of either.
SUBMISSION_STATES = TRANSITIONS[Action.SUBMIT].sources | TRANSITIONS[Action.RESUBMIT].sources
WRONG_STATE_CASES = [
    (action, state)
    for action, t in TRANSITIONS.items()
    for state in State.values
    if state not in (SUBMISSION_STATES if action in (Action.SUBMIT, Action.RESUBMIT) else t.sources)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state"), WRONG_STATE_CASES, ids=[f"{a}-from-{s}" for a, s in WRONG_STATE_CASES])
def test_a_transition_from_the_wrong_state_changes_nothing(action, state):
    request = DisclosureRequestFactory(state=state)
    role = sorted(TRANSITIONS[action].roles)[0]
    user = party(role, request)
    events_before = AuditEvent.objects.count()

    # A developer cannot even see a draft, so for them a draft is refused as not theirs.
    with pytest.raises((InvalidTransition, PermissionDenied)):
        perform(action, request, user)
    request.refresh_from_db()
    assert request.state == state
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_an_illegal_transition_explains_itself(official):
    request = DisclosureRequestFactory(state=State.ACCEPTED, ministry=official.organisation)
    with translation.override("en"), pytest.raises(InvalidTransition, match="Accepted cannot be withdrawn"):
        services.withdraw_request(request=request, by=official, reasons="Too late")


@pytest.mark.django_db
def test_a_decline_without_reasons_is_refused(submitter, official):
    request = DisclosureRequestFactory(
        state=State.ISSUED, developer=submitter.organisation, ministry=official.organisation
    )
    with pytest.raises(ValidationError):
        services.decline_request(request=request, by=submitter, reasons="   ")
    request.refresh_from_db()
    assert request.state == State.ISSUED


@pytest.mark.django_db
def test_a_withdrawal_without_reasons_is_refused(official):
    request = DisclosureRequestFactory(state=State.ISSUED, ministry=official.organisation)
    with pytest.raises(ValidationError):
        services.withdraw_request(request=request, by=official, reasons="")
    request.refresh_from_db()
    assert request.state == State.ISSUED


@pytest.mark.django_db
def test_a_clarification_request_needs_a_future_deadline_and_sets_it(official):
    request = DisclosureRequestFactory(state=State.UNDER_REVIEW, ministry=official.organisation)
    with pytest.raises(ValidationError):
        services.request_clarification(request=request, by=official, points="Explain.", deadline=today_in_japan())
    new_deadline = today_in_japan() + timedelta(days=10)
    moved = services.request_clarification(request=request, by=official, points="Explain.", deadline=new_deadline)
    assert moved.deadline == new_deadline
    assert AuditEvent.objects.latest("id").deadline == new_deadline


@pytest.mark.django_db
def test_issuing_records_the_issue_time_and_needs_a_future_deadline(official):
    request = DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, deadline=None)
    with pytest.raises(ValidationError):
        services.issue_request(request=request, by=official)
    request.refresh_from_db()
    assert request.state == State.DRAFT and request.issued_at is None


@pytest.mark.django_db
def test_escalation_records_the_action_taken(official):
    request = DisclosureRequestFactory(state=State.DECLINED, ministry=official.organisation)
    with pytest.raises(ValidationError):
        services.escalate_request(request=request, by=official, action_taken="shouting", message="x")
    services.escalate_request(
        request=request, by=official, action_taken=EscalationAction.REFERRAL, message="Referred to HQ."
    )
    event = AuditEvent.objects.latest("id")
    assert event.data == {"action_taken": "referral"}
    assert event.action_taken_label == EscalationAction.REFERRAL.label


@pytest.mark.django_db
def test_transitions_record_the_client_ip(official):
    request = DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation)
    services.issue_request(request=request, by=official, ip="203.0.113.7")
    assert AuditEvent.objects.latest("id").ip_address == "203.0.113.7"
