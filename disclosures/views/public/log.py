"""The public log as JSON: the signed head at a stable URL, and each entry with its inclusion proof."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from disclosures.models import LogEntry
from disclosures.services.log import inclusion_proof, signed_head


@require_GET
def head(request):
    return JsonResponse(signed_head())


@require_GET
def entry(request, index: int):
    found = LogEntry.objects.filter(index=index).first()
    if found is None:
        raise Http404
    return JsonResponse(inclusion_proof(found))
