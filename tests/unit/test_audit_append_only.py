"""The audit trail can be added to, never edited or deleted, through the application."""

import pytest

from disclosures.models import AuditEvent
from disclosures.services.audit import record_event


@pytest.fixture
def event(official):
    return record_event(action="issue", actor=official, message="original")


@pytest.mark.django_db
def test_an_audit_event_cannot_be_saved_again(event):
    event.message = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


@pytest.mark.django_db
def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_bulk_update_and_delete_of_audit_events_are_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


@pytest.mark.django_db
def test_the_admin_shows_audit_events_read_only(admin_client, event):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    request = admin_client.get("/admin/").wsgi_request
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert not model_admin.has_add_permission(request)
