from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from disclosures.models.audit import event_label
from disclosures.selectors.audit import AuditFilter, audit_actions_for, audit_trail_for
from portal.accounts.decorators import role_required
from portal.accounts.models import Role


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    reference = forms.CharField(label=_("Request reference"), required=False, max_length=40)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *((a, event_label(a)) for a in actions)]


@role_required(Role.SUPERVISOR)
def audit_trail(request):
    """The audit trail of the supervisor's ministry, filterable; reading it is not itself audited."""
    form = AuditFilterForm(request.GET or None, actions=audit_actions_for(request.user))
    filters = AuditFilter(**form.cleaned_data) if form.is_valid() else AuditFilter()
    page = Paginator(audit_trail_for(request.user, filters), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "official/audit.html", {"form": form, "page": page, "query": query.urlencode()})
