from django.core.exceptions import PermissionDenied, ValidationError


class InvalidTransition(ValidationError):
    """The request is not in a state from which this move is allowed; nothing was changed."""


__all__ = ["InvalidTransition", "PermissionDenied", "ValidationError"]
