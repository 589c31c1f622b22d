"""Publication: the two-person decision that lets a request's letter and answers go public."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.models import DisclosureRequest, Publication
from disclosures.services.audit import record_event
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


def may_approve_publication(user: User, request: DisclosureRequest) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.SUPERVISOR)
        and user.organisation is not None
        and user.organisation.pk == request.ministry_id
        and user.pk != request.drafted_by_id
        and request.issued_at is not None
    )


@transaction.atomic
def approve_publication(*, request: DisclosureRequest, by: User, ip: str | None = None) -> Publication:
    """A supervisor of the ministry, other than the official who drafted the request, makes it public."""
    locked = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if not may_approve_publication(by, locked):
        raise PermissionDenied(
            _("Publication needs a supervisor of the ministry other than the official who drafted the request.")
        )
    publication, created = Publication.objects.get_or_create(
        request=locked, defaults={"approved_by": by, "approved_at": timezone.now()}
    )
    if created:
        record_event(action="approve_publication", actor=by, request=locked, ip=ip)
        public_changed(locked)
    return publication
