"""Publication approval: the supervisors' queue, and the page that says what one approval covers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from disclosures.selectors.public import publication_scope
from disclosures.selectors.publication import awaiting_publication
from disclosures.selectors.requests import get_request_for
from disclosures.services.publication import approve_publication, content_authors, may_approve_publication
from disclosures.states import MINISTRY
from disclosures.views.transitions import is_confirmed
from portal.accounts.decorators import role_required
from portal.accounts.middleware import record_refusal
from portal.accounts.models import Role
from portal.accounts.net import client_ip


@role_required(Role.SUPERVISOR)
def queue(request):
    """Requests of the supervisor's ministry with a letter or versions waiting for publication approval."""
    return render(request, "official/publication_queue.html", {"requests": awaiting_publication(request.user)})


@require_http_methods(["GET", "POST"])
@role_required(*MINISTRY)
def approve(request, public_id):
    """GET (or a POST without `confirm=1`) shows what the approval covers; the confirmed POST approves it."""
    disclosure = get_request_for(request.user, public_id)
    scope = publication_scope(disclosure)
    if request.method == "POST" and is_confirmed(request):
        if scope.empty:
            messages.info(request, _("Nothing waits for approval; nothing was done a second time."))
            return redirect("official:request_detail", public_id=disclosure.public_id)
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
    may_approve = not scope.empty and may_approve_publication(request.user, disclosure)
    return render(
        request,
        "official/publication_approve.html",
        {
            "disclosure": disclosure,
            "scope": scope,
            "may_approve": may_approve,
            "is_author": request.user.pk in content_authors(disclosure),
            "has_versions": disclosure.response_versions.exists(),
        },
    )
