"""Publication: the two-person decision that lets a request's letter and each version's answers go public."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.models import AuditEvent, DisclosureRequest, Publication, PublishedVersion, ResponseVersion
from disclosures.services.audit import EDIT_DRAFT, record_event
from disclosures.states import Action
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

    The search text is rebuilt in the same transaction; the cached pages are dropped only after
    commit, so no reader can cache the old state under the new version.
    """
    publication = Publication.objects.filter(request=request).first()
    if publication is not None:
        from disclosures.selectors.public import public_search_text

        Publication.objects.filter(pk=publication.pk).update(search_text=public_search_text(request))
    transaction.on_commit(bump_public_version)


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
