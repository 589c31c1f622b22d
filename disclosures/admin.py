from django.contrib import admin

from disclosures.models import AuditEvent, DisclosureRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Administrators may look; every change goes through the services, which check and audit it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "ministry", "developer", "model_name", "state", "deadline", "issued_at")
    list_filter = ("state", "legal_basis", "ministry", "developer")
    search_fields = ("reference", "model_name")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "request", "actor", "organisation", "from_state", "to_state", "ip_address")
    list_filter = ("action",)
    search_fields = ("request__reference", "actor__username", "message")
