from datetime import date

from disclosures.models import AuditEvent, DisclosureRequest
from portal.accounts.models import User


def record_event(
    *,
    action: str,
    actor: User | None,
    request: DisclosureRequest | None = None,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    deadline: date | None = None,
    ip: str | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one line to the audit trail, attributed to the actor's organisation."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=actor.organisation if actor is not None and actor.is_authenticated else None,
        request=request,
        from_state=from_state,
        to_state=to_state,
        message=message,
        deadline=deadline,
        ip_address=ip,
        data=data or {},
    )
