"""On PostgreSQL the audit table itself refuses UPDATE and DELETE, whatever the application does."""

import pytest
from django.db import DatabaseError, connection, transaction

from disclosures.models import AuditEvent
from disclosures.services.audit import record_event

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def run_sql(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def event(official):
    assert connection.vendor == "postgresql"
    return record_event(action="sign_in", actor=official, message="original")


def test_the_database_refuses_to_update_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("UPDATE disclosures_auditevent SET message = %s WHERE id = %s", ["rewritten", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_the_database_refuses_to_delete_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql("DELETE FROM disclosures_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_events_are_still_appended(event, official):
    record_event(action="sign_in", actor=official)
    assert AuditEvent.objects.filter(action="sign_in").count() == 2
