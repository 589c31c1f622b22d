from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts import twofactor
from portal.accounts.api_tokens import may_hold_tokens
from portal.accounts.forms import AccountForm, PortalPasswordResetForm
from portal.accounts.net import client_ip
from portal.accounts.services import may_send_password_reset, update_account


def use_language(response, language: str):
    """Switch to `language` for the rest of this request and, by the language cookie, for the next ones."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    translation.activate(language)
    return response


class LoginView(auth_views.LoginView):
    """Django's sign-in; the user's saved preferred language applies from the next page on."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return use_language(response, form.get_user().preferred_language)


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_account(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your account was saved."))
        return use_language(redirect("account"), form.instance.preferred_language)
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "has_second_factor": twofactor.has_second_factor(request.user),
            "may_hold_api_tokens": may_hold_tokens(request.user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with its mails limited per entered address and per client address."""

    form_class = PortalPasswordResetForm

    def form_valid(self, form):
        if not may_send_password_reset(email=form.cleaned_data["email"], ip=client_ip(self.request)):
            form.add_error(None, _("Too many password-reset emails were asked for. Please try again in an hour."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
