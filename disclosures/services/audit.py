from datetime import date

from disclosures.models import AuditEvent, DisclosureRequest
from portal.accounts.models import User

# An official changed a draft request's letter, questions or other content (not a transition).
EDIT_DRAFT = "edit_draft"


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


def record_read(*, http_request, disclosure: DisclosureRequest, what: str, data: dict | None = None) -> AuditEvent:
    """Audit one read of non-public material: a version's answers, a comparison, a file or a complete record."""
    from portal.accounts.net import client_ip

    return record_event(
        action=f"read_{what}", actor=http_request.user, request=disclosure, ip=client_ip(http_request), data=data
    )
