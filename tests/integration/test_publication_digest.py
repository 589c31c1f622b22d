"""The supervisors' queue and digest on PostgreSQL: the queue's query, and two beat runs racing on one day."""

import threading

import pytest
from django.db import connection

from disclosures.models import OutboxMail, PublicationDigestSent, ResponseVersion
from disclosures.selectors.publication import awaiting_publication, ministries_with_waiting_publication
from disclosures.services.notifications import send_publication_digests
from disclosures.services.publication import approve_publication
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, MinistryFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_queue_counts_waiting_versions_once_each_on_postgresql():
    ministry = MinistryFactory()
    supervisor = member(Role.SUPERVISOR, ministry)
    submitter = member(Role.SUBMITTER)
    request = DisclosureRequestFactory(state=State.SUBMITTED, ministry=ministry, developer=submitter.organisation)
    for number in (1, 2):
        ResponseVersion.objects.create(request=request, number=number, answers={}, submitted_by=submitter)
    rows = list(awaiting_publication(supervisor))
    assert [(r.pk, r.letter_waiting, r.waiting_versions) for r in rows] == [(request.pk, True, 2)]
    approve_publication(request=request, by=supervisor, through_version=1)
    rows = list(awaiting_publication(supervisor))
    assert [(r.letter_waiting, r.waiting_versions) for r in rows] == [(False, 1)]
    assert list(ministries_with_waiting_publication()) == [ministry]


def test_two_digest_runs_at_once_write_one_digest(settings):
    ministry = MinistryFactory()
    member(Role.SUPERVISOR, ministry)
    DisclosureRequestFactory(state=State.ISSUED, ministry=ministry)
    results = []

    def run():
        try:
            results.append(send_publication_digests())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert PublicationDigestSent.objects.filter(ministry=ministry).count() == 1
    assert OutboxMail.objects.filter(template="email/publication_digest").count() == 1
