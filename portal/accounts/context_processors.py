from portal.accounts import twofactor
from portal.accounts.models import DEVELOPER_ROLES, MINISTRY_ROLES, Role


def membership(request):
    """Role flags the base layout uses to build its navigation.

    Until a user who needs a second factor has verified one, the menu offers only what they can use
    (the public pages and signing out): every page of their role would send them back to enrolment.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    pending = signed_in and twofactor.requires_two_factor(user) and not getattr(user, "is_verified", lambda: True)()
    role = user.role if signed_in and not pending else None
    return {
        "current_role": role,
        "two_factor_pending": pending,
        "is_ministry_user": role in MINISTRY_ROLES,
        "is_developer_user": role in DEVELOPER_ROLES,
        "is_rights_holder_user": role == Role.RIGHTS_HOLDER,
    }
