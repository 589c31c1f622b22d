"""Publication: the two-person decision that lets a request's letter and each version's answers go public."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.models import (
    AuditEvent,
    DeclaredSource,
    DisclosureRequest,
    Publication,
    PublishedVersion,
    RequestSearch,
    ResponseVersion,
)
from disclosures.services.audit import EDIT_DRAFT, record_event
from disclosures.states import Action, State
from portal.accounts.models import Role, User

PUBLIC_VERSION_KEY = "public-pages-version"


def bump_public_version() -> None:
    """Invalidate every cached public page at once: the version is part of each cache key."""
    try:
        cache.incr(PUBLIC_VERSION_KEY)
    except ValueError:
        cache.add(PUBLIC_VERSION_KEY, 1, timeout=None)


def public_changed(request: DisclosureRequest) -> None:
    """Call inside the transaction that changed what the public may see of `request`.

    The search text and the index's search keys are rebuilt in the same transaction; the cached pages
    are dropped only after commit, so no reader can cache the old state under the new version.
    """
    from disclosures.selectors.public import public_text_parts

    parts = public_text_parts(request)
    if parts:
        Publication.objects.filter(request=request).update(search_text="\n".join(parts))
    _write_search_keys(request, parts)
    refresh_source_visibility(request)
    transaction.on_commit(bump_public_version)


def refresh_source_visibility(request: DisclosureRequest | None = None) -> None:
    """Store `selectors.public.source_visibility_rule()` in `DeclaredSource.publicly_visible`, for the
    sources of `request` (every source when None: after a bulk load, or to repair). Only rows whose
    visibility changes are written. A new version can withhold an older version's row (the latest claim
    wins) and a publication shows a version's rows, so `public_changed` calls it."""
    from disclosures.selectors.public import source_visibility_rule

    sources = DeclaredSource.objects.all()
    shown = source_visibility_rule()
    if request is not None:
        sources, shown = sources.filter(request=request), shown.filter(request=request)
    sources.filter(publicly_visible=False, pk__in=shown.values("pk")).set_publicly_visible(True)
    sources.filter(publicly_visible=True).exclude(pk__in=shown.values("pk")).set_publicly_visible(False)


def _write_search_keys(request: DisclosureRequest, public_texts: list[str]) -> None:
    """The request's `RequestSearch` row: from its issue on, and rewritten only when its keys changed."""
    from disclosures.search import request_search_keys

    if request.issued_at is None or request.state == State.DRAFT:
        RequestSearch.objects.filter(request=request).delete()
        return
    keys = request_search_keys(request, public_texts)
    stored = RequestSearch.objects.filter(request=request).values("text_key", "tokens").first()
    if stored != {"text_key": keys.text_key, "tokens": keys.tokens}:
        RequestSearch.objects.update_or_create(
            request=request, defaults={"text_key": keys.text_key, "tokens": keys.tokens}
        )


def rebuild_request_search(*, batch_size: int = 1000) -> int:
    """Recompute the search keys of every issued request (after a bulk load or a rename of an
    organisation, or to repair); returns the number written. Reads a batch of requests with their
    versions and questions in a few queries, through the same functions as `public_changed`."""
    from disclosures.search import request_search_keys
    from disclosures.selectors.public import public_base, public_text_parts

    versions = ResponseVersion.objects.annotate(approved=F("publication__approved_at")).order_by("number")
    requests = (
        public_base()
        .select_related("developer", "ministry")
        .annotate(published_at=F("publication__approved_at"))
        .prefetch_related("questions", Prefetch("response_versions", queryset=versions, to_attr="submitted"))
        .order_by("pk")
    )
    with transaction.atomic():
        RequestSearch.objects.all().delete()
        batch: list[RequestSearch] = []
        written = 0
        for request in requests.iterator(chunk_size=batch_size):
            batch.append(request_search_keys(request, public_text_parts(request, request.submitted)))
            if len(batch) >= batch_size:
                RequestSearch.objects.bulk_create(batch)
                written, batch = written + len(batch), []
        RequestSearch.objects.bulk_create(batch)
    return written + len(batch)


def content_authors(request: DisclosureRequest) -> set[int]:
    """Users who wrote or changed what publication releases: the drafter and whoever edited the draft.

    The letter and the free questions can only change while the request is a draft; every change is
    an audit event (`create`, `edit_draft`), so the trail says who they are.
    """
    authors = set(
        AuditEvent.objects.filter(request=request, action__in=[Action.CREATE, EDIT_DRAFT], actor__isnull=False)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    return authors | {request.drafted_by_id}


def may_approve_publication(user: User, request: DisclosureRequest) -> bool:
    """A supervisor of the requesting ministry who neither drafted nor changed the request's content."""
    return (
        user.is_authenticated
        and user.has_role(Role.SUPERVISOR)
        and user.organisation is not None
        and user.organisation.pk == request.ministry_id
        and request.issued_at is not None
        and user.pk not in content_authors(request)
    )


@transaction.atomic
def approve_publication(
    *, request: DisclosureRequest, by: User, through_version: int | None = None, ip: str | None = None
) -> Publication:
    """A second person makes public what waits for approval: the letter, and each version not yet approved.

    The approver must be a supervisor of the ministry other than anyone who drafted or changed the
    request. `through_version` is the latest version the approval page showed: a version submitted
    while the approver was reading waits for its own approval. Approving twice changes nothing.
    """
    locked = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if not may_approve_publication(by, locked):
        raise PermissionDenied(
            _(
                "Publication needs a supervisor of the ministry other than the officials who drafted or changed "
                "the request."
            )
        )
    now = timezone.now()
    publication, created = Publication.objects.get_or_create(
        request=locked, defaults={"approved_by": by, "approved_at": now}
    )
    waiting = ResponseVersion.objects.filter(request=locked, publication__isnull=True).order_by("number")
    if through_version is not None:
        waiting = waiting.filter(number__lte=through_version)
    numbers = list(waiting.values_list("number", flat=True))
    PublishedVersion.objects.bulk_create(
        PublishedVersion(version=version, approved_by=by, approved_at=now) for version in waiting
    )
    if created or numbers:
        record_event(
            action="approve_publication",
            actor=by,
            request=locked,
            ip=ip,
            data={"letter": created, "versions": numbers},
        )
        public_changed(locked)
    return publication
