from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each code of the audit trail means, for every page that shows one: the lifecycle transitions
# (their labels come from `states.Action`) and every other event the portal writes. A guard test finds
# each code written in the source and checks it has a label here.
OTHER_EVENT_LABELS = {
    "edit_draft": _("Draft changed"),
    "approve_publication": _("Publication approved"),
    "publication_digest": _("Digest of requests awaiting publication approval sent"),
    "decide_confidentiality": _("Confidentiality claim decided"),
    "retry_record": _("Record job retried"),
    "record_integrity_failed": _("Record file failed its integrity check"),
    "read_answers": _("Answers read"),
    "read_comparison": _("Versions compared"),
    "read_attachment": _("Attachment opened"),
    "read_record": _("Complete record opened"),
    "sign_in": _("Signed in"),
    "sign_in_failed": _("Sign-in failed"),
    "sign_in_locked": _("Sign-in locked after repeated failures"),
    "two_factor_enrolled": _("Authenticator set up"),
    "two_factor_verified": _("Second factor verified"),
    "two_factor_failed": _("Wrong second-factor code"),
    "access_denied": _("Access refused"),
    "not_found": _("Page not found or not visible to the user"),
    "user_deactivated": _("User deactivated"),
    "api_token_created": _("API token created"),
    "api_token_revoked": _("API token revoked"),
    "api_token_use": _("API call with a token"),
    "concern_file": _("Concern filed"),
    "concern_assign": _("Concern assigned"),
    "concern_assess": _("Concern assessment started"),
    "concern_no_action": _("Concern closed without action"),
    "concern_link": _("Concern linked to a request"),
    "concern_merge": _("Concerns merged"),
    "concern_withdraw": _("Concern withdrawn"),
}


def event_label(action: str) -> str:
    """The reader's-language label of an audit code; an unknown code reads as "Other event", never raw."""
    from disclosures.states import Action

    if action in Action.values:
        return str(Action(action).label)
    if action in OTHER_EVENT_LABELS:
        return str(OTHER_EVENT_LABELS[action])
    return str(_("Other event"))


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only line of the audit trail.

    Lifecycle transitions (which also make up a request's timeline) and, later, security events
    such as reads of confidential answers share this table. On PostgreSQL a trigger refuses UPDATE
    and DELETE, so not even a bug in the application can rewrite history.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        "disclosures.DisclosureRequest", null=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The developer's deadline for the stage this event opens, when it has one.
    deadline = models.DateField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    @property
    def action_label(self) -> str:
        return event_label(self.action)

    @property
    def action_taken_label(self) -> str:
        from disclosures.states import EscalationAction

        taken = self.data.get("action_taken", "")
        return EscalationAction(taken).label if taken in EscalationAction.values else taken
