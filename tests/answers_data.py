"""Complete answer documents for tests that need a draft which can be submitted."""

from disclosures.demo import demo_answers as complete_answers
from disclosures.models import ResponseDraft


def give_complete_draft(request) -> ResponseDraft:
    """Store a complete draft directly (tests of other features; the forms are tested elsewhere)."""
    from disclosures.services.responses import clean_document

    cleaned, problems = clean_document(request, complete_answers(), strict=True)
    assert not problems, problems
    draft, _created = ResponseDraft.objects.get_or_create(request=request)
    draft.answers = cleaned
    draft.save()
    return draft
