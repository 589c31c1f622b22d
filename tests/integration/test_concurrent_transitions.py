"""Two officials decide on one submission at the same moment: exactly one decision stands."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from disclosures.models import AuditEvent, DisclosureRequest
from disclosures.services.requests import accept_response, find_insufficient
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_decisions_on_one_request_let_exactly_one_win():
    assert connection.vendor == "postgresql"
    request = DisclosureRequestFactory(state=State.UNDER_REVIEW)
    official = member(Role.OFFICIAL, request.ministry)
    supervisor = member(Role.SUPERVISOR, request.ministry)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, call):
        from django.db import connections

        start.wait()
        try:
            call()
            outcomes[name] = "won"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("accept", lambda: accept_response(request=request, by=official))),
        threading.Thread(
            target=decide,
            args=("insufficient", lambda: find_insufficient(request=request, by=supervisor, reasons="No figures.")),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    request.refresh_from_db()
    assert request.state == {"accept": State.ACCEPTED, "insufficient": State.INSUFFICIENT}[winner]
    decisions = AuditEvent.objects.filter(request=request, action__in=["accept", "find_insufficient"])
    assert decisions.count() == 1


def test_many_concurrent_draft_creations_never_share_a_reference_number():
    from datetime import timedelta

    from disclosures.deadlines import today_in_japan
    from disclosures.services.requests import RequestDraft, create_request
    from tests.factories import DeveloperFactory, MinistryFactory

    ministry = MinistryFactory()
    developer = DeveloperFactory()
    officials = [member(Role.OFFICIAL, ministry) for _ in range(4)]
    start = threading.Barrier(len(officials))
    errors: list[BaseException] = []

    def draft(official):
        from django.db import connections

        start.wait()
        try:
            for _ in range(3):
                create_request(
                    by=official,
                    draft=RequestDraft(
                        developer=developer,
                        model_name="Kumo",
                        covering_letter="Explain.",
                        sections=["sources"],
                        deadline=today_in_japan() + timedelta(days=20),
                    ),
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft, args=(o,)) for o in officials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    references = list(DisclosureRequest.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 12
