"""Data the journeys start from, made through the portal's own services (so records are rendered and logged)."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections

from disclosures.models import DisclosureRequest
from disclosures.models.request import Question
from disclosures.services import requests as lifecycle
from disclosures.services.publication import approve_publication
from disclosures.services.responses import save_draft
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member


def off_the_event_loop[T](make: Callable[[], T]) -> T:
    """Run `make` in a thread of its own and return what it made.

    Playwright's sync API runs an asyncio loop in the test's thread, and pyHanko signs records with
    `asyncio.run()`, which refuses to start inside a running loop; the live server's thread has none.
    """

    def run() -> T:
        try:
            return make()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


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
