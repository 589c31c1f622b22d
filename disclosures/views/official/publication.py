from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.selectors.requests import get_request_for
from disclosures.services.publication import approve_publication
from disclosures.states import MINISTRY
from portal.accounts.decorators import role_required
from portal.accounts.middleware import record_refusal
from portal.accounts.net import client_ip


@require_POST
@role_required(*MINISTRY)
def approve(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    try:
        # The latest version the approval page listed: one submitted since then waits for its own approval.
        through = int(request.POST.get("through_version", "0"))
    except ValueError:
        through = 0
    try:
        approve_publication(request=disclosure, by=request.user, through_version=through, ip=client_ip(request))
    except PermissionDenied as error:
        record_refusal(request, "access_denied")
        messages.error(request, str(error))
    else:
        messages.success(request, _("Publication approved: what the approval listed is now public."))
    return redirect("official:request_detail", public_id=disclosure.public_id)
