"""The API token page of the account: list (made, last used, from where), make one (shown once), revoke."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from disclosures.deadlines import today_in_japan
from portal.accounts import api_tokens
from portal.accounts.models import ApiToken
from portal.accounts.net import client_ip


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, e.g. 社内コンプライアンスシステム."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices)
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        help_text=gettext_lazy("At most one year from today (Japan time)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(value, label) for value, label in ApiToken.Scope.choices if value in scopes]
        today = today_in_japan()
        self.fields["expires_on"].initial = today + timedelta(days=90)
        self.fields["expires_on"].widget.attrs.update(
            {"min": (today + timedelta(days=1)).isoformat(), "max": (today + timedelta(days=365)).isoformat()}
        )


def _allowed(request) -> None:
    if not api_tokens.may_hold_tokens(request.user):
        raise PermissionDenied


@never_cache
@login_required
def token_list(request):
    _allowed(request)
    scopes = api_tokens.scopes_for(request.user)
    form = ApiTokenForm(request.POST or None, scopes=scopes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = api_tokens.create_api_token(
                    user=request.user,
                    second_factor_verified=request.user.is_verified(),
                    ip=client_ip(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for text in errors:
                        form.add_error(field if field in form.fields else None, text)
            else:
                # Shown on this response only: the secret is not stored and never shown again.
                return render(request, "accounts/api_token_created.html", {"created": created}, status=201)
        status = 400
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": api_tokens.tokens_of(request.user), "ministry_only_read": scopes == {"read"}},
        status=status,
    )


@require_POST
@login_required
def token_revoke(request, public_id):
    _allowed(request)
    token = api_tokens.tokens_of(request.user).filter(public_id=public_id).first()
    if token is None:
        raise Http404
    api_tokens.revoke_api_token(token=token, by=request.user, ip=client_ip(request))
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("api_tokens")
