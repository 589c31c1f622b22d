"""Audit lines for sign-ins and refused API calls (the page-side refusals are in middleware); API errors."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from rest_framework import exceptions
from rest_framework.views import exception_handler

from portal.accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT, record_refusal
from portal.accounts.net import client_ip


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    from disclosures.services.audit import record_event

    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_ACTIVITY] = time.time()
    record_event(action="sign_in", actor=user, ip=client_ip(request) if request is not None else None)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    from disclosures.services.audit import record_event

    # Only the user name that was tried: Django has already masked the password.
    username = str(credentials.get("username", ""))[:150]
    record_event(
        action="sign_in_failed",
        actor=None,
        ip=client_ip(request) if request is not None else None,
        data={"username": username},
    )


@receiver(user_locked_out, dispatch_uid="audit_sign_in_locked")
def audit_sign_in_locked(sender, request, username, ip_address, **kwargs):
    from disclosures.services.audit import record_event

    record_event(action="sign_in_locked", actor=None, ip=ip_address, data={"username": str(username or "")[:150]})


def api_exception_handler(exc, context):
    """Every API error as RFC 9457 problem details; refusals write the audit line a page refusal writes.

    A 404 of a signed-in caller (or a token's) is audited as on the pages: scoped selectors answer 404 for
    another organisation's objects, so a run of them is someone probing.
    """
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.http import Http404

    from disclosures.api.problems import problem_for

    request = context["request"]
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        record_refusal(request, "access_denied")
    elif isinstance(exc, Http404 | exceptions.NotFound) and request.user.is_authenticated:
        record_refusal(request, "not_found")
    return problem_for(exc, context) or exception_handler(exc, context)
