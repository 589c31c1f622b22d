from portal.accounts.models import DEVELOPER_ROLES, MINISTRY_ROLES, Role


def membership(request):
    """Role flags the base layout uses to build its navigation."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {
        "current_role": role,
        "is_ministry_user": role in MINISTRY_ROLES,
        "is_developer_user": role in DEVELOPER_ROLES,
        "is_rights_holder_user": role == Role.RIGHTS_HOLDER,
    }
