"""Every URL of the portal, for every role, answers with the status this table expects.

The table is keyed by URL name. A URL without an entry fails `test_every_url_has_an_entry_in_the_matrix`,
so whoever adds a page decides, here, who may open it. For URLs that take an object, the same roles are
tried again on another organisation's object: that must look like it does not exist (404).

Statuses are written as six numbers in the order of ROLES:
anonymous, official, supervisor, responder, submitter, rights holder.
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from disclosures.models import Attachment, Record, RecordJob, ResponseVersion
from disclosures.services.audit import record_event
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import (
    DeveloperFactory,
    DisclosureRequestFactory,
    MinistryFactory,
    RightsHolderFactory,
    UserFactory,
    member,
)
from tests.public_data import publish

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

ROLES = ("anonymous", "official", "supervisor", "responder", "submitter", "rights_holder")


@dataclass
class World:
    """Two of everything: the signed-in user's side and another organisation's side."""

    users: dict
    own: dict
    other: dict


def request_with_answers(**fields) -> dict:
    """An issued request with a submitted version, a file in it and a complete (non-public) record."""
    disclosure = DisclosureRequestFactory(state=State.ISSUED, **fields)
    submitter = member(Role.SUBMITTER, disclosure.developer)
    version = ResponseVersion.objects.create(request=disclosure, number=1, answers={}, submitted_by=submitter)
    attachment = Attachment(
        request=disclosure,
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=submitter,
        in_draft=False,
        submitted_in=version,
    )
    attachment.file.save("evidence.pdf", ContentFile(PDF), save=False)
    attachment.save()
    event = record_event(action=Action.ACCEPT, actor=None, request=disclosure, to_state=State.ACCEPTED)
    job = RecordJob.objects.create(
        request=disclosure, event=event, kind="decision", variant="complete", status=RecordJob.Status.FAILED
    )
    record = Record.objects.create(
        job=job,
        request=disclosure,
        kind="decision",
        variant="complete",
        title="Decision",
        file=ContentFile(PDF, name="r.pdf"),
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        page_count=1,
        signed_by="Portal",
    )
    return {"request": disclosure, "attachment": attachment, "record": record, "job": job}


def build_world() -> World:
    ministry, developer = MinistryFactory(), DeveloperFactory()
    users = {
        "official": member(Role.OFFICIAL, ministry),
        "supervisor": member(Role.SUPERVISOR, ministry),
        "responder": member(Role.RESPONDER, developer),
        "submitter": member(Role.SUBMITTER, developer),
        "rights_holder": member(Role.RIGHTS_HOLDER, RightsHolderFactory()),
    }
    own = request_with_answers(ministry=ministry, developer=developer, drafted_by=users["official"])
    publish(own["request"])
    other = request_with_answers()
    return World(users=users, own=own, other=other)


def request_kwargs(*, attachment: bool = False, **extra) -> Callable[[World, bool], dict]:
    def build(world: World, other: bool) -> dict:
        objects = world.other if other else world.own
        kwargs = {"public_id": objects["request"].public_id, **extra}
        if attachment:
            kwargs["attachment_id"] = objects["attachment"].public_id
        return kwargs

    return build


def record_kwargs(world: World, other: bool) -> dict:
    objects = world.other if other else world.own
    return {"public_id": objects["request"].public_id, "record_id": objects["record"].public_id}


def reference_kwargs(world: World, other: bool) -> dict:
    return {"reference": (world.other if other else world.own)["request"].reference}


def object_kwargs(kind: str) -> Callable[[World, bool], dict]:
    return lambda world, other: {"public_id": (world.other if other else world.own)[kind].public_id}


def concern_kwargs(
    *, draft: bool = False, evidence: bool = False, receipt: bool = False
) -> Callable[[World, bool], dict]:
    """A concern of the world's rights holder filed with its ministry, or another organisation's (and ministry's)."""

    def build(world: World, other: bool) -> dict:
        from concerns import services as concern_services
        from tests.concerns_data import concern_input

        holder = member(Role.RIGHTS_HOLDER, RightsHolderFactory()) if other else world.users["rights_holder"]
        ministry = MinistryFactory() if other else world.own["request"].ministry
        concern = concern_services.start_concern(
            by=holder, data=concern_input(ministry=ministry, developer=world.own["request"].developer)
        )
        kwargs = {"public_id": concern.public_id}
        if evidence:
            file = concern_services.add_evidence(concern=concern, by=holder, name="still.png", data=PNG_STILL)
            kwargs["evidence_id"] = file.public_id
        if not draft:
            concern_services.file_concern(concern=concern, by=holder)
        if receipt:
            from disclosures.services.records import run_record_job

            run_record_job(concern.record_jobs.get().pk)
        return kwargs

    return build


def watch_term_kwargs(world: World, other: bool) -> dict:
    from concerns import services as concern_services

    holder = member(Role.RIGHTS_HOLDER, RightsHolderFactory()) if other else world.users["rights_holder"]
    return {"public_id": concern_services.add_watch_term(by=holder, kind="title", term="進撃の巨人").public_id}


PNG_STILL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class Route:
    own: str  # statuses, in the order of ROLES
    other: str | None = None  # the same, on another organisation's object
    kwargs: Callable[[World, bool], dict] | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)

    def expected(self, statuses: str) -> dict[str, int]:
        numbers = [int(n) for n in statuses.split()]
        assert len(numbers) == len(ROLES), statuses
        return dict(zip(ROLES, numbers, strict=True))


PUBLIC = "200 200 200 200 200 200"
SIGNED_IN = "302 200 200 200 200 200"
MINISTRY = "302 200 200 403 403 403"
MINISTRY_OTHER = "302 404 404 403 403 403"
DEVELOPER = "302 403 403 200 200 403"
DEVELOPER_OTHER = "302 403 403 404 404 403"
RIGHTS_HOLDER = "302 403 403 403 403 200"
RIGHTS_HOLDER_OTHER = "302 403 403 403 403 404"
# The API answers 401 (with WWW-Authenticate) where a page would send the visitor to sign in.
API_DEVELOPER = "401 403 403 200 200 403"
API_DEVELOPER_OTHER = "401 403 403 404 404 403"
API_MINISTRY = "401 200 200 403 403 403"
API_MINISTRY_OTHER = "401 404 404 403 403 403"

MATRIX: dict[str, Route] = {
    # Sign-in and account
    "login": Route("200 302 302 302 302 302"),
    "logout": Route("302 302 302 302 302 302", method="post"),
    "two_factor_setup": Route(SIGNED_IN),
    "two_factor_verify": Route(SIGNED_IN),  # everyone here has an authenticator (see tests.auth.login)
    "two_factor_recovery_codes": Route("302 302 302 302 302 302"),  # shown once, right after enrolment
    "password_change": Route(SIGNED_IN),
    "password_change_done": Route(SIGNED_IN),
    "password_reset": Route(PUBLIC),
    "password_reset_done": Route(PUBLIC),
    "password_reset_confirm": Route(PUBLIC, kwargs=lambda world, other: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Route(PUBLIC),
    "account": Route(SIGNED_IN),
    "set_language": Route("302 302 302 302 302 302", method="post", data={"language": "en", "next": "/"}),
    # Home: staff go to their work, everyone else sees the introduction.
    "home": Route("200 302 302 302 302 200"),
    # Ministry side
    "official:dashboard": Route(MINISTRY),
    "official:audit": Route("302 403 200 403 403 403"),
    "official:request_create": Route(MINISTRY),
    "official:request_detail": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs()),
    # Only drafts can be edited: an issued request sends the official back to its page.
    "official:request_edit": Route("302 302 302 403 403 403", MINISTRY_OTHER, kwargs=request_kwargs()),
    "official:review": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs()),
    # Only supervisors decide confidentiality claims; an official is refused.
    "official:review_decide": Route(
        "302 403 302 403 403 403", MINISTRY_OTHER, kwargs=request_kwargs(), method="post", data={"version": "1"}
    ),
    "official:review_clarify": Route(
        "302 400 400 403 403 403", MINISTRY_OTHER, kwargs=request_kwargs(), method="post", data={"version": "1"}
    ),
    "official:attachment": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs(attachment=True)),
    "official:version": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs(number=1)),
    "official:compare": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs()),
    # An irreversible step without confirm=1 shows its confirmation page (tests/unit/test_confirmations.py).
    "official:request_transition": Route(
        "302 200 200 403 403 403",
        MINISTRY_OTHER,
        kwargs=request_kwargs(action="withdraw"),
        method="post",
        data={"withdraw-message": "No longer needed."},
    ),
    # The approval page says what one approval covers; its confirmed post approves (the service refuses the drafter).
    "approve_publication": Route(MINISTRY, MINISTRY_OTHER, kwargs=request_kwargs()),
    "official:publication_queue": Route("302 403 200 403 403 403"),
    # Developer side
    "developer:inbox": Route(DEVELOPER),
    "developer:request_detail": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs()),
    # The old one-page address opens the workspace's first section.
    "developer:answers": Route("302 403 403 302 302 403", DEVELOPER_OTHER, kwargs=request_kwargs()),
    "developer:answer_section": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs(section="sources")),
    "developer:answer_review": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs()),
    "developer:answer_sheet_template": Route(
        DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs(section="sources", file_format="xlsx")
    ),
    "developer:answer_sheet_export": Route(
        DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs(section="sources", file_format="csv")
    ),
    # Without a file the import asks for one (back to the list, with a message).
    "developer:answer_sheet_import": Route(
        "302 403 403 302 302 403", DEVELOPER_OTHER, kwargs=request_kwargs(section="sources"), method="post"
    ),
    # Without confirm=1 a submit goes back to the review page (the confirmation step); responders may not submit.
    "developer:answers_submit": Route(
        "302 403 403 403 302 403", DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    "developer:answers_export": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs()),
    "developer:answers_import": Route(
        "302 403 403 302 302 403", DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    "developer:attachment": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs(attachment=True)),
    "developer:version": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs(number=1)),
    "developer:compare": Route(DEVELOPER, DEVELOPER_OTHER, kwargs=request_kwargs()),
    "developer:request_transition": Route(
        "302 403 403 302 302 403", DEVELOPER_OTHER, kwargs=request_kwargs(action="acknowledge"), method="post"
    ),
    # Records: a complete record only to the two parties; to anyone else it does not exist.
    "record_download": Route("404 200 200 200 200 404", "404 404 404 404 404 404", kwargs=object_kwargs("record")),
    "record_retry": Route(
        "404 302 302 404 404 404", "404 404 404 404 404 404", kwargs=object_kwargs("job"), method="post"
    ),
    # Rights holders' concerns: the filer's organisation only; another organisation's concern does not exist.
    "concerns:list": Route(RIGHTS_HOLDER),
    "concerns:create": Route(RIGHTS_HOLDER),
    "concerns:watch": Route(RIGHTS_HOLDER),
    "concerns:watch_remove": Route(
        "302 403 403 403 403 302", RIGHTS_HOLDER_OTHER, kwargs=watch_term_kwargs, method="post"
    ),
    "concerns:detail": Route(RIGHTS_HOLDER, RIGHTS_HOLDER_OTHER, kwargs=concern_kwargs()),
    "concerns:edit": Route(RIGHTS_HOLDER, RIGHTS_HOLDER_OTHER, kwargs=concern_kwargs(draft=True)),
    "concerns:withdraw": Route("302 403 403 403 403 302", RIGHTS_HOLDER_OTHER, kwargs=concern_kwargs(), method="post"),
    # Evidence: to the filer's organisation and to the ministry the concern was filed with.
    "concerns:evidence": Route(
        "302 200 200 403 403 200", "302 404 404 403 403 404", kwargs=concern_kwargs(evidence=True)
    ),
    # The signed filing receipt: the same audience as the evidence.
    "concerns:receipt": Route(
        "302 200 200 403 403 200", "302 404 404 403 403 404", kwargs=concern_kwargs(receipt=True)
    ),
    # The ministry's triage of the concerns filed with it.
    "concern_triage:queue": Route(MINISTRY),
    "concern_triage:detail": Route(MINISTRY, MINISTRY_OTHER, kwargs=concern_kwargs()),
    "concern_triage:action": Route(
        "302 302 302 403 403 403",
        MINISTRY_OTHER,
        kwargs=lambda world, other: {**concern_kwargs()(world, other), "action": "assess"},
        method="post",
    ),
    # The public site and its API: the same for everyone.
    "verify": Route(PUBLIC),
    "log_head": Route(PUBLIC),
    "log_entry": Route("404 404 404 404 404 404", kwargs=lambda world, other: {"index": 0}),  # the log is empty
    "log": Route(PUBLIC),
    "log_checkpoint": Route("404 404 404 404 404 404"),
    "log_tile": Route("404 404 404 404 404 404", kwargs=lambda world, other: {"level": "0", "index": "000"}),
    "log_entries": Route("404 404 404 404 404 404", kwargs=lambda world, other: {"index": "000"}),
    "log_consistency": Route("404 404 404 404 404 404", kwargs=lambda world, other: {"first": 0, "second": 1}),
    "public:index": Route(PUBLIC),
    # An issued request is public (who was asked, who answered); its answers only once published.
    "public:request_detail": Route(
        PUBLIC,
        PUBLIC,
        kwargs=reference_kwargs,
    ),
    "public:companies": Route(PUBLIC),
    "public:company_detail": Route(PUBLIC, kwargs=lambda w, other: {"slug": w.own["request"].developer.slug}),
    "public:sources": Route(PUBLIC),
    "public:statistics": Route(PUBLIC),
    "public:open_data": Route(PUBLIC),
    "public:requests_csv": Route(PUBLIC),
    "public:sources_csv": Route(PUBLIC),
    "public:feed": Route(PUBLIC),
    "api:public-request-list": Route(PUBLIC),
    "api:public-request-detail": Route(
        PUBLIC,
        PUBLIC,
        kwargs=reference_kwargs,
    ),
    "api:public-company-list": Route(PUBLIC),
    "api:public-source-list": Route(PUBLIC),
    "api:schema": Route(PUBLIC),
    "api:docs": Route(PUBLIC),
    "api:redoc": Route(PUBLIC),
    # The first addresses of the public API, moved for good under /api/v1/.
    "api_legacy": Route("308 308 308 308 308 308", kwargs=lambda world, other: {"rest": "public/requests/"}),
    # API tokens: submitters (read and write) and ministry staff (read only) hold them.
    "api_tokens": Route("302 200 200 403 200 403"),
    "api_token_revoke": Route(
        "302 404 404 403 404 403", kwargs=lambda world, other: {"public_id": uuid.uuid4()}, method="post"
    ),
    # The developer API (token or session): the company's own requests; another's do not exist.
    "api:developer-request-list": Route(API_DEVELOPER),
    "api:developer-request-detail": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs()),
    "api:developer-request-acknowledge": Route(
        API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    # Only submitters decline (as on the pages).
    "api:developer-request-decline": Route(
        "401 403 403 403 200 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(), method="post", data={"reasons": "No."}
    ),
    # Writes to the draft need If-Match with the draft's ETag (428 without it).
    "api:developer-request-submit": Route(
        "401 403 403 428 428 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    "api:developer-request-draft": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs()),
    "api:developer-request-section": Route(
        "401 403 403 428 428 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(section="sources"), method="put"
    ),
    "api:developer-request-row": Route(
        "401 403 403 428 428 403",
        API_DEVELOPER_OTHER,
        kwargs=request_kwargs(section="sources", row_id="0"),
        method="put",
    ),
    # The world's request asks no free question.
    "api:developer-request-question": Route(
        "401 403 403 404 404 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(position=1), method="put"
    ),
    "api:developer-request-import": Route(
        "401 403 403 428 428 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    "api:developer-request-import-eu-summary": Route(
        "401 403 403 428 428 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(), method="post"
    ),
    "api:developer-request-attachments": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs()),
    # The world's file was submitted and left the draft: it stays with its version.
    "api:developer-request-attachment": Route(
        "401 403 403 404 404 403", API_DEVELOPER_OTHER, kwargs=request_kwargs(attachment=True), method="delete"
    ),
    "api:developer-request-attachment-file": Route(
        API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs(attachment=True)
    ),
    "api:developer-request-versions": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs()),
    "api:developer-request-version": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs(number=1)),
    "api:developer-request-compare": Route(
        API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs(), data={"a": "1", "b": "1"}
    ),
    "api:developer-request-records": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=request_kwargs()),
    "api:developer-request-record-file": Route(API_DEVELOPER, API_DEVELOPER_OTHER, kwargs=record_kwargs),
    # The ministry API: read only, the ministry's own requests.
    "api:ministry-request-list": Route(API_MINISTRY),
    "api:ministry-request-detail": Route(API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs()),
    "api:ministry-request-versions": Route(API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs()),
    "api:ministry-request-version": Route(API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs(number=1)),
    "api:ministry-request-compare": Route(
        API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs(), data={"a": "1", "b": "1"}
    ),
    "api:ministry-request-attachment-file": Route(
        API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs(attachment=True)
    ),
    "api:ministry-request-records": Route(API_MINISTRY, API_MINISTRY_OTHER, kwargs=request_kwargs()),
    "api:ministry-request-record-file": Route(API_MINISTRY, API_MINISTRY_OTHER, kwargs=record_kwargs),
    # Operations: probes for everyone (they name checks, nothing secret); the operator page only for staff.
    "healthz": Route(PUBLIC),
    "readyz": Route(PUBLIC),
    "operator:dashboard": Route("302 404 404 404 404 404"),
    "operator:record_job_retry": Route(
        "302 404 404 404 404 404", "302 404 404 404 404 404", kwargs=object_kwargs("job"), method="post"
    ),
}

# The admin site is covered by one rule: nobody in a portal role gets in, only staff.
ADMIN_NAMESPACE = "admin:"


def url_names(resolver=None, prefix: str = "", route: str = "") -> set[str]:
    """Every URL name reachable from the root URLconf, with namespaces; unnamed patterns by their route."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            names |= url_names(pattern, prefix + namespace, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            names.add(prefix + (pattern.name or f"<unnamed {route}{pattern.pattern}>"))
    return names


PORTAL_URLS = sorted(name for name in url_names() if not name.startswith(ADMIN_NAMESPACE))


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(set(PORTAL_URLS) - set(MATRIX))
    assert not missing, f"Add these URLs to MATRIX in {__name__} with the status each role must get: {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    assert sorted(set(MATRIX) - set(PORTAL_URLS)) == []


def call(client, route: Route, name: str, world: World, *, other: bool):
    kwargs = route.kwargs(world, other) if route.kwargs else {}
    return getattr(client, route.method)(reverse(name, kwargs=kwargs), route.data)


def sign_in_as(client, world: World, role: str) -> None:
    if role != "anonymous":
        login(client, world.users[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [name for name in PORTAL_URLS if name in MATRIX])
def test_each_role_gets_the_expected_status_on_its_own_objects(client, name, role):
    world = build_world()
    route = MATRIX[name]
    sign_in_as(client, world, role)
    response = call(client, route, name, world, other=False)
    assert response.status_code == route.expected(route.own)[role], f"{name} as {role}"
    if role == "anonymous" and response.status_code == 302 and name not in ("logout", "set_language"):
        assert response["Location"].startswith(reverse("login")), f"{name} sends anonymous users to sign in"
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        # Every page a person reads has exactly one main heading (screen readers navigate by it).
        assert response.content.count(b"<h1") == 1, f"{name} as {role} has {response.content.count(b'<h1')} <h1>"


OBJECT_URLS = [name for name in PORTAL_URLS if name in MATRIX and MATRIX[name].other]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_each_role_gets_the_expected_status_on_another_organisations_objects(client, name, role):
    world = build_world()
    route = MATRIX[name]
    sign_in_as(client, world, role)
    response = call(client, route, name, world, other=True)
    assert response.status_code == route.expected(route.other)[role], f"{name} as {role} on another's object"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_closed_to_every_portal_role(client, role):
    world = build_world()
    sign_in_as(client, world, role)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_admin_site_opens_for_verified_staff(client):
    login(client, UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200


def gets(name: str, role: str) -> int:
    return MATRIX[name].expected(MATRIX[name].own)[role]


# Pages only a signed-in official may open: without the second factor each one sends them to enrol.
MINISTRY_PAGES = [
    name
    for name in PORTAL_URLS
    if name in MATRIX
    and MATRIX[name].method == "get"
    and gets(name, "official") == 200
    and gets(name, "anonymous") != 200
    and name not in ("two_factor_setup", "two_factor_verify")
    # The API cannot send anyone to a page: it answers 403 (tests/unit/test_api_tokens.py).
    and not name.startswith("api:")
]
# Pages anyone may open: an official without the second factor opens them too, as anyone would
# (except the home page, where a sign-in lands: it leads on to the second step).
PUBLIC_PAGES = [
    name
    for name in PORTAL_URLS
    if name in MATRIX
    and MATRIX[name].method == "get"
    and gets(name, "anonymous") == 200
    and name not in ("login", "home")
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", MINISTRY_PAGES)
def test_an_official_without_a_second_factor_is_sent_to_enrol(client, name):
    world = build_world()
    login(client, world.users["official"], verified=False)
    response = call(client, MATRIX[name], name, world, other=False)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_an_official_without_a_second_factor_still_opens_public_pages(client, name):
    world = build_world()
    login(client, world.users["official"], verified=False)
    assert call(client, MATRIX[name], name, world, other=False).status_code == 200
