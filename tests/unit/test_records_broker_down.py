"""With the broker away, a state change still succeeds: the jobs stay pending for the sweeper."""

from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from disclosures import tasks
from disclosures.models import DisclosureRequest, RecordJob
from disclosures.services.records import sweep_record_jobs
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests.answers_data import give_complete_draft
from tests.factories import DisclosureRequestFactory

BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


def broker_down():
    return (
        mock.patch.object(tasks.render_record, "delay", side_effect=BROKER_DOWN),
        mock.patch.object(tasks.send_outbox_mail, "delay", side_effect=BROKER_DOWN),
    )


@pytest.mark.django_db(transaction=True)
def test_issuing_while_the_broker_is_down_keeps_the_issue_and_leaves_the_job_pending(
    ministry, developer, official, caplog
):
    draft = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    render, notify = broker_down()
    with render as render_delay, notify:
        issue_request(request=draft, by=official)

    assert DisclosureRequest.objects.get(pk=draft.pk).state == State.ISSUED
    job = RecordJob.objects.get(request=draft)
    assert job.status == RecordJob.Status.PENDING
    render_delay.assert_called_once_with(job.pk)
    assert "the sweeper will pick them up" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_submission_while_the_broker_is_down_is_saved_and_the_submitter_is_told_it_was_submitted(
    client, issued_request, submitter, login, settings
):
    give_complete_draft(issued_request)
    login(client, submitter)
    render, notify = broker_down()
    with render as render_delay, notify:
        response = client.post(reverse("developer:answers_submit", args=[issued_request.public_id]), {"confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("developer:request_detail", args=[issued_request.public_id])
    assert DisclosureRequest.objects.get(pk=issued_request.pk).state == State.SUBMITTED
    jobs = RecordJob.objects.filter(request=issued_request)
    assert sorted(jobs.values_list("variant", flat=True)) == ["complete", "public"]
    assert set(jobs.values_list("status", flat=True)) == {RecordJob.Status.PENDING}
    # One refused connection is enough to know: the second job is not tried (and waited for) as well.
    assert render_delay.call_count == 1

    settings.RECORD_JOB_STALE_SECONDS = 1
    RecordJob.objects.update(updated_at="2000-01-01T00:00:00Z")
    with mock.patch.object(tasks.render_record, "delay") as back_up:
        assert sweep_record_jobs() == 2
    assert sorted(call.args[0] for call in back_up.call_args_list) == sorted(jobs.values_list("pk", flat=True))
