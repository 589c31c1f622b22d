from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Membership, Organisation, User
from portal.accounts.net import client_ip
from portal.accounts.services import deactivate_user, send_invitation


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 1
    max_num = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ja", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_ja", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "email", "membership__organisation", "membership__role", "is_active")
    list_filter = ("is_active", "membership__role", "membership__organisation__kind")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("preferred_language",)}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "preferred_language")}),)
    actions = ["invite", "deactivate"]

    def save_model(self, request, obj, form, change):
        if not change and not obj.has_usable_password():
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            deactivate_user(user=obj, by=request.user, ip=client_ip(request))

    @admin.action(description=_("Deactivate (ends their sessions and revokes their API tokens)"))
    def deactivate(self, request, queryset):
        for user in queryset:
            deactivate_user(user=user, by=request.user, ip=client_ip(request))
        self.message_user(request, _("Users deactivated: %(count)d.") % {"count": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Send an invitation (a link to choose a password)"))
    def invite(self, request, queryset):
        for user in queryset:
            send_invitation(user=user)
        self.message_user(request, _("Invitations sent: %(count)d.") % {"count": queryset.count()}, messages.SUCCESS)
