from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        from disclosures.states import Action

        return Action(self.action).label if self.action in Action.values else self.action

    @property
    def action_taken_label(self) -> str:
        from disclosures.states import EscalationAction

        taken = self.data.get("action_taken", "")
        return EscalationAction(taken).label if taken in EscalationAction.values else taken
