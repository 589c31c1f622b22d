"""Who operates the platform: its staff, who see the operator page and may retry failed record jobs."""


def is_platform_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))
