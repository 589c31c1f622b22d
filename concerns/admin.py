from django.contrib import admin

from concerns.models import Concern, WatchTerm


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-only: concerns change only through the services (filing, triage), which keep their history."""

    list_display = ("reference", "organisation", "ministry", "developer", "state", "due_date")
    list_filter = ("state", "ministry")
    search_fields = ("reference", "model_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    list_display = ("term", "kind", "organisation", "created_at")
    list_filter = ("kind",)
    search_fields = ("term", "key")

    def has_change_permission(self, request, obj=None):
        return False
