"""Enrolment and verification of the second factor, between the password and the portal."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice

from disclosures.services.audit import record_event
from portal.accounts import twofactor
from portal.accounts.net import client_ip

RECOVERY_CODES_SESSION_KEY = "two_factor_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@never_cache
@login_required
def setup(request):
    """Show the secret and QR code of a new authenticator; a correct code from it confirms it."""
    user = request.user
    if twofactor.has_second_factor(user) and not user.is_verified():
        # Replacing an authenticator needs the current one (or a recovery code) first.
        return redirect("two_factor_verify")
    device = twofactor.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            twofactor.mark_verified(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            record_event(action="two_factor_enrolled", actor=user, ip=client_ip(request))
            return redirect("two_factor_recovery_codes")
        form.add_error("code", _("That code is not correct. Check the time on your phone and try again."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": twofactor.secret_for_display(device),
            "qr_code": twofactor.qr_code_data_uri(device),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def verify(request):
    """The second step of sign-in: a code from the authenticator, or one recovery code."""
    user = request.user
    if not twofactor.has_second_factor(user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_second_factor(user=user, token=form.cleaned_data["code"])
        if device is not None:
            twofactor.mark_verified(request, device)
            used_recovery_code = isinstance(device, StaticDevice)
            record_event(
                action="two_factor_verified",
                actor=user,
                ip=client_ip(request),
                data={"method": "recovery_code" if used_recovery_code else "authenticator"},
            )
            if used_recovery_code:
                messages.warning(
                    request,
                    _("You used a recovery code; %(count)d remain. Set up your authenticator again if it is lost.")
                    % {"count": device.token_set.count()},
                )
            return redirect(_next_url(request))
        record_event(action="two_factor_failed", actor=user, ip=client_ip(request))
        form.add_error("code", _("That code is not correct, or too many codes were tried; wait a moment."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def recovery_codes(request):
    """The recovery codes, shown once right after enrolment, to copy, print or download.

    The download posts the codes shown back: they are served as a text file only if each is one of the
    user's unused recovery codes, so the page stays the one place they were shown and nothing else is echoed.
    """
    if request.method == "POST":
        posted = request.POST.getlist("code")
        if posted and set(posted) <= twofactor.unused_recovery_codes(request.user):
            response = HttpResponse(recovery_codes_text(posted), content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
            return response
        return redirect("account")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


def recovery_codes_text(codes: list[str]) -> str:
    lines = [
        _("Recovery codes for %(portal)s") % {"portal": _("Article 16 disclosure portal")},
        _("Each code signs you in once if you lose your authenticator. Keep them somewhere safe."),
        "",
        *codes,
    ]
    return "\n".join(lines) + "\n"
