from django.shortcuts import render

from disclosures.permissions import may_edit_draft, may_transition
from disclosures.selectors.answers import versions_of
from disclosures.selectors.records import records_for_request
from disclosures.selectors.requests import get_request_for, stages, timeline
from disclosures.services.responses import may_edit_answers
from disclosures.states import Action, transitions_from
from disclosures.views.transitions import action_forms

# Submitting happens on the answer page, which validates the draft and lists what is missing.
_ON_THE_ANSWER_PAGE = {Action.SUBMIT, Action.RESUBMIT}


def render_request_detail(request, public_id, audience, failed_action=None, status=200):
    disclosure = get_request_for(request.user, public_id)
    events = timeline(disclosure)
    available = [
        t.action
        for t in transitions_from(disclosure.state)
        if t.action not in _ON_THE_ANSWER_PAGE and may_transition(request.user, disclosure, t.action)
    ]
    return render(
        request,
        f"{audience}/request_detail.html",
        {
            "disclosure": disclosure,
            "questions": disclosure.questions.all(),
            "events": events,
            "stages": stages(events),
            "action_forms": action_forms(available, request.POST, failed_action),
            "can_edit": may_edit_draft(request.user, disclosure),
            "records": records_for_request(disclosure),
            "versions": list(versions_of(disclosure)),
            "can_answer": may_edit_answers(request.user, disclosure),
        },
        status=status,
    )
