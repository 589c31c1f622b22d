"""Data the journeys start from, made through the portal's own services; the production run's workers render
and log the records, and `wait_for_the_workers` waits for them."""

from disclosures.models import DisclosureRequest, OutboxMail, PendingLogEntry, RecordJob
from disclosures.models.request import Question
from disclosures.services import requests as lifecycle
from disclosures.services.publication import approve_publication
from disclosures.services.responses import save_draft
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member
from tests.production import wait_for

UNFINISHED_JOBS = (RecordJob.Status.PENDING, RecordJob.Status.RUNNING)


def wait_for_the_workers(request: DisclosureRequest | None = None, *, timeout: float = 90) -> None:
    """Wait until the production run's workers have done what was queued: every record job (of `request`)
    finished, every public record sequenced into the log, every transition mail sent.

    Records are rendered by the `pdf` worker, not in the test: a test that reads a request's records waits
    for them here, and fails if one of them failed.
    """
    jobs = RecordJob.objects.filter(request=request) if request is not None else RecordJob.objects.all()

    def idle() -> bool:
        return not (
            jobs.filter(status__in=UNFINISHED_JOBS).exists()
            or PendingLogEntry.objects.exists()
            or OutboxMail.objects.filter(status__in=[OutboxMail.Status.PENDING, OutboxMail.Status.SENDING]).exists()
        )

    wait_for(idle, timeout=timeout)
    if request is not None:
        failed = list(jobs.filter(status=RecordJob.Status.FAILED).values_list("kind", "error"))
        assert not failed, f"Record jobs of {request.reference} failed: {failed}"


# Names the journeys look for: one public source with a Japanese name, one claimed trade secret.
PUBLIC_SOURCE = "アニメ原画アーカイブ2024"
SECRET_SOURCE = "Studio archive"
SECRET_REASON = "Commercial terms of the licence."


class World:
    """A ministry and a developer with one user per role; `issued()` and `submitted()` add requests."""

    def __init__(self):
        self.ministry = MinistryFactory(name_ja="文化技術省", name_en="Ministry of Culture and Technology")
        self.developer = DeveloperFactory(name_ja="クモラボ株式会社", name_en="Kumo Labs K.K.", slug="kumo-labs")
        self.official = member(Role.OFFICIAL, self.ministry)
        self.supervisor = member(Role.SUPERVISOR, self.ministry)
        self.responder = member(Role.RESPONDER, self.developer)
        self.submitter = member(Role.SUBMITTER, self.developer)

    def issued(self, *, questions: tuple[str, ...] = (), **fields) -> DisclosureRequest:
        request = DisclosureRequestFactory(
            ministry=self.ministry, developer=self.developer, drafted_by=self.official, **fields
        )
        for position, text in enumerate(questions, start=1):
            Question.objects.create(request=request, position=position, text=text)
        lifecycle.issue_request(request=request, by=self.official)
        request.refresh_from_db()
        return request

    def submitted(self, **fields) -> DisclosureRequest:
        """An issued request answered completely: a public Japanese-named source and a trade-secret one."""
        request = self.issued(**fields)
        lifecycle.acknowledge_request(request=request, by=self.responder)
        draft = give_complete_draft(request)
        answers = {**draft.answers}
        answers["sources"] = [{**answers["sources"][0], "name": PUBLIC_SOURCE}, *answers["sources"][1:]]
        save_draft(request=request, by=self.submitter, answers=answers, revision=draft.revision)
        lifecycle.submit_response(request=request, by=self.submitter)
        request.refresh_from_db()
        return request

    def published(self, **fields) -> DisclosureRequest:
        """A submitted request whose letter and first version a supervisor approved, then accepted."""
        request = self.submitted(**fields)
        approve_publication(request=request, by=self.supervisor)
        lifecycle.accept_response(request=request, by=self.official, message="")
        request.refresh_from_db()
        return request
