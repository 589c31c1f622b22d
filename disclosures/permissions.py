"""Who may make which move on which request: the role from the transition table, the organisation here."""

from disclosures.models import DisclosureRequest
from disclosures.states import MINISTRY, TRANSITIONS, State
from portal.accounts.models import User


def is_party(user: User, request: DisclosureRequest) -> bool:
    """Whether the user acts for one of the request's two organisations (drafts belong to the ministry only)."""
    if not user.is_active:
        return False
    organisation = user.organisation
    if organisation is None:
        return False
    if user.role in MINISTRY:
        return organisation.pk == request.ministry_id
    return organisation.pk == request.developer_id and request.state != State.DRAFT and request.issued_at is not None


def may_transition(user: User, request: DisclosureRequest, action: str) -> bool:
    transition = TRANSITIONS[action]
    return user.role in transition.roles and is_party(user, request)


def may_edit_draft(user: User, request: DisclosureRequest) -> bool:
    return request.state == State.DRAFT and user.role in MINISTRY and is_party(user, request)
