from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts import twofactor
from portal.accounts.forms import AccountForm
from portal.accounts.services import update_account


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_account(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your account was saved."))
        response = redirect("account")
        response.set_cookie("django_language", form.instance.preferred_language, samesite="Lax")
        translation.activate(form.instance.preferred_language)
        return response
    return render(
        request, "accounts/account.html", {"form": form, "has_second_factor": twofactor.has_second_factor(request.user)}
    )
