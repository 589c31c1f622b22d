"""The public log: its key page, the C2SP checkpoint and tiles, and JSON entries with their proofs.

Full tiles and full entry bundles never change, so they are cached for ever; the checkpoint for seconds.
"""

import base64
from dataclasses import dataclass

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from disclosures.models import LogCheckpoint, LogEntry, RecordKind
from disclosures.records import merkle, note
from disclosures.selectors import log as selectors
from disclosures.selectors.public import public_base

IMMUTABLE = "public, max-age=31536000, immutable"
CHECKPOINT_CACHE = "public, max-age=5"


def _binary(data: bytes | None, width: str | None) -> HttpResponse:
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/octet-stream")
    # A partial tile is immutable too (its hashes never change), but it is replaced by the full one.
    response["Cache-Control"] = IMMUTABLE if width is None else "public, max-age=60"
    return response


def _parse(index: str, width: str | None) -> tuple[int, int | None]:
    try:
        number = merkle.parse_tile_index(index)
    except ValueError:
        raise Http404 from None
    return number, int(width) if width else None


RECENT_ENTRIES = 20


@dataclass(frozen=True)
class EntryRow:
    """A log entry as the readable page lists it: what was logged, when, and where its record is shown."""

    entry: LogEntry
    kind: str
    # The public request page that lists the record; "" for a concern's receipt, which is confidential.
    request_url: str


def recent_entries(checkpoint: LogCheckpoint | None) -> list[EntryRow]:
    """The newest entries the latest checkpoint covers, newest first (two queries)."""
    if checkpoint is None:
        return []
    entries = list(
        LogEntry.objects.filter(index__lt=checkpoint.tree_size)
        .select_related("record")
        .only("index", "kind", "reference", "logged_at", "record_sha256", "record__request_id")
        .order_by("-index")[:RECENT_ENTRIES]
    )
    request_ids = {e.record.request_id for e in entries if e.record.request_id}
    public_ids = set(public_base().filter(pk__in=request_ids).values_list("pk", flat=True))
    return [
        EntryRow(
            entry=e,
            kind=str(RecordKind(e.kind).label) if e.kind in RecordKind.values else e.kind,
            request_url=(
                reverse("public:request_detail", args=[e.reference]) + "#records"
                if e.record.request_id in public_ids
                else ""
            ),
        )
        for e in entries
    ]


@require_GET
def key(request):
    """The log as a person reads it (size, time, recent entries) above its key and machine formats."""
    checkpoint = selectors.latest_checkpoint()
    context = {
        "entries": recent_entries(checkpoint),
        "verifier": note.log_verifier(),
        "checkpoint": checkpoint,
        "checkpoint_text": selectors.checkpoint_text(checkpoint) if checkpoint else "",
        "cosignatures": selectors.cosignatures(checkpoint) if checkpoint else [],
        "witnesses": note.witness_verifiers(),
    }
    return render(request, "public/log.html", context)


@require_GET
def checkpoint(request):
    latest = selectors.latest_checkpoint()
    if latest is None:
        raise Http404
    response = HttpResponse(selectors.checkpoint_text(latest), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = CHECKPOINT_CACHE
    return response


@require_GET
def tile(request, level: str, index: str, width: str | None = None):
    number, count = _parse(index, width)
    return _binary(selectors.tile(int(level), number, count), width)


@require_GET
def entries(request, index: str, width: str | None = None):
    number, count = _parse(index, width)
    return _binary(selectors.entry_bundle(number, count), width)


@require_GET
def head(request):
    return JsonResponse(selectors.log_head())


@require_GET
def entry(request, index: int):
    found = LogEntry.objects.filter(index=index).first()
    latest = selectors.latest_checkpoint()
    if found is None or latest is None or found.index >= latest.tree_size:
        raise Http404
    return JsonResponse(selectors.inclusion(found, latest))


@require_GET
def consistency(request, first: int, second: int):
    """The proof that the tree of size `second` extends that of size `first` (both sizes of kept checkpoints)."""
    older, newer = selectors.checkpoint_of_size(first), selectors.checkpoint_of_size(second)
    if first > second:
        return HttpResponseBadRequest("the first size must not exceed the second")
    if (first and older is None) or newer is None:
        raise Http404
    proof = selectors.consistency(first, second)
    return JsonResponse(
        {
            "first": first,
            "second": second,
            "consistency_proof": [base64.b64encode(h).decode() for h in proof],
            "first_checkpoint": selectors.checkpoint_text(older) if older else None,
            "second_checkpoint": selectors.checkpoint_text(newer),
        }
    )
