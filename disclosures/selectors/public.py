"""What the public may see: the one place that decides it.

Every public page, the public API, the CSV exports and the feed get their rows from `public()` and the
helpers below. A request is public once issued (drafts and drafts withdrawn before issue never are);
its covering letter and free questions once a supervisor approved publication; each submitted version
once a supervisor approved that version; and of a version only what `selectors.answers.public_answers`
allows (the latest claim on each answer, across all versions, decides).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
    Sum,
)
from django.db.models.functions import Coalesce, Now
from django.http import Http404
from django.utils.translation import get_language, gettext

from disclosures.deadlines import today_in_japan
from disclosures.models import (
    AnswerTally,
    AuditEvent,
    DeclaredSource,
    DeclineTally,
    DisclosureRequest,
    DueTally,
    ModelTally,
    Outcome,
    Publication,
    Record,
    RequestTally,
    ResponseVersion,
)
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


# Days open sorts on one stored number (`index_days_open`, one index): an ended request's duration in
# seconds, and for a request still open OPEN_RANK - its issue time in epoch seconds, which is above
# every duration and grows with the time open. So ascending: ended requests shortest first, then the
# open ones, the most recently issued first; descending: the requests open longest first. Exact within
# each group; an open request ranks past every ended one because its count is still running.
OPEN_RANK = 10**12


def days_open_rank(issued_at: datetime | None, ended_at: datetime | None) -> int | None:
    if issued_at is None:
        return None
    if ended_at is not None:
        return max(0, int((ended_at - issued_at).total_seconds()))
    return OPEN_RANK - int(issued_at.timestamp())


def computed_index_values() -> QuerySet[DisclosureRequest]:
    """Issued requests with the values the index stores, computed from the audit events (the writer's
    source: `services.summary` and the rebuild; pages read the stored columns through `public()`)."""
    return public_base().annotate(
        first_submit_at=_event_time(Q(action=Action.SUBMIT)),
        declined_at=_event_time(Q(action=Action.DECLINE)),
        issue_deadline=Subquery(
            AuditEvent.objects.filter(request=OuterRef("pk"), action=Action.ISSUE).values("deadline")[:1]
        ),
        ended_at=Subquery(  # only a request no longer open has ended
            AuditEvent.objects.filter(request=OuterRef("pk"), to_state__in=ENDED_STATES)
            .exclude(request__state__in=OPEN_STATES)
            .order_by("-created_at")
            .values("created_at")[:1],
            output_field=DateTimeField(),
        ),
        developer_name=F("developer__name_en"),
        ministry_name=F("ministry__name_en"),
    )


def public(today: date | None = None) -> QuerySet[DisclosureRequest]:
    """Every issued request with the figures the public pages show, one row per request, no extra queries.

    Annotations: `published_at` (publication approval or None), `first_submit_at`, `declined_at`,
    `issue_deadline` (the deadline set at issue, which decides "on time"), `ended_at`, `open_for`
    (a duration: issue until the request left the open states, or until now) and `overdue`. All but
    `published_at` and `overdue` are read from the request's stored index columns, kept by each transition.
    """
    today = today or today_in_japan()
    return (
        public_base()
        .select_related("ministry", "developer")
        .annotate(
            # A subquery, not a join: a query of references only (the deferred join of `index_page`)
            # then names no column outside the sort's index and reads the index alone.
            published_at=Subquery(
                Publication.objects.filter(request=OuterRef("pk")).values("approved_at")[:1],
                output_field=DateTimeField(),
            ),
            first_submit_at=F("index_first_submit_at"),
            declined_at=F("index_declined_at"),
            issue_deadline=F("index_issue_deadline"),
            ended_at=F("index_ended_at"),
            open_for=ExpressionWrapper(
                Coalesce(F("index_ended_at"), Now(), output_field=DateTimeField()) - F("issued_at"),
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


def search_requests(requests: QuerySet[DisclosureRequest], text: str) -> tuple[QuerySet[DisclosureRequest], int | None]:
    """Search metadata and, for published requests, the public text (letter, questions, public answers);
    with the number of public requests that match, up to `search.MAX_LISTED_MATCHES + 1`.

    Reads only the requests' stored search keys (`RequestSearch`, kept by `services.publication`), through
    `disclosures.search`: the query's words (SudachiPy, widths and kana folded, readings) among the
    request's words, a GIN index lookup on PostgreSQL, so 講談社 is found inside 「講談社の作品を学習に使用」;
    or a substring of three characters or more of its reference, model or company names (trigram index).
    """
    from disclosures.search import matching_requests

    return matching_requests(requests, text)


def public_count(*, developer: Organisation | None = None, state: str | None = None) -> int:
    """How many requests `public()` holds (of one developer, in one state), from the summary rows kept by
    each transition: a sum over a few hundred counters instead of a count of every issued request."""
    tallies = ModelTally.objects.all() if state is None else RequestTally.objects.filter(state=state)
    if developer is not None:
        tallies = tallies.filter(developer=developer)
    return tallies.aggregate(n=Sum("count"))["n"] or 0


def index_page(requests: QuerySet[DisclosureRequest], bottom: int, top: int) -> list[DisclosureRequest]:
    """Rows `bottom` to `top` of `requests` (`public()`, filtered and ordered), by a deferred join.

    An offset reads every row it skips: page 200 would join and compute 10,000 requests to show 50. Here
    the skipped rows are index entries only (the references, in the order of the sort's index), and the
    50 found are read with their joins and annotations from `public()`, in the same order, in one query.
    """
    rows = public().filter(reference__in=requests.values("reference")[bottom:top])
    return list(rows.order_by(*requests.query.order_by) if requests.query.order_by else rows)


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


def submitted_versions(request: DisclosureRequest) -> list[ResponseVersion]:
    """Every submitted version, oldest first, with `approved` (its publication approval or None)."""
    return list(
        ResponseVersion.objects.filter(request=request)
        .annotate(approved=F("publication__approved_at"))
        .order_by("number")
    )


def public_versions(
    request: DisclosureRequest, versions: list[ResponseVersion] | None = None
) -> list[tuple[ResponseVersion, dict]]:
    """The approved versions of a published request with their public answers, oldest first.

    Every submitted version's claims count, approved or not: a claim made in a version still waiting
    for approval already withholds the same answer in the versions before it. `versions`: the request's
    `submitted_versions()`, when the caller has read them already.
    """
    if not is_published(request):
        return []
    from disclosures.selectors.answers import public_answers

    versions = submitted_versions(request) if versions is None else versions
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


def public_text_parts(request: DisclosureRequest, versions: list[ResponseVersion] | None = None) -> list[str]:
    """The texts publication makes public: letter, free questions and the latest approved public answers
    (none before publication). `versions`: the request's `submitted_versions()`, when read already; the
    questions come from a prefetch when there is one."""
    if not is_published(request):
        return []
    parts = [request.covering_letter, *(q.text for q in request.questions.all())]
    approved = public_versions(request, versions)
    if approved:
        parts.extend(_flatten(approved[-1][1]))
    return parts


def public_search_text(request: DisclosureRequest) -> str:
    """The text of what publication makes public: letter, free questions and the latest approved public answers."""
    return "\n".join(public_text_parts(request))


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
    versions = submitted_versions(request)
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
    versions = submitted_versions(request)
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


# ---------------------------------------------------------------- company figures and statistics

# Read from the summary rows (`models.summary`, kept by `services.summary` in each transition's
# transaction): a few hundred counters, whatever the number of requests. Only "is the deadline past?"
# is decided here, at today's date, so the figures move at midnight without any write.
FIRST_ANSWER_AWAITED = (State.ISSUED, State.ACKNOWLEDGED)


def _median(histogram: Counter) -> float | None:
    """The median of values given as {value: how many}, as `statistics.median` would give it."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        while middle and middle[0] < seen + count:
            found.append(value)
            middle.pop(0)
        seen += count
    return found[0] if found[0] == found[1] else (found[0] + found[1]) / 2


@dataclass
class CompanyFigures:
    """One developer's "comply or explain" figures.

    Every request received is in exactly one of: answered (on time or late, against the deadline set at
    issue), declined with reasons, not yet due (no answer, deadline not passed), no answer by the
    deadline, withdrawn by the ministry. `overdue` also counts answers to a clarification request
    past its deadline.
    """

    organisation: Organisation
    received: int = 0
    on_time: int = 0
    late: int = 0
    declined: int = 0
    not_yet_due: int = 0
    no_answer: int = 0
    withdrawn: int = 0
    overdue: int = 0
    answer_days: Counter = field(default_factory=Counter)
    models: set[str] = field(default_factory=set)

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    @property
    def unanswered(self) -> int:
        """Neither answered nor declined nor withdrawn: not yet due or past the deadline."""
        return self.not_yet_due + self.no_answer

    @property
    def median_days_to_answer(self) -> float | None:
        return _median(self.answer_days)

    @property
    def model_list(self) -> list[str]:
        return sorted(self.models)


OUTCOME_FIELDS = {
    Outcome.ON_TIME: "on_time",
    Outcome.LATE: "late",
    Outcome.DECLINED: "declined",
    Outcome.WITHDRAWN: "withdrawn",
    Outcome.AWAITING: "not_yet_due",
}


def company_figures(developer: Organisation | None = None, today: date | None = None) -> list[CompanyFigures]:
    """Figures per AI developer that received at least one issued request ("comply or explain").

    The developers, then four queries over the summary rows, whatever the number of requests.
    """
    today = today or today_in_japan()
    developers = public_developers()
    tallies = RequestTally.objects.filter(count__gt=0)
    due = DueTally.objects.filter(count__gt=0)
    answers = AnswerTally.objects.filter(count__gt=0)
    models = ModelTally.objects.filter(count__gt=0)
    if developer is not None:  # a developer the caller already found among `public_developers()`
        tallies, due, answers, models = (q.filter(developer=developer) for q in (tallies, due, answers, models))
        by_id = {developer.pk: CompanyFigures(developer)}
    else:
        by_id = {org.pk: CompanyFigures(org) for org in developers}

    def rows(queryset, *fields):
        for row in queryset.values("developer_id", *fields).annotate(n=Sum("count")).order_by():
            figures = by_id.get(row["developer_id"])
            if figures is not None:
                yield figures, row

    for figures, row in rows(tallies, "outcome"):
        figures.received += row["n"]
        name = OUTCOME_FIELDS[row["outcome"]]  # awaiting counts as not yet due until the due rows below
        setattr(figures, name, getattr(figures, name) + row["n"])
    for figures, row in rows(due.filter(due__lt=today), "state"):
        figures.overdue += row["n"]
        if row["state"] in FIRST_ANSWER_AWAITED:
            figures.no_answer += row["n"]
            figures.not_yet_due -= row["n"]
    for figures, row in rows(answers, "days"):
        figures.answer_days[row["days"]] += row["n"]
    for figures, row in rows(models, "model_name"):
        figures.models.add(row["model_name"])
    return [f for f in by_id.values() if f.received or developer is not None]


COMPANY_SORTS = {
    "name": lambda f: f.organisation.name,
    "received": lambda f: f.received,
    "on_time": lambda f: f.on_time,
    "late": lambda f: f.late,
    "declined": lambda f: f.declined,
    "not_yet_due": lambda f: f.not_yet_due,
    "no_answer": lambda f: f.no_answer,
    "withdrawn": lambda f: f.withdrawn,
    "unanswered": lambda f: f.unanswered,
    "median": lambda f: (f.median_days_to_answer is None, f.median_days_to_answer or 0),
}


def sort_companies(figures: list[CompanyFigures], sort: str) -> tuple[list[CompanyFigures], str]:
    key = sort.lstrip("-")
    if key not in COMPANY_SORTS:
        return sorted(figures, key=COMPANY_SORTS["name"]), "name"
    return sorted(figures, key=COMPANY_SORTS[key], reverse=sort.startswith("-")), sort


@dataclass(frozen=True)
class OutcomeTotals:
    """Every issued request by outcome; `not_yet_due + no_answer` are those awaiting a first answer."""

    issued: int
    on_time: int
    late: int
    declined: int
    withdrawn: int
    not_yet_due: int
    no_answer: int

    @property
    def answered(self) -> int:
        return self.on_time + self.late


def outcome_totals(today: date | None = None) -> OutcomeTotals:
    """Totals over all developers, from the summary rows: two queries whatever the number of requests."""
    today = today or today_in_japan()
    outcomes = Counter(
        {row["outcome"]: row["n"] for row in RequestTally.objects.values("outcome").annotate(n=Sum("count")).order_by()}
    )
    past = DueTally.objects.filter(due__lt=today, state__in=FIRST_ANSWER_AWAITED).aggregate(n=Sum("count"))["n"] or 0
    return OutcomeTotals(
        issued=sum(outcomes.values()),
        on_time=outcomes[Outcome.ON_TIME],
        late=outcomes[Outcome.LATE],
        declined=outcomes[Outcome.DECLINED],
        withdrawn=outcomes[Outcome.WITHDRAWN],
        not_yet_due=outcomes[Outcome.AWAITING] - past,
        no_answer=past,
    )


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
    answered: int = 0
    not_yet_due: int = 0
    no_answer: int = 0
    withdrawn: int = 0


ANSWER_BUCKETS = [(0, 7, "0–7"), (8, 14, "8–14"), (15, 30, "15–30"), (31, 60, "31–60"), (61, None, "61+")]


def public_statistics(today: date | None = None) -> PublicStatistics:
    """Requests per month by state, outcomes, answer times, declines and overdue requests.

    Four queries over the summary rows, whatever the number of requests.
    """
    today = today or today_in_japan()
    per_month: dict[str, Counter] = defaultdict(Counter)
    outcomes: Counter = Counter()
    rows = RequestTally.objects.filter(count__gt=0).values("month", "state", "outcome").annotate(n=Sum("count"))
    for row in rows.order_by():
        per_month[row["month"].strftime("%Y-%m")][row["state"]] += row["n"]
        outcomes[row["outcome"]] += row["n"]
    answer_days: Counter = Counter()
    for row in AnswerTally.objects.filter(count__gt=0).values("days").annotate(n=Sum("count")).order_by():
        answer_days[row["days"]] += row["n"]
    declines: Counter = Counter()
    for row in DeclineTally.objects.filter(count__gt=0).values("month").annotate(n=Sum("count")).order_by():
        declines[row["month"].strftime("%Y-%m")] += row["n"]
    japanese = (get_language() or "ja").startswith("ja")
    overdue_by_ministry: Counter = Counter()
    no_answer = 0
    past = (
        DueTally.objects.filter(count__gt=0, due__lt=today)
        .values("state", "ministry__name_ja", "ministry__name_en")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in past:
        overdue_by_ministry[row["ministry__name_ja"] if japanese else row["ministry__name_en"]] += row["n"]
        if row["state"] in FIRST_ANSWER_AWAITED:
            no_answer += row["n"]
    buckets = []
    for low, high, label in ANSWER_BUCKETS:
        in_bucket = (n for d, n in answer_days.items() if d >= low and (high is None or d <= high))
        buckets.append((label, sum(in_bucket)))
    months = sorted(per_month)
    used_states = {s for counter in per_month.values() for s in counter}
    return PublicStatistics(
        months=months,
        states=[(value, str(label)) for value, label in State.choices if value in used_states],
        per_month=per_month,
        answer_buckets=buckets,
        declines_per_month={m: declines.get(m, 0) for m in sorted(set(months) | set(declines))},
        overdue_by_ministry=sorted(overdue_by_ministry.items(), key=lambda item: (-item[1], item[0])),
        total=sum(outcomes.values()),
        declined=sum(declines.values()),
        overdue=sum(overdue_by_ministry.values()),
        median_days_to_answer=_median(answer_days),
        answered=outcomes[Outcome.ON_TIME] + outcomes[Outcome.LATE],
        not_yet_due=outcomes[Outcome.AWAITING] - no_answer,
        no_answer=no_answer,
        withdrawn=outcomes[Outcome.WITHDRAWN],
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


def source_visibility_rule() -> QuerySet:
    """Declared sources of approved versions of published requests that the confidentiality rule shows,
    computed from the relations: the definition of `DeclaredSource.publicly_visible`.

    Which rows are public is `selectors.answers.public_declared_sources` (the rule of `public_answers`
    in SQL: public in this version and in the row's latest claim); this adds the publication rule.
    Only `services.publication.refresh_source_visibility` reads it (and the tests, which compare it with
    the stored flag); the public surfaces read the flag through `public_sources()`.
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
    )


def public_sources() -> QuerySet:
    """The declared sources the public may see (`source_visibility_rule()`, stored as `publicly_visible`),
    with what the pages, the API and the CSV show of them, newest declared first."""
    return (
        DeclaredSource.objects.filter(publicly_visible=True)
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
        # Newest declared first: the primary key orders them without a join, and keyset pages follow it.
        .order_by("-pk")
    )


def search_sources(text: str) -> QuerySet:
    """Public sources whose name, rights holders, licence grantor, company, model or domains match `text`.

    The matching is `disclosures.search` (Japanese-aware, indexed on PostgreSQL); what may be shown is
    `public_sources()`, so a confidential source never matches.
    """
    from disclosures.search import matching_sources

    return matching_sources(public_sources(), text)
