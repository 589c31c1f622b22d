"""What the public may see: the one place that decides it.

Every public page, the public API, the CSV exports and the feed get their rows from `public()` and the
helpers below. A request is public once issued (drafts and drafts withdrawn before issue never are);
its covering letter and free questions once a supervisor approved publication; each submitted version
once a supervisor approved that version; and of a version only what `selectors.answers.public_answers`
allows (the latest claim on each answer, across all versions, decides).
"""

import json
import statistics as pystats
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Now
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest, Publication, Record, ResponseVersion
from disclosures.models.record import RecordKind, Variant
from disclosures.selectors.requests import overdue_q
from disclosures.states import OPEN_STATES, PUBLIC_MESSAGE_ACTIONS, TRANSITIONS, Action, State
from portal.accounts.models import Organisation

# Actions shown on the public timeline (never "create": when a draft was started is internal).
PUBLIC_ACTIONS = [a for a in TRANSITIONS] + ["approve_publication"]
# Decisions and records that the feed announces.
FEED_ACTIONS = [
    Action.ISSUE,
    Action.SUBMIT,
    Action.RESUBMIT,
    Action.DECLINE,
    Action.ACCEPT,
    Action.FIND_INSUFFICIENT,
    Action.ESCALATE,
    Action.CLOSE,
    Action.WITHDRAW,
    "approve_publication",
]
ENDED_STATES = [s for s in State.values if s not in OPEN_STATES and s != State.DRAFT]


def _event_time(action_filter: Q, *, latest: bool = False) -> Subquery:
    events = AuditEvent.objects.filter(action_filter, request=OuterRef("pk"))
    order = "-created_at" if latest else "created_at"
    return Subquery(events.order_by(order).values("created_at")[:1], output_field=DateTimeField())


def public_base() -> QuerySet[DisclosureRequest]:
    """Issued requests, without annotations (for aggregates)."""
    return DisclosureRequest.objects.filter(issued_at__isnull=False).exclude(state=State.DRAFT)


def public(today: date | None = None) -> QuerySet[DisclosureRequest]:
    """Every issued request with the figures the public pages show, one row per request, no extra queries.

    Annotations: `published_at` (publication approval or None), `first_submit_at`, `declined_at`,
    `issue_deadline` (the deadline set at issue, which decides "on time"), `ended_at`, `open_for`
    (a duration: issue until the request left the open states, or until now) and `overdue`.
    """
    today = today or today_in_japan()
    return (
        public_base()
        .select_related("ministry", "developer")
        .annotate(
            published_at=F("publication__approved_at"),
            first_submit_at=_event_time(Q(action=Action.SUBMIT)),
            declined_at=_event_time(Q(action=Action.DECLINE)),
            issue_deadline=Subquery(
                AuditEvent.objects.filter(request=OuterRef("pk"), action=Action.ISSUE).values("deadline")[:1]
            ),
            open_for=ExpressionWrapper(
                Coalesce(
                    Subquery(  # only a request no longer open has ended
                        AuditEvent.objects.filter(request=OuterRef("pk"), to_state__in=ENDED_STATES)
                        .exclude(request__state__in=OPEN_STATES)
                        .order_by("-created_at")
                        .values("created_at")[:1],
                        output_field=DateTimeField(),
                    ),
                    Now(),
                    output_field=DateTimeField(),
                )
                - F("issued_at"),
                output_field=DurationField(),
            ),
            overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()),
        )
        .order_by("-issued_at", "-reference")
    )


def public_developers() -> QuerySet[Organisation]:
    """AI developers the public may know of: those with at least one issued request.

    An organisation that never received a request is not named anywhere public (filters, company pages,
    the API), so the portal does not publish who is registered or who is being asked next.
    """
    return Organisation.objects.filter(
        Exists(public_base().filter(developer=OuterRef("pk"))), kind=Organisation.Kind.DEVELOPER
    )


def published(requests: QuerySet[DisclosureRequest]) -> QuerySet[DisclosureRequest]:
    """Those whose letter and answers a second person approved for publication."""
    return requests.filter(publication__isnull=False)


def get_public_request(reference: str) -> DisclosureRequest:
    try:
        return public().get(reference=reference)
    except DisclosureRequest.DoesNotExist:
        raise Http404 from None


def is_published(request: DisclosureRequest) -> bool:
    if hasattr(request, "published_at"):
        return request.published_at is not None
    return Publication.objects.filter(request=request).exists()


def days(duration: timedelta | None) -> int | None:
    return None if duration is None else max(0, duration.days)


def search_requests(requests: QuerySet[DisclosureRequest], text: str) -> QuerySet[DisclosureRequest]:
    """Search metadata and, for published requests, the public text (letter, questions, public answers).

    PostgreSQL's full-text search with the `simple` configuration finds words in European text; Japanese
    has no spaces, so a substring match runs beside it (and alone on SQLite).
    """
    text = text.strip()[:200]
    if not text:
        return requests
    match = (
        Q(reference__icontains=text)
        | Q(model_name__icontains=text)
        | Q(developer__name_en__icontains=text)
        | Q(developer__name_ja__icontains=text)
        | Q(ministry__name_en__icontains=text)
        | Q(ministry__name_ja__icontains=text)
        | Q(publication__search_text__icontains=text)
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        requests = requests.annotate(public_text=SearchVector("publication__search_text", config="simple"))
        match |= Q(public_text=SearchQuery(text, config="simple", search_type="websearch"))
    return requests.filter(match)


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True)
class PublicEvent:
    """A timeline line as the public sees it: organisations and actions, never people."""

    action: str
    label: str
    at: datetime
    organisation: str
    deadline: date | None
    reasons: str
    action_taken: str


def public_timeline(request: DisclosureRequest) -> list[PublicEvent]:
    events = (
        request.events.filter(action__in=PUBLIC_ACTIONS)
        .select_related("organisation")
        .only("action", "created_at", "deadline", "message", "data", "organisation__name_ja", "organisation__name_en")
    )
    result = []
    for event in events:
        label = gettext("Publication approved") if event.action == "approve_publication" else event.action_label
        result.append(
            PublicEvent(
                action=event.action,
                label=str(label),
                at=event.created_at,
                organisation=event.organisation.name if event.organisation else "",
                deadline=event.deadline,
                reasons=event.message if event.action in PUBLIC_MESSAGE_ACTIONS else "",
                action_taken=event.action_taken_label if event.action == Action.ESCALATE else "",
            )
        )
    return result


def decline_reasons(request: DisclosureRequest) -> list[str]:
    return [e.reasons for e in public_timeline(request) if e.reasons]


# ---------------------------------------------------------------- answers (issue 4) and records (issue 5)


def _submitted_versions(request: DisclosureRequest) -> list[ResponseVersion]:
    """Every submitted version, oldest first, with `approved` (its publication approval or None)."""
    return list(
        ResponseVersion.objects.filter(request=request)
        .annotate(approved=F("publication__approved_at"))
        .order_by("number")
    )


def public_versions(request: DisclosureRequest) -> list[tuple[ResponseVersion, dict]]:
    """The approved versions of a published request with their public answers, oldest first.

    Every submitted version's claims count, approved or not: a claim made in a version still waiting
    for approval already withholds the same answer in the versions before it.
    """
    if not is_published(request):
        return []
    from disclosures.selectors.answers import public_answers

    versions = _submitted_versions(request)
    return [(version, public_answers(version, versions)) for version in versions if version.approved is not None]


def public_version(request: DisclosureRequest) -> ResponseVersion | None:
    """The latest approved version of a published request, or None."""
    versions = public_versions(request)
    return versions[-1][0] if versions else None


def _flatten(value) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    elif value not in (None, ""):
        yield str(value)


def public_search_text(request: DisclosureRequest) -> str:
    """The text of what publication makes public: letter, free questions and the latest approved public answers."""
    parts = [request.covering_letter, *request.questions.values_list("text", flat=True)]
    versions = public_versions(request)
    if versions:
        parts.extend(_flatten(versions[-1][1]))
    return "\n".join(parts)


def public_records(request: DisclosureRequest) -> list:
    """Public PDFs of the request with their log entries, as far as the publication rule allows.

    Decision records are public once the request was issued; the request record waits for the
    publication of the letter; a submission record waits for its version's approval, and is held back
    when a claim made after it was rendered withholds something it shows (a signed PDF cannot be
    changed: the page then shows the version's answers without its PDF).
    """
    if request.issued_at is None or request.state == State.DRAFT:
        return []  # a draft withdrawn before issue has a decision record, but it never was public
    records = list(
        Record.objects.filter(request=request, variant=Variant.PUBLIC)
        .select_related("log_entry", "job")
        .order_by("created_at", "id")
    )
    if not is_published(request):
        return [r for r in records if r.kind == RecordKind.DECISION]
    versions = _submitted_versions(request)
    return [r for r in records if r.kind != RecordKind.SUBMISSION or _submission_record_shown(r, versions)]


def _submission_record_shown(record: Record, versions: list[ResponseVersion]) -> bool:
    from disclosures.selectors.answers import public_answers

    version = next((v for v in versions if v.number == record.job.version_number), None)
    if version is None or version.approved is None:
        return False
    known_then = [v for v in versions if v.submitted_at <= record.created_at]
    return public_answers(version, known_then or [version]) == public_answers(version, versions)


# ---------------------------------------------------------------- the approval page


@dataclass(frozen=True)
class PublicationScope:
    """What one approval of publication would make public now, for the approval page to state exactly."""

    letter: bool  # the covering letter, the free questions and the request record
    question_count: int
    versions: list[tuple[ResponseVersion, dict]]  # versions awaiting approval, with their public answers
    records: list[Record]  # public PDFs that the approval releases

    @property
    def empty(self) -> bool:
        return not self.letter and not self.versions

    @property
    def through_version(self) -> int:
        return self.versions[-1][0].number if self.versions else 0


def publication_scope(request: DisclosureRequest) -> PublicationScope:
    """The letter (if not yet approved) and each submitted version not yet approved, with their records."""
    from disclosures.selectors.answers import public_answers

    letter = not Publication.objects.filter(request=request).exists()
    versions = _submitted_versions(request)
    waiting = [(v, public_answers(v, versions)) for v in versions if v.approved is None]
    numbers = {v.number for v, _answers in waiting}
    records = (
        Record.objects.filter(request=request, variant=Variant.PUBLIC)
        .select_related("job")
        .order_by("created_at", "id")
    )
    released = [
        r
        for r in records
        if (letter and r.kind == RecordKind.REQUEST)
        or (r.kind == RecordKind.SUBMISSION and r.job.version_number in numbers)
    ]
    return PublicationScope(letter=letter, question_count=request.questions.count(), versions=waiting, records=released)


# ---------------------------------------------------------------- company figures


@dataclass
class CompanyFigures:
    organisation: Organisation
    received: int = 0
    on_time: int = 0
    late: int = 0
    declined: int = 0
    unanswered: int = 0
    withdrawn: int = 0
    overdue: int = 0
    days_to_answer: list[int] = field(default_factory=list)
    models: set[str] = field(default_factory=set)

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    @property
    def median_days_to_answer(self) -> float | None:
        return pystats.median(self.days_to_answer) if self.days_to_answer else None

    @property
    def model_list(self) -> list[str]:
        return sorted(self.models)


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


FIGURE_FIELDS = (
    "developer_id",
    "model_name",
    "state",
    "issued_at",
    "deadline",
    "first_submit_at",
    "declined_at",
    "issue_deadline",
    "overdue",
)


def _add_to_figures(figures: CompanyFigures, row: dict) -> None:
    figures.received += 1
    figures.models.add(row["model_name"])
    if row["overdue"]:
        figures.overdue += 1
    if row["first_submit_at"] is not None:
        deadline = row["issue_deadline"] or row["deadline"]
        answered_on = _local_date(row["first_submit_at"])
        if deadline is None or answered_on <= deadline:
            figures.on_time += 1
        else:
            figures.late += 1
        figures.days_to_answer.append((answered_on - _local_date(row["issued_at"])).days)
    elif row["declined_at"] is not None:
        figures.declined += 1
    elif row["state"] == State.WITHDRAWN:
        figures.withdrawn += 1
    else:
        figures.unanswered += 1


def company_figures(developer: Organisation | None = None) -> list[CompanyFigures]:
    """Figures per AI developer that received at least one issued request ("comply or explain").

    Answered on time or late counts first submissions against the deadline set at issue; declined are
    those declined with reasons; unanswered neither answered nor declined (withdrawn ones apart).
    Two queries, whatever the number of requests.
    """
    developers = public_developers()
    rows = public()
    if developer is not None:
        developers = developers.filter(pk=developer.pk)
        rows = rows.filter(developer=developer)
    by_id = {org.pk: CompanyFigures(org) for org in developers}
    for row in rows.order_by().values(*FIGURE_FIELDS).iterator(chunk_size=2000):
        figures = by_id.get(row["developer_id"])
        if figures is not None:
            _add_to_figures(figures, row)
    return [f for f in by_id.values() if f.received or developer is not None]


COMPANY_SORTS = {
    "name": lambda f: f.organisation.name,
    "received": lambda f: f.received,
    "on_time": lambda f: f.on_time,
    "late": lambda f: f.late,
    "declined": lambda f: f.declined,
    "unanswered": lambda f: f.unanswered,
    "median": lambda f: (f.median_days_to_answer is None, f.median_days_to_answer or 0),
}


def sort_companies(figures: list[CompanyFigures], sort: str) -> tuple[list[CompanyFigures], str]:
    key = sort.lstrip("-")
    if key not in COMPANY_SORTS:
        return sorted(figures, key=COMPANY_SORTS["name"]), "name"
    return sorted(figures, key=COMPANY_SORTS[key], reverse=sort.startswith("-")), sort


# ---------------------------------------------------------------- statistics


@dataclass
class PublicStatistics:
    months: list[str]
    states: list[tuple[str, str]]
    per_month: dict[str, Counter]
    answer_buckets: list[tuple[str, int]]
    declines_per_month: dict[str, int]
    overdue_by_ministry: list[tuple[str, int]]
    total: int
    declined: int
    overdue: int
    median_days_to_answer: float | None


ANSWER_BUCKETS = [(0, 7, "0–7"), (8, 14, "8–14"), (15, 30, "15–30"), (31, 60, "31–60"), (61, None, "61+")]


def public_statistics() -> PublicStatistics:
    """Requests per month by state, answer times, declines and overdue requests: one query over the rows."""
    per_month: dict[str, Counter] = defaultdict(Counter)
    declines: Counter = Counter()
    overdue_by_ministry: Counter = Counter()
    answer_days: list[int] = []
    total = declined = overdue = 0
    rows = (
        public()
        .order_by()
        .values(
            "issued_at", "state", "first_submit_at", "declined_at", "overdue", "ministry__name_ja", "ministry__name_en"
        )
    )
    japanese = (get_language() or "ja").startswith("ja")
    for row in rows.iterator(chunk_size=2000):
        total += 1
        month = _local_date(row["issued_at"]).strftime("%Y-%m")
        per_month[month][row["state"]] += 1
        if row["first_submit_at"] is not None:
            answer_days.append((_local_date(row["first_submit_at"]) - _local_date(row["issued_at"])).days)
        if row["declined_at"] is not None:
            declined += 1
            declines[_local_date(row["declined_at"]).strftime("%Y-%m")] += 1
        if row["overdue"]:
            overdue += 1
            overdue_by_ministry[row["ministry__name_ja"] if japanese else row["ministry__name_en"]] += 1
    buckets = []
    for low, high, label in ANSWER_BUCKETS:
        buckets.append((label, sum(1 for d in answer_days if d >= low and (high is None or d <= high))))
    months = sorted(per_month)
    used_states = {s for counter in per_month.values() for s in counter}
    return PublicStatistics(
        months=months,
        states=[(value, str(label)) for value, label in State.choices if value in used_states],
        per_month=per_month,
        answer_buckets=buckets,
        declines_per_month={m: declines.get(m, 0) for m in sorted(set(months) | set(declines))},
        overdue_by_ministry=sorted(overdue_by_ministry.items(), key=lambda item: (-item[1], item[0])),
        total=total,
        declined=declined,
        overdue=overdue,
        median_days_to_answer=pystats.median(answer_days) if answer_days else None,
    )


# ---------------------------------------------------------------- feed


def feed_events(limit: int = 50) -> QuerySet[AuditEvent]:
    """Recent decisions on issued requests, newest first, with organisations (never people)."""
    return (
        AuditEvent.objects.filter(action__in=FEED_ACTIONS, request__issued_at__isnull=False)
        .exclude(request__state=State.DRAFT)
        .select_related("request", "request__developer", "request__ministry", "organisation")
        .order_by("-created_at", "-id")[:limit]
    )


# ---------------------------------------------------------------- declared sources ("Was my work used?")


def public_sources() -> QuerySet:
    """Declared sources of approved versions of published requests that the confidentiality rule shows.

    Which rows are public is `selectors.answers.public_declared_sources` (the rule of `public_answers`
    in SQL: public in this version and in the row's latest claim); this adds the publication rule.
    """
    from disclosures.selectors.answers import public_declared_sources

    return (
        public_declared_sources()
        .filter(
            version__request__issued_at__isnull=False,
            version__request__publication__isnull=False,
            version__publication__isnull=False,
        )
        .exclude(version__request__state=State.DRAFT)
        .select_related("version", "version__request", "version__request__developer")
        .only(
            "name",
            "kind",
            "modality",
            "top_domains",
            "rights_holders",
            "consent_basis",
            "licence_grantor",
            "position",
            "version__number",
            "version__request__reference",
            "version__request__model_name",
            "version__request__model_version",
            "version__request__developer__slug",
            "version__request__developer__name_ja",
            "version__request__developer__name_en",
        )
        .order_by("-version__request__issued_at", "-version__number", "position")
    )


def search_sources(text: str) -> QuerySet:
    """Sources whose name, top domains, rights holders, licence or company match `text`."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    sources = public_sources()
    text = text.strip()[:200]
    if not text:
        return sources
    # JSON may be stored with non-ASCII characters escaped (SQLite), so match that spelling too.
    escaped = json.dumps(text)[1:-1]
    in_json = Q(domains_text__icontains=text) | Q(holders_text__icontains=text)
    if escaped != text:
        in_json |= Q(domains_text__icontains=escaped) | Q(holders_text__icontains=escaped)
    return sources.annotate(
        domains_text=Cast("top_domains", TextField()), holders_text=Cast("rights_holders", TextField())
    ).filter(
        Q(name__icontains=text)
        | in_json
        | Q(licence_grantor__icontains=text)
        | Q(consent_basis__icontains=text)
        | Q(version__request__developer__name_en__icontains=text)
        | Q(version__request__developer__name_ja__icontains=text)
        | Q(version__request__model_name__icontains=text)
    )
