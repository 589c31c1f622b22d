"""Data builders for the public-site tests: requests with timelines, publications, versions and sources."""

from datetime import datetime, timedelta
from unittest import mock

from django.core.cache import cache
from django.utils import timezone

from disclosures.models import AuditEvent, DisclosureRequest, Publication, PublishedVersion
from disclosures.models.response import DeclaredSource, ResponseVersion
from disclosures.search import index_sources
from disclosures.services.publication import public_changed, refresh_source_visibility
from disclosures.services.summary import request_changed
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member


def event(request: DisclosureRequest, action: str, to_state: str, at: datetime, *, by=None, message="", deadline=None):
    """An audit event at a chosen time (created_at is set on insert, so the clock is moved instead)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        created = AuditEvent.objects.create(
            request=request,
            action=action,
            to_state=to_state,
            actor=by,
            organisation=by.organisation if by else None,
            message=message,
            deadline=deadline,
        )
    public_changed(request)  # as a transition does: the index's search keys and
    request_changed(request)  # the public figures follow the events
    return created


def issued(*, days_ago: int = 30, state: str = State.ISSUED, deadline_in: int = 20, **fields) -> DisclosureRequest:
    """An issued request whose issue event carries its deadline."""
    issued_at = timezone.now() - timedelta(days=days_ago)
    deadline = timezone.localdate(issued_at) + timedelta(days=deadline_in)
    request = DisclosureRequestFactory(state=state, issued_at=issued_at, deadline=deadline, **fields)
    event(request, Action.ISSUE, State.ISSUED, issued_at, by=request.drafted_by, deadline=deadline)
    return request


def answered(request: DisclosureRequest, *, after_days: int, by=None) -> None:
    by = by or member(Role.SUBMITTER, request.developer)
    event(request, Action.SUBMIT, State.SUBMITTED, request.issued_at + timedelta(days=after_days), by=by)


def declined(request: DisclosureRequest, *, after_days: int, reasons: str, by=None) -> None:
    by = by or member(Role.SUBMITTER, request.developer)
    event(
        request, Action.DECLINE, State.DECLINED, request.issued_at + timedelta(days=after_days), by=by, message=reasons
    )


def publish(request: DisclosureRequest) -> Publication:
    """Approve the letter and every version submitted so far, as a supervisor's approval does."""
    supervisor = member(Role.SUPERVISOR, request.ministry)
    now = timezone.now()
    publication = Publication.objects.create(request=request, approved_by=supervisor, approved_at=now)
    approve_versions(request, by=supervisor)
    public_changed(request)  # the search text and keys, as `approve_publication` writes them
    publication.refresh_from_db()
    return publication


def approve_versions(request: DisclosureRequest, *, by=None) -> None:
    """Approve every version of an already published request that is not approved yet."""
    by = by or member(Role.SUPERVISOR, request.ministry)
    PublishedVersion.objects.bulk_create(
        PublishedVersion(version=v, approved_by=by, approved_at=timezone.now())
        for v in ResponseVersion.objects.filter(request=request, publication__isnull=True)
    )
    refresh_source_visibility(request)  # as `approve_publication` does (through `public_changed`)


def version(
    request: DisclosureRequest, answers: dict, *, number: int = 1, sources: list[dict] = (), approved: bool = True
) -> ResponseVersion:
    """A submitted version with its declared sources; `approved` also approves its publication."""
    submitter = member(Role.SUBMITTER, request.developer)
    result = ResponseVersion.objects.create(request=request, number=number, answers=answers, submitted_by=submitter)
    if approved:
        supervisor = member(Role.SUPERVISOR, request.ministry)
        PublishedVersion.objects.create(version=result, approved_by=supervisor, approved_at=timezone.now())
    sources = DeclaredSource.objects.bulk_create(
        DeclaredSource(
            version=result,
            request=request,
            position=index,
            answer_path=f"sources/{index}",
            row_key=row.get("row_key", f"sources/{index}"),
            name=row["name"],
            kind=row.get("kind", ""),
            top_domains=row.get("top_domains", []),
            rights_holders=row.get("rights_holders", []),
            consent_basis=row.get("consent_basis", ""),
            licence_grantor=row.get("licence_grantor", ""),
            tier=row["tier"],
        )
        for index, row in enumerate(sources)
    )
    index_sources(sources)  # as declare_sources does
    refresh_source_visibility(request)  # as the submission does (through `public_changed`)
    return result


def clear_page_cache() -> None:
    cache.clear()


def references(response) -> list[str]:
    """The reference numbers of all requests that a page shows, sorted."""
    body = response.content.decode()
    return sorted(r for r in DisclosureRequest.objects.values_list("reference", flat=True) if r in body)
