from django.shortcuts import render

from disclosures.selectors.requests import developer_inbox
from disclosures.states import DEVELOPER
from disclosures.views.shared import render_request_detail
from disclosures.views.transitions import make_transition_view
from portal.accounts.decorators import role_required


@role_required(*DEVELOPER)
def inbox(request):
    return render(request, "developer/inbox.html", {"requests": developer_inbox(request.user)})


@role_required(*DEVELOPER)
def request_detail(request, public_id, failed_action=None, status=200):
    return render_request_detail(request, public_id, "developer", failed_action, status)


request_transition = role_required(*DEVELOPER)(make_transition_view("developer", request_detail))
