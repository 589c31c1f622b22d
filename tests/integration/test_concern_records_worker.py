"""Filing a concern makes one signed, logged receipt through a real Celery worker on PostgreSQL and Redis."""

import pytest
from django.urls import reverse

from concerns import services
from disclosures.models import LogEntry, Record, RecordJob, RecordKind
from disclosures.records.logcheck import check_log
from disclosures.records.verify import verify_pdf
from portal.celery import app as celery_app
from tests.concerns_data import concern_input, rights_holder
from tests.factories import DeveloperFactory, MinistryFactory
from tests.integration.conftest import task_succeeded, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_filed_concern_gets_one_signed_receipt_in_the_log_through_the_worker(celery_worker_process, client, tmp_path):
    from tests.auth import login

    holder = rights_holder()
    concern = services.start_concern(
        by=holder, data=concern_input(ministry=MinistryFactory(), developer=DeveloperFactory())
    )
    services.add_evidence(concern=concern, by=holder, name="still.png", data=PNG)

    concern = services.file_concern(concern=concern, by=holder)  # commits; the receipt is enqueued after commit

    job = RecordJob.objects.get(concern=concern)
    entry = wait_for(lambda: LogEntry.objects.filter(record__concern=concern).first(), timeout=60)
    record = Record.objects.get(concern=concern)
    assert (record.kind, entry.kind, entry.reference) == (RecordKind.CONCERN, "concern", concern.reference)
    # A redelivered message does no work twice: the worker answers it and still one receipt exists.
    duplicate = celery_app.send_task("disclosures.render_record", args=[job.pk])
    wait_for(lambda: task_succeeded(tmp_path / "worker.log", duplicate.id), timeout=60)
    assert Record.objects.filter(concern=concern).count() == 1
    assert LogEntry.objects.filter(record__concern=concern).count() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (RecordJob.Status.DONE, 1)

    login(client, holder)
    response = client.get(reverse("concerns:receipt", args=[concern.public_id]))
    data = b"".join(response.streaming_content)
    assert response.status_code == 200
    verification = verify_pdf(data)
    assert verification.valid and verification.sha256 == record.sha256 == entry.record_sha256
    assert check_log().problems == []
